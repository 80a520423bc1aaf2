/** revert-sg-drift: EventBridge (CloudTrail security-group API calls) → revertDrift. Wiring only. */
import {
  lazyEventLedger,
  lazyGrantStore,
  lazySecurityGroups,
  lazyTerraformStateObjects,
} from '../../shared/aws/lazy-adapters';
import { lambda } from '../../shared/middleware';
import { protectedGroups, recentEvents } from '../../shared/sg/protected-groups';
import { baselineOrNothing, stateBaselineLoader } from '../../shared/terraform/baseline-loader';
import { wire } from '../../shared/wiring';
import { describeOutcome, revertDrift } from './revert';
import { RevertEvent } from './schema';

const { config, policy, publish, now, log, leveledLog, selfRoles, atHome, wayIn, killSwitch, gate } =
  wire('revert-sg-drift');
const sg = lazySecurityGroups();
// Terraform state named by the policy is baseline too (read at most once per 5 minutes).
const stateBaseline =
  policy.terraformState.length > 0
    ? stateBaselineLoader(policy.terraformState, lazyTerraformStateObjects().read, now)
    : undefined;
const deps = {
  sg,
  publish,
  now,
  policy,
  selfRoles,
  log,
  protectedGroups: protectedGroups(policy, sg, now),
  recent: recentEvents(),
  // Grants are what grant-access recorded in the state table; their tags are only a label.
  grants: lazyGrantStore(config.STATE_TABLE_NAME),
  // Exactly-once per CloudTrail event across retries and containers; loaded only for events acted on.
  ledger: lazyEventLedger(config.STATE_TABLE_NAME, 'revert-sg-drift'),
  // Read once an event may lead to a write: while it is on, the event is decided in report mode.
  killSwitch,
  // Every revoke and restore: charged to the blast-radius budget first, journaled after.
  gate,
  ...(stateBaseline && {
    extraBaseline: baselineOrNothing(stateBaseline, (error) =>
      leveledLog.warn('Terraform state unreadable: deciding on the policy baseline alone', { error }),
    ),
  }),
};

export const handler = lambda(wayIn(RevertEvent)).handler(
  atHome(async (trigger, home, context) => {
    // The claim on the event lapses when this invocation would time out, so a retry is never blocked.
    const claimUntil = new Date(now().getTime() + context.getRemainingTimeInMillis());
    const outcome = await revertDrift(trigger, { ...deps, home, claimUntil });
    const decisions = describeOutcome(outcome);
    leveledLog.info('event handled', { status: outcome.status, decisions });
    return { status: outcome.status, decisions };
  }),
);
