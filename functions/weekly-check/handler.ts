/** weekly-check: EventBridge schedule (Monday 09:00 Asia/Seoul by default) → weeklyCheck → one digest finding. Wiring only. */

import { mapBounded } from '../../shared/audits/bounded';
import { lazyTerraformStateObjects } from '../../shared/aws/lazy-adapters';
import { lazyWeeklyGrantStore, lazyWeeklyReaders } from '../../shared/aws/lazy-weekly-readers';
import { ScheduleTrigger } from '../../shared/events/schedule';
import { openIn } from '../../shared/grants/record';
import { lambda } from '../../shared/middleware';
import type { MemberAccess } from '../../shared/policy/organization';
import type { Policy } from '../../shared/policy/schema';
import { marked } from '../../shared/safety/kill-switch';
import { stateBaselineLoader } from '../../shared/terraform/baseline-loader';
import { wire } from '../../shared/wiring';
import { type WeeklyDeps, weeklyCheck } from './weekly';

const { config, policy, now, wayIn, killSwitch, leveledLog, everyAccount } = wire('weekly-check');
// Terraform state objects live where the policy says (the central account's S3 by default).
const stateObjects = lazyTerraformStateObjects();
const grants = lazyWeeklyGrantStore(config.STATE_TABLE_NAME);

type Readers = Pick<WeeklyDeps, 'elb' | 'metrics' | 'certificates' | 'sg' | 'network' | 'state'>;
/** The estate's readers in one account (a member's through its member role), made once per container. */
const readers = new Map<string, Readers>();
function readersIn(own: Policy, access: MemberAccess | undefined): Readers {
  const key = access?.account ?? 'own';
  const known = readers.get(key) ?? {
    ...lazyWeeklyReaders(access),
    state: stateBaselineLoader(own.terraformState, (ref) => stateObjects.read(ref), now),
  };
  readers.set(key, known);
  return known;
}

// The window is the schedule's time, not the clock's: a retried invocation checks the same week.
export const handler = lambda(wayIn(ScheduleTrigger)).handler(async (event, context) => {
  // With an organization, one digest per account, at most checkConcurrency accounts read at once; a
  // member whose role cannot be assumed gets a digest of checks that could not run, never an all-clear.
  const accounts = everyAccount(context);
  const titles = await mapBounded(accounts, policy.organization?.checkConcurrency ?? 1, async (here) => {
    // The audit writes nothing; while the kill switch is on its digest says so.
    const { finding } = await weeklyCheck(new Date(event.time), {
      ...readersIn(here.policy, here.access),
      // Each account's digest lists only its own grants.
      grants: openIn(grants, here.access?.account),
      policy: here.policy,
      publish: (await marked({ policy, publish: here.publish, killSwitch })).publish,
    });
    leveledLog.info('weekly check published', {
      severity: finding.severity,
      title: finding.title,
      ...(here.scope ? { account: here.scope.id } : {}),
    });
    return finding.title;
  });
  return accounts.length === 1 ? { status: 'published', title: titles[0] } : { status: 'published', titles };
});
