/** revert-sg-drift: EventBridge (CloudTrail security-group API calls) → revertDrift. Wiring only. */
import {
  lazyEventLedger,
  lazyGrantStore,
  lazySecurityGroups,
  lazyTerraformStateObjects,
} from '../../shared/aws/lazy-adapters';
import type { Home } from '../../shared/events/home';
import { orUnreachable } from '../../shared/findings/unreachable';
import { lambda } from '../../shared/middleware';
import { effectiveMode } from '../../shared/policy/mode';
import type { MemberAccess } from '../../shared/policy/organization';
import type { Policy } from '../../shared/policy/schema';
import { protectedGroups, recentEvents } from '../../shared/sg/protected-groups';
import { baselineOrNothing, stateBaselineLoader } from '../../shared/terraform/baseline-loader';
import { wire } from '../../shared/wiring';
import { describeOutcome, revertDrift } from './revert';
import { RevertEvent } from './schema';

const {
  config,
  policy,
  publish,
  now,
  log,
  leveledLog,
  selfRoles,
  atHome,
  wayIn,
  killSwitch,
  gate,
  inAccount,
} = wire('revert-sg-drift');

/** What the use case reads and writes through in one account: made once per account and container. */
function accountDeps(own: Policy, access: MemberAccess | undefined) {
  const sg = lazySecurityGroups(access);
  // Terraform state named by the policy is baseline too (read at most once per 5 minutes).
  const stateBaseline =
    own.terraformState.length > 0
      ? stateBaselineLoader(own.terraformState, lazyTerraformStateObjects().read, now)
      : undefined;
  return {
    sg,
    protectedGroups: protectedGroups(own, sg, now),
    ...(stateBaseline && {
      extraBaseline: baselineOrNothing(stateBaseline, (error) =>
        leveledLog.warn('Terraform state unreadable: deciding on the policy baseline alone', { error }),
      ),
    }),
  };
}
let central: ReturnType<typeof accountDeps> | undefined;
const members = new Map<string, ReturnType<typeof accountDeps>>();

const deps = {
  publish,
  now,
  policy,
  selfRoles,
  log,
  recent: recentEvents(),
  // Grants are what grant-access recorded in the state table; their tags are only a label.
  grants: lazyGrantStore(config.STATE_TABLE_NAME),
  // Exactly-once per CloudTrail event across retries and containers; loaded only for events acted on.
  ledger: lazyEventLedger(config.STATE_TABLE_NAME, 'revert-sg-drift'),
  // Read once an event may lead to a write: while it is on, the event is decided in report mode.
  killSwitch,
  // Every revoke and restore: charged to the blast-radius budget first, journaled after.
  gate,
};

/**
 * The deps for the account the event's envelope names (EventBridge sets it): with an organization, a
 * member's own policy entries, its member role and a publisher naming it. An account netwarden does
 * not serve gets the central deps, unused: revertDrift refuses its event before any AWS call.
 */
function depsFor(account: string | undefined, home: Home) {
  const here = inAccount(home, account);
  if (!here.access) {
    // The central account's entries (the whole policy when there is no organization), made once.
    central ??= accountDeps(here.policy, undefined);
    return { ...deps, ...central, policy: here.policy, publish: here.publish };
  }
  const known = members.get(here.access.account) ?? accountDeps(here.policy, here.access);
  members.set(here.access.account, known);
  // A member's grants are recorded under its account (security group ids are per account).
  const member = here.access.account;
  const grants = { get: (groupId: string, access: string) => deps.grants.get(groupId, access, member) };
  return { ...deps, ...known, grants, policy: here.policy, publish: here.publish };
}

export const handler = lambda(wayIn(RevertEvent)).handler(
  atHome(async (trigger, home, context) => {
    // The claim on the event lapses when this invocation would time out, so a retry is never blocked.
    const claimUntil = new Date(now().getTime() + context.getRemainingTimeInMillis());
    // The account the event happened in: the envelope's (EventBridge sets it), else the record's. Home
    // has checked that every field naming one agrees; without this, an event invoked directly with no
    // envelope account was judged by the central account's policy, with the central role.
    const here = depsFor(trigger.envelope.account ?? trigger.envelope.detail.recipientAccountId, home);
    // A member role that cannot be assumed is a finding, not a retry: retrying would fail the same way.
    const outcome = await orUnreachable(() => revertDrift(trigger, { ...here, home, claimUntil }), {
      publish: here.publish,
      now,
      function: 'revert-sg-drift',
      mode: effectiveMode(here.policy, undefined),
      eventId: trigger.eventId,
      region: trigger.envelope.region ?? home.region,
    });
    if (outcome.status === 'unreachable') {
      leveledLog.warn('member role refused: event reported, not acted on', { account: outcome.account });
      return { status: outcome.status, decisions: outcome.decisions };
    }
    const decisions = describeOutcome(outcome);
    leveledLog.info('event handled', { status: outcome.status, decisions });
    return { status: outcome.status, decisions };
  }),
);
