/** heal-targets: EventBridge (UnHealthyHostCount alarm → ALARM, and the sweep schedule) → healTargets. Wiring only. */
import {
  lazyInstances,
  lazyLoadBalancing,
  lazyRepeatGate,
  lazySecurityGroups,
} from '../../shared/aws/lazy-adapters';
import { lambda } from '../../shared/middleware';
import { wire } from '../../shared/wiring';
import { healTargets, SWEEP_REPEAT_AFTER_MS } from './heal';
import { HealEvent } from './schema';

const { config, policy, publish, now, log, leveledLog, atHome, wayIn, killSwitch, gate } =
  wire('heal-targets');
const deps = {
  elbv2: lazyLoadBalancing(),
  instances: lazyInstances(),
  sg: lazySecurityGroups(),
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

export const handler = lambda(wayIn(HealEvent)).handler(
  atHome(async (trigger, home) => {
    const outcome = await healTargets(trigger, { ...deps, home });
    const groups = outcome.status === 'done' ? outcome.groups : [];
    leveledLog.info('event handled', { status: outcome.status, groups });
    return { status: outcome.status, groups };
  }),
);
