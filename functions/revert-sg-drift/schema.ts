/**
 * revert-sg-drift's trigger: a CloudTrail API call on a security group or its tags, as EventBridge
 * delivers it. What the request and response elements say is read later, by the use case (shared/sg/change.ts),
 * because its shape depends on the call.
 */
import { CloudTrailEnvelope } from '../../shared/events/cloudtrail';
import { eventSchema } from '../../shared/events/event-schema';

export const RevertEvent = eventSchema(
  CloudTrailEnvelope,
  (problems) => `not a CloudTrail event: ${problems}`,
);
