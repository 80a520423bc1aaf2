/**
 * revert-sg-drift's trigger: a CloudTrail API call on a security group's rules or on its tags, as
 * EventBridge delivers it, read whole here and once: the envelope, then the request and response
 * elements as the call shapes them (shared/sg/change.ts for rule calls, `CtTagsRequest` for tags).
 * Anything unreadable is refused, naming the field and the value, so the middleware reports it as
 * `unprocessable` before the use case, the event ledger or AWS see it.
 */
import { Unprocessable } from '../../shared/errors';
import {
  CloudTrailEnvelope,
  CtTagsRequest,
  TAG_EVENT_NAMES,
  type TagEventName,
} from '../../shared/events/cloudtrail';
import { type EventParse, type EventSchema, eventSchema } from '../../shared/events/event-schema';
import { formatIssues } from '../../shared/events/issues';
import { type SgEvent, sgEventOf } from '../../shared/sg/change';

export type RevertTrigger =
  /** An Authorize, Revoke or Modify of rules, read into the one Rule model. */
  | {
      readonly kind: 'change';
      readonly eventId: string;
      readonly envelope: CloudTrailEnvelope;
      readonly event: SgEvent;
    }
  /**
   * CreateTags / DeleteTags. `request` is absent only when the call failed: a failed call changed no
   * tag, and its parameters may be partial, so they are not read.
   */
  | {
      readonly kind: 'tags';
      readonly eventId: string;
      readonly envelope: CloudTrailEnvelope;
      readonly eventName: TagEventName;
      readonly request?: CtTagsRequest;
    };

/** A CreateTags or DeleteTags call as the schema read it: what both tag guards receive. */
export type TagsTrigger = Extract<RevertTrigger, { kind: 'tags' }>;

const Envelope = eventSchema(CloudTrailEnvelope, (problems) => `not a CloudTrail event: ${problems}`);

const isTagEvent = (eventName: string): eventName is TagEventName =>
  (TAG_EVENT_NAMES as ReadonlyArray<string>).includes(eventName);

const refused = (reason: string): EventParse<RevertTrigger> => ({ success: false, reason });

function tagsTrigger(envelope: CloudTrailEnvelope, eventName: TagEventName): EventParse<RevertTrigger> {
  const { detail } = envelope;
  const tags = { kind: 'tags', eventId: detail.eventID, envelope, eventName } as const;
  if (detail.errorCode) return { success: true, data: tags };
  const request = CtTagsRequest.safeParse(detail.requestParameters ?? {});
  if (!request.success)
    return refused(
      `requestParameters has an unexpected shape: ${formatIssues(request.error.issues, detail.requestParameters, 'requestParameters')}`,
    );
  return { success: true, data: { ...tags, request: request.data } };
}

/** Which call an event is, read whole, or why it cannot be read (naming the field and the value). */
export function revertTriggerOf(raw: unknown): EventParse<RevertTrigger> {
  const parsed = Envelope.safeParse(raw);
  if (!parsed.success) return parsed;
  const envelope = parsed.data;
  const { eventName } = envelope.detail;
  if (isTagEvent(eventName)) return tagsTrigger(envelope, eventName);
  try {
    const event = sgEventOf(envelope.detail, envelope);
    return { success: true, data: { kind: 'change', eventId: event.eventId, envelope, event } };
  } catch (error) {
    // The one place a rule call's shape problem becomes a refusal; anything else is a bug, and thrown.
    if (error instanceof Unprocessable) return refused(error.message);
    throw error;
  }
}

/** revert-sg-drift's way in: the rule change or the tag call, read once by the middleware. */
export const RevertEvent: EventSchema<RevertTrigger> = { safeParse: revertTriggerOf };
