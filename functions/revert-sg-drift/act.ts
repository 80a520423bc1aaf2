/**
 * Judging and carrying out decisions (or, in report mode, only saying what would be done), shared by
 * the CloudTrail rule events (revert.ts) and the re-examination of a group that became protected again
 * (reexamine.ts), so both judge, act and report exactly alike.
 */

import { errorMessage, isGone } from '../../shared/errors';
import type { SecurityGroups } from '../../shared/estate/security-groups';
import type { Finding } from '../../shared/findings/finding';
import { effectiveMode } from '../../shared/policy/load';
import type { Mode, Policy, SecurityGroupPolicy } from '../../shared/policy/schema';
import type { SgEvent } from '../../shared/sg/change';
import type { SgDecision } from '../../shared/sg/decide';
import { groupGoneFinding, type LeftRule, sgFinding } from '../../shared/sg/findings';

export type ActingDecision = Exclude<SgDecision, { type: 'ignore' }>;

/** Report wins if any section protecting the group says so (the policy carries the stage's mode). */
export function modeFor(policy: Policy, sections: ReadonlyArray<SecurityGroupPolicy>): Mode {
  return sections.reduce<Mode>(
    (current, section) => (effectiveMode(policy, section) === 'report' ? 'report' : current),
    effectiveMode(policy, undefined),
  );
}

/** What every decision of this function is judged against, besides the group's sections and rules. */
export function decideContext(deps: {
  readonly policy: Policy;
  readonly selfRoles: ReadonlyArray<string>;
  readonly now: () => Date;
}) {
  return {
    trustedPrincipals: deps.policy.trustedPrincipals,
    selfRoles: deps.selfRoles,
    exceptions: deps.policy.exceptions,
    now: deps.now(),
  };
}

export interface CarryOutDeps {
  readonly sg: SecurityGroups;
  readonly now: () => Date;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
}

/**
 * Carries out each acting decision in turn (an ignored one is only logged). A failure throws, naming
 * the decision, the group and `during` (`for event …`), so that the event is retried.
 */
export async function carryOutAll(
  decisions: ReadonlyArray<SgDecision>,
  event: SgEvent,
  mode: Mode,
  deps: CarryOutDeps,
  how: {
    readonly during: string;
    /** The event's other rules that stay as they are: a revoke finding lists them. */
    readonly left?: ReadonlyArray<LeftRule>;
    /** Each finding as soon as it is made: worded for its context, published … */
    readonly each?: (finding: Finding, decision: ActingDecision) => Promise<Finding>;
  },
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const decision of decisions) {
    if (decision.type === 'ignore') {
      deps.log?.('ignored change', { eventId: event.eventId, reason: decision.reason, why: decision.why });
      continue;
    }
    let finding: Finding;
    try {
      finding = await carryOut(decision, event, mode, deps, how.left);
    } catch (error) {
      deps.log?.('remediation failed', {
        eventId: event.eventId,
        groupId: decision.groupId,
        decision: decision.type,
        error: errorMessage(error),
      });
      throw new Error(
        `${decision.type} on ${decision.groupId} failed ${how.during}: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    findings.push(how.each ? await how.each(finding, decision) : finding);
  }
  return findings;
}

/**
 * `left` names the event's other rules that stay as they are; a revoke finding lists them. A group
 * deleted meanwhile (`InvalidGroup.NotFound`) is a finding, not an error to retry.
 */
export async function carryOut(
  decision: ActingDecision,
  event: SgEvent,
  mode: Mode,
  deps: { readonly sg: SecurityGroups; readonly now: () => Date },
  left: ReadonlyArray<LeftRule> = [],
): Promise<Finding> {
  const now = deps.now();
  const leftOf = decision.type === 'revoke' ? { left } : {};
  if (decision.type === 'report') return sgFinding(decision, event, 'no-action', mode, now);
  if (mode === 'report') return sgFinding(decision, event, 'would-act', mode, now, leftOf);
  try {
    return await act(decision, event, mode, now, leftOf, deps.sg);
  } catch (error) {
    if (!isGone(error, 'security group')) throw error;
    return groupGoneFinding(decision.groupId, event, mode, now, decision.rules);
  }
}

async function act(
  decision: Exclude<ActingDecision, { type: 'report' }>,
  event: SgEvent,
  mode: Mode,
  now: Date,
  leftOf: { left?: ReadonlyArray<LeftRule> },
  sg: SecurityGroups,
): Promise<Finding> {
  if (decision.type === 'revoke') {
    const ruleIds = decision.rules.map((rule) => rule.ruleId).filter((id): id is string => id !== undefined);
    const result = await sg.revokeRules(decision.groupId, decision.direction, ruleIds);
    const outcome = result.revoked.length > 0 ? 'acted' : 'already-done';
    return sgFinding(decision, event, outcome, mode, now, {
      ...leftOf,
      details: { revoked: result.revoked, alreadyGone: result.alreadyGone },
    });
  }
  const result = await sg.authorizeRules(decision.groupId, decision.direction, decision.rules, {
    'netwarden:restored': 'baseline',
  });
  const outcome = result.authorized.length > 0 ? 'acted' : 'already-done';
  return sgFinding(decision, event, outcome, mode, now, {
    details: { restored: result.authorized.length, alreadyPresent: result.alreadyPresent.length },
  });
}
