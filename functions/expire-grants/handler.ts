/** expire-grants: EventBridge schedule (every minute) → expireGrants. Wiring only. */
import {
  lazyGrantStore,
  lazyPublisher,
  lazyRepeatGate,
  lazySecurityGroups,
} from '../../shared/aws/lazy-adapters';
import { BaseConfig, parseConfig } from '../../shared/config';
import { ScheduledEvent } from '../../shared/events/schedule';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { effectiveMode, formatIssues, loadPolicy } from '../../shared/policy/load';
import { unprocessableFinding } from '../../shared/sg/findings';
import { expireGrants } from './expire';

const config = parseConfig(
  BaseConfig.required({ FINDINGS_TOPIC_ARN: true, STATE_TABLE_NAME: true }),
  process.env,
);
const deps = {
  store: lazyGrantStore(config.STATE_TABLE_NAME),
  sg: lazySecurityGroups(),
  publish: lazyPublisher(config.FINDINGS_TOPIC_ARN),
  now: () => new Date(),
  policy: loadPolicy(config.POLICY_PATH),
  ...(config.NETWARDEN_MODE ? { modeOverride: config.NETWARDEN_MODE } : {}),
  // Report mode tells each grant's news once, also across cold starts; a week outlives any grant.
  reported: lazyRepeatGate(config.STATE_TABLE_NAME, 'expire-grants', 7 * 86_400_000),
  log: (message: string, data: Record<string, unknown>) => logger.info(message, data),
};

export const handler = lambda(async (event: unknown) => {
  const parsed = ScheduledEvent.safeParse(event);
  if (!parsed.success) {
    const reason = `not a Scheduled Event: ${formatIssues(parsed.error.issues, event, 'event')}`;
    logger.warn('unprocessable event', { reason });
    const mode = effectiveMode(deps.policy, undefined, deps.modeOverride);
    await deps.publish(unprocessableFinding(reason, deps.now(), { function: 'expire-grants', mode }));
    return { status: 'unprocessable', reason };
  }
  const { failed: _none, ...outcome } = await expireGrants(deps);
  return { status: 'swept', ...outcome };
});
