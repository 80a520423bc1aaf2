/** weekly-check: EventBridge schedule (Monday 09:00 Asia/Seoul by default) → weeklyCheck → one digest finding. Wiring only. */
import { lazyPort } from '../../shared/aws/lazy';
import { lazyGrantStore } from '../../shared/aws/ports';
import { ScheduleTrigger } from '../../shared/events/schedule';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { stateBaselineLoader } from '../../shared/terraform/baseline-loader';
import { wire } from '../../shared/wiring';
import { type WeeklyDeps, weeklyCheck } from './weekly';

const { config, policy, publish, now, wayIn } = wire('weekly-check');
let loading: Promise<ReturnType<typeof import('../../shared/aws/checks-wiring').weeklyReads>> | undefined;
const reads = () => {
  loading ??= import('../../shared/aws/checks-wiring').then((module) => module.weeklyReads());
  return loading;
};

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

// The window is the schedule's time, not the clock's: a retried invocation checks the same week.
export const handler = lambda(wayIn(ScheduleTrigger)).handler(async (event) => {
  const { finding } = await weeklyCheck(new Date(event.time), deps);
  logger.info('weekly check published', { severity: finding.severity, title: finding.title });
  return { status: 'published', title: finding.title };
});
