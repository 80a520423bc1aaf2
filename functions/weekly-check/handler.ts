/** weekly-check: EventBridge schedule (Monday 09:00 Asia/Seoul by default) → weeklyCheck → one digest finding. Wiring only. */

import { lazyGrantStore, lazyLoadBalancing, lazyTerraformStateObjects } from '../../shared/aws/lazy-adapters';
import {
  lazyCertificates,
  lazyMetrics,
  lazyNetworkReferences,
  lazySecurityGroupInventory,
} from '../../shared/aws/lazy-audit-adapters';
import { ScheduleTrigger } from '../../shared/events/schedule';
import { lambda } from '../../shared/middleware';
import { marked } from '../../shared/safety/kill-switch';
import { stateBaselineLoader } from '../../shared/terraform/baseline-loader';
import { wire } from '../../shared/wiring';
import { type WeeklyDeps, weeklyCheck } from './weekly';

const { config, policy, publish, now, wayIn, killSwitch, leveledLog } = wire('weekly-check');
const stateObjects = lazyTerraformStateObjects();

const deps: WeeklyDeps = {
  elb: lazyLoadBalancing({ bulk: true }),
  metrics: lazyMetrics(),
  certificates: lazyCertificates(),
  sg: lazySecurityGroupInventory(),
  network: lazyNetworkReferences(),
  state: stateBaselineLoader(policy.terraformState, (ref) => stateObjects.read(ref), now),
  grants: lazyGrantStore(config.STATE_TABLE_NAME),
  policy,
  publish,
};

// The window is the schedule's time, not the clock's: a retried invocation checks the same week.
export const handler = lambda(wayIn(ScheduleTrigger)).handler(async (event) => {
  // The audit writes nothing; while the kill switch is on its digest says so.
  const { finding } = await weeklyCheck(new Date(event.time), {
    ...deps,
    publish: (await marked({ policy, publish, killSwitch })).publish,
  });
  leveledLog.info('weekly check published', { severity: finding.severity, title: finding.title });
  return { status: 'published', title: finding.title };
});
