/** daily-check: EventBridge schedule (09:00 Asia/Seoul by default) → dailyCheck → one digest finding. Wiring only. */

import { mapBounded } from '../../shared/audits/bounded';
import { lazyGrantStore, lazyLoadBalancing } from '../../shared/aws/lazy-adapters';
import {
  lazyAlarms,
  lazySecurityGroupInventory,
  lazySecurityGroupTrail,
} from '../../shared/aws/lazy-audit-adapters';
import { ScheduleTrigger } from '../../shared/events/schedule';
import { openIn } from '../../shared/grants/record';
import { lambda } from '../../shared/middleware';
import type { MemberAccess } from '../../shared/policy/organization';
import { marked } from '../../shared/safety/kill-switch';
import { wire } from '../../shared/wiring';
import { type DailyDeps, dailyCheck } from './daily';

const { config, policy, selfRoles, wayIn, killSwitch, leveledLog, everyAccount } = wire('daily-check');

const grants = lazyGrantStore(config.STATE_TABLE_NAME);
/** The estate's readers in one account (a member's through its member role), made once per container. */
const readers = new Map<string, Pick<DailyDeps, 'elb' | 'alarms' | 'trail' | 'sg'>>();
function readersIn(access: MemberAccess | undefined) {
  const key = access?.account ?? 'own';
  const known = readers.get(key) ?? {
    elb: lazyLoadBalancing({ bulk: true, access }),
    alarms: lazyAlarms(access),
    trail: lazySecurityGroupTrail(access),
    sg: lazySecurityGroupInventory(access),
  };
  readers.set(key, known);
  return known;
}

// The window is the schedule's time, not the clock's: a retried invocation checks the same day.
export const handler = lambda(wayIn(ScheduleTrigger)).handler(async (event, context) => {
  // With an organization, one digest per account, at most checkConcurrency accounts read at once; a
  // member whose role cannot be assumed gets a digest of checks that could not run, never an all-clear.
  const accounts = everyAccount(context);
  const titles = await mapBounded(accounts, policy.organization?.checkConcurrency ?? 1, async (here) => {
    // The audit writes nothing; while the kill switch is on its digest says so.
    const { finding } = await dailyCheck(new Date(event.time), {
      ...readersIn(here.access),
      // Each account's digest lists only its own grants.
      grants: openIn(grants, here.access?.account),
      policy: here.policy,
      selfRoles,
      publish: (await marked({ policy, publish: here.publish, killSwitch })).publish,
    });
    leveledLog.info('daily check published', {
      severity: finding.severity,
      title: finding.title,
      ...(here.scope ? { account: here.scope.id } : {}),
    });
    return finding.title;
  });
  return accounts.length === 1 ? { status: 'published', title: titles[0] } : { status: 'published', titles };
});
