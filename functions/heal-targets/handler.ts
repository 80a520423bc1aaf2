/** heal-targets: EventBridge (UnHealthyHostCount alarm → ALARM, and the sweep schedule) → healTargets. Wiring only. */
import {
  lazyInstances,
  lazyLoadBalancing,
  lazyRepeatGate,
  lazySecurityGroups,
} from '../../shared/aws/lazy-adapters';
import { orUnreachable } from '../../shared/findings/unreachable';
import { lambda } from '../../shared/middleware';
import { effectiveMode } from '../../shared/policy/mode';
import type { MemberAccess } from '../../shared/policy/organization';
import { wire } from '../../shared/wiring';
import { healTargets, SWEEP_REPEAT_AFTER_MS } from './heal';
import { HealEvent } from './schema';

const { config, policy, publish, now, log, leveledLog, atHome, wayIn, killSwitch, gate, inAccount } =
  wire('heal-targets');
const deps = {
  publish,
  now,
  policy,
  log,
  // In the state table, so a cold start does not repeat the last sweep's findings.
  // Read once an event has groups to heal: while it is on, they are diagnosed in report mode.
  killSwitch,
  repeats: lazyRepeatGate(config.STATE_TABLE_NAME, 'heal-targets', SWEEP_REPEAT_AFTER_MS),
  // Every tag, start, reboot and re-registration: charged to the budget of the account and the target
  // group first, journaled with its inverse after (clearing heal tags is exempt, journaled too).
  gate,
};

/**
 * The estate's readers and writers in one account, made once per account and container: the central
 * account's with the function's own role; a member's through its member role, since the target group
 * and its instances of a member's alarm are in that member.
 */
const estates = new Map<string, ReturnType<typeof estateIn>>();
function estateIn(access: MemberAccess | undefined) {
  return {
    elbv2: lazyLoadBalancing({ access }),
    instances: lazyInstances(access),
    sg: lazySecurityGroups(access),
  };
}
function estateOf(access: MemberAccess | undefined) {
  const key = access?.account ?? 'central';
  const known = estates.get(key) ?? estateIn(access);
  estates.set(key, known);
  return known;
}

export const handler = lambda(wayIn(HealEvent)).handler(
  atHome(async (trigger, home) => {
    // The account the envelope names (EventBridge sets it): a member's alarm is healed in that member
    // with its own policy entries; an account netwarden does not serve gets the central deps, unused:
    // healTargets refuses its event before any AWS call.
    const here = inAccount(home, trigger.kind === 'ignored' ? undefined : trigger.account);
    // A member role that cannot be assumed is a finding, not a retry: retrying would fail the same way.
    const outcome = await orUnreachable(
      () =>
        healTargets(trigger, {
          ...deps,
          ...estateOf(here.access),
          policy: here.policy,
          publish: here.publish,
          home,
        }),
      {
        publish: here.publish,
        now,
        function: 'heal-targets',
        mode: effectiveMode(here.policy, here.policy.targets),
        eventId: trigger.eventId,
        ...(trigger.kind === 'ignored' ? {} : { region: trigger.region }),
      },
    );
    if (outcome.status === 'unreachable') {
      leveledLog.warn('member role refused: event reported, not acted on', { account: outcome.account });
      return { status: outcome.status, groups: [] };
    }
    const groups = outcome.status === 'done' ? outcome.groups : [];
    leveledLog.info('event handled', { status: outcome.status, groups });
    return { status: outcome.status, groups };
  }),
);
