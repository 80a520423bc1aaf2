/** daily-check: EventBridge schedule (09:00 Asia/Seoul by default) → dailyCheck → one digest finding. Wiring only. */

import { lazyGrantStore, lazyLoadBalancing } from '../../shared/aws/lazy-adapters';
import {
  lazyAlarms,
  lazySecurityGroupInventory,
  lazySecurityGroupTrail,
} from '../../shared/aws/lazy-audit-adapters';
import { ScheduleTrigger } from '../../shared/events/schedule';
import { lambda } from '../../shared/middleware';
import { marked } from '../../shared/safety/kill-switch';
import { wire } from '../../shared/wiring';
import { type DailyDeps, dailyCheck } from './daily';

const { config, policy, publish, selfRoles, wayIn, killSwitch, leveledLog } = wire('daily-check');

const deps: DailyDeps = {
  elb: lazyLoadBalancing({ bulk: true }),
  alarms: lazyAlarms(),
  trail: lazySecurityGroupTrail(),
  sg: lazySecurityGroupInventory(),
  grants: lazyGrantStore(config.STATE_TABLE_NAME),
  policy,
  selfRoles,
  publish,
};

// The window is the schedule's time, not the clock's: a retried invocation checks the same day.
export const handler = lambda(wayIn(ScheduleTrigger)).handler(async (event) => {
  // The audit writes nothing; while the kill switch is on its digest says so.
  const { finding } = await dailyCheck(new Date(event.time), {
    ...deps,
    publish: (await marked({ policy, publish, killSwitch })).publish,
  });
  leveledLog.info('daily check published', { severity: finding.severity, title: finding.title });
  return { status: 'published', title: finding.title };
});
