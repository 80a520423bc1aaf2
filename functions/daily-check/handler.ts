/** daily-check: EventBridge schedule (09:00 Asia/Seoul by default) → dailyCheck → one digest finding. Wiring only. */
import { lazyPort } from '../../shared/aws/lazy';
import { lazyGrantStore } from '../../shared/aws/ports';
import { ScheduleTrigger } from '../../shared/events/schedule';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { wire } from '../../shared/wiring';
import { type DailyDeps, dailyCheck } from './daily';

const { config, policy, publish, selfRoles, wayIn } = wire('daily-check');
let loading: Promise<ReturnType<typeof import('../../shared/aws/checks-wiring').dailyReads>> | undefined;
const reads = () => {
  loading ??= import('../../shared/aws/checks-wiring').then((module) => module.dailyReads());
  return loading;
};

const deps: DailyDeps = {
  elb: lazyPort<DailyDeps['elb']>(async () => (await reads()).elb),
  alarms: lazyPort<DailyDeps['alarms']>(async () => (await reads()).alarms),
  trail: lazyPort<DailyDeps['trail']>(async () => (await reads()).trail),
  sg: lazyPort<DailyDeps['sg']>(async () => (await reads()).sg),
  grants: lazyGrantStore(config.STATE_TABLE_NAME),
  policy,
  selfRoles,
  publish,
};

// The window is the schedule's time, not the clock's: a retried invocation checks the same day.
export const handler = lambda(wayIn(ScheduleTrigger)).handler(async (event) => {
  const { finding } = await dailyCheck(new Date(event.time), deps);
  logger.info('daily check published', { severity: finding.severity, title: finding.title });
  return { status: 'published', title: finding.title };
});
