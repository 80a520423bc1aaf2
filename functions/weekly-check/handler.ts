/** weekly-check: EventBridge schedule (Monday 09:00 Asia/Seoul by default) → weeklyCheck → one digest finding. Wiring only. */

import { scheduledTime } from '../../shared/audits/schedule';
import { lazyFunction, lazyPort } from '../../shared/aws/lazy';
import { lazyGrantStore } from '../../shared/aws/ports';
import { BaseConfig, parseConfig } from '../../shared/config';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { effectiveMode, loadPolicy } from '../../shared/policy/load';
import { stateBaselineLoader } from '../../shared/terraform/baseline-loader';
import { type WeeklyDeps, weeklyCheck } from './weekly';

const config = parseConfig(
  BaseConfig.required({ FINDINGS_TOPIC_ARN: true, STATE_TABLE_NAME: true }),
  process.env,
);
const policy = loadPolicy(config.POLICY_PATH);
const mode = effectiveMode(policy, undefined, config.NETWARDEN_MODE);
let loading: Promise<ReturnType<typeof import('../../shared/aws/checks-wiring').weeklyReads>> | undefined;
const reads = () => {
  loading ??= import('../../shared/aws/checks-wiring').then((module) => module.weeklyReads());
  return loading;
};
const publish = lazyFunction(async () => {
  const [{ snsPublisher }, { snsClient }] = await Promise.all([
    import('../../shared/aws/sns'),
    import('../../shared/aws/clients'),
  ]);
  return snsPublisher(snsClient(), config.FINDINGS_TOPIC_ARN);
});
const now = () => new Date();

const deps: WeeklyDeps = {
  elb: lazyPort<WeeklyDeps['elb']>(async () => (await reads()).elb),
  metrics: lazyPort<WeeklyDeps['metrics']>(async () => (await reads()).metrics),
  certificates: lazyPort<WeeklyDeps['certificates']>(async () => (await reads()).certificates),
  sg: lazyPort<WeeklyDeps['sg']>(async () => (await reads()).sg),
  network: lazyPort<WeeklyDeps['network']>(async () => (await reads()).network),
  state: stateBaselineLoader(policy.terraformState, async (ref) => (await reads()).stateReads.read(ref), now),
  grants: lazyGrantStore(config.STATE_TABLE_NAME),
  policy,
  publish,
};

export const handler = lambda(async (event: unknown) => {
  const at = await scheduledTime(event, { function: 'weekly-check', mode, publish, now });
  if (!at) return { status: 'unprocessable' };
  const { finding } = await weeklyCheck(at, deps);
  logger.info('weekly check published', { severity: finding.severity, title: finding.title });
  return { status: 'published', title: finding.title };
});
