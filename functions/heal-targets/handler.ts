/** heal-targets: EventBridge (UnHealthyHostCount alarm → ALARM, and the sweep schedule) → healTargets. Wiring only. */
import {
  lazyInstances,
  lazyLoadBalancing,
  lazyPublisher,
  lazyRepeatGate,
  lazySecurityGroups,
} from '../../shared/aws/lazy-adapters';
import { BaseConfig, parseConfig } from '../../shared/config';
import { accountOfFunctionArn, homeOf } from '../../shared/events/home';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { loadPolicy } from '../../shared/policy/load';
import { healTargets, SWEEP_REPEAT_AFTER_MS } from './heal';

const config = parseConfig(
  BaseConfig.required({ FINDINGS_TOPIC_ARN: true, STATE_TABLE_NAME: true }),
  process.env,
);

const policy = loadPolicy(config.POLICY_PATH);
const deps = {
  elbv2: lazyLoadBalancing(),
  instances: lazyInstances(),
  sg: lazySecurityGroups(),
  publish: lazyPublisher(config.FINDINGS_TOPIC_ARN),
  now: () => new Date(),
  policy,
  ...(config.NETWARDEN_MODE ? { modeOverride: config.NETWARDEN_MODE } : {}),
  log: (message: string, data: Record<string, unknown>) => logger.info(message, data),
  // In the state table, so a cold start does not repeat the last sweep's findings.
  repeats: lazyRepeatGate(config.STATE_TABLE_NAME, 'heal-targets', SWEEP_REPEAT_AFTER_MS),
};

export const handler = lambda(async (event: unknown, context) => {
  // The own account from configuration, else from the ARN Lambda invoked (`osls invoke local` has none).
  const home = homeOf({
    policyAccounts: policy.accounts,
    ownAccount: config.NETWARDEN_ACCOUNT_ID ?? accountOfFunctionArn(context.invokedFunctionArn),
    region: config.AWS_REGION,
  });
  const outcome = await healTargets(event, { ...deps, home });
  const groups = outcome.status === 'done' ? outcome.groups : [];
  logger.info('event handled', { status: outcome.status, groups });
  return { status: outcome.status, groups };
});
