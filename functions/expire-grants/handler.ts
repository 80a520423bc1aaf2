/** expire-grants: EventBridge schedule (every minute) → expireGrants. Wiring only. */
import type { SecurityGroupPort } from '../../shared/aws/ec2';
import type { RuleTagger } from '../../shared/aws/ec2-tags';
import { lazyFunction, lazyPort } from '../../shared/aws/lazy';
import { BaseConfig, parseConfig } from '../../shared/config';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { formatIssues, loadPolicy } from '../../shared/policy/load';
import { unprocessableFinding } from '../../shared/sg/findings';
import { recentEvents } from '../../shared/sg/protected-groups';
import { expireGrants } from './expire';
import { ScheduledEvent } from './schema';

const config = parseConfig(BaseConfig.required({ FINDINGS_TOPIC_ARN: true }), process.env);
// The sweep pages through every grant: the bulk reader's extra retries absorb throttling.
const ec2 = async () => (await import('../../shared/aws/clients')).ec2BulkClient();

const deps = {
  sg: lazyPort<SecurityGroupPort>(async () =>
    (await import('../../shared/aws/ec2')).securityGroupPort(await ec2()),
  ),
  tagger: lazyPort<RuleTagger>(async () =>
    (await import('../../shared/aws/ec2-tags')).ruleTagger(await ec2()),
  ),
  publish: lazyFunction(async () => {
    const [{ snsPublisher }, { snsClient }] = await Promise.all([
      import('../../shared/aws/sns'),
      import('../../shared/aws/clients'),
    ]);
    return snsPublisher(snsClient(), config.FINDINGS_TOPIC_ARN);
  }),
  now: () => new Date(),
  policy: loadPolicy(config.POLICY_PATH),
  ...(config.NETWARDEN_MODE ? { modeOverride: config.NETWARDEN_MODE } : {}),
  reported: recentEvents(10_000),
  log: (message: string, data: Record<string, unknown>) => logger.info(message, data),
};

export const handler = lambda(async (event: unknown) => {
  const parsed = ScheduledEvent.safeParse(event);
  if (!parsed.success) {
    const reason = `not a Scheduled Event: ${formatIssues(parsed.error.issues, event).replaceAll('policy', 'event')}`;
    logger.warn('unprocessable event', { reason });
    await deps.publish(unprocessableFinding(reason, deps.now(), { function: 'expire-grants' }));
    return { status: 'unprocessable', reason };
  }
  const { failed: _none, ...outcome } = await expireGrants(deps);
  return { status: 'swept', ...outcome };
});
