/**
 * Judging and carrying out decisions (or, in report mode, only saying what would be done), shared by
 * the CloudTrail rule events (revert.ts) and the re-examination of a group that became protected again
 * (reexamine.ts), so both judge, act and report exactly alike.
 */

import { authorizeRulesCall, revokeAuthorizedCall, revokeRulesCall } from '../../shared/aws/calls';
import { errorMessage, isGone } from '../../shared/errors';
import type { SecurityGroups } from '../../shared/estate/security-groups';
import type { Finding } from '../../shared/findings/finding';
import { effectiveMode } from '../../shared/policy/mode';
import type { Mode, Policy, SecurityGroupPolicy } from '../../shared/policy/schema';
import { markHeldBack } from '../../shared/safety/budget';
import {
  type Made,
  UNGATED,
  type WriteGate,
  type WriteRequest,
  type Written,
  withFindingId,
} from '../../shared/safety/gate';
import { findingActor } from '../../shared/sg/actor';
import type { SgEvent } from '../../shared/sg/change';
import type { SgDecision } from '../../shared/sg/decide';
import { groupGoneFinding, type LeftRule, plannedCalls, sgFinding } from '../../shared/sg/findings';

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
  /** Every write passes it: the blast-radius budget before, the journal after (shared/safety/gate.ts). */
  readonly gate?: WriteGate;
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
  deps: { readonly sg: SecurityGroups; readonly now: () => Date; readonly gate?: WriteGate },
  left: ReadonlyArray<LeftRule> = [],
): Promise<Finding> {
  const now = deps.now();
  const leftOf = decision.type === 'revoke' ? { left } : {};
  if (decision.type === 'report') return sgFinding(decision, event, 'no-action', mode, now);
  if (mode === 'report') return sgFinding(decision, event, 'would-act', mode, now, leftOf);
  try {
    const gate = deps.gate ?? UNGATED;
    const written = await gate.write(writeRequest(decision, event), () =>
      act(decision, event, mode, now, leftOf, deps.sg),
    );
    // The finding carries the id its calls were journaled under: `netwarden undo <id>` reverses them.
    if (written.status === 'written') return withFindingId(written.value, written.findingId);
    // Past the blast-radius budget: this decision is reported as enforce mode would have made it, held back.
    return markHeldBack(sgFinding(decision, event, 'would-act', 'report', now, leftOf), written.held);
  } catch (error) {
    if (!isGone(error, 'security group')) throw error;
    return groupGoneFinding(decision.groupId, event, mode, now, decision.rules);
  }
}

/** What the gate charges and journals for a decision on `event`. */
function writeRequest(decision: Exclude<ActingDecision, { type: 'report' }>, event: SgEvent): WriteRequest {
  const actor = findingActor(event.actor);
  return {
    scope: { account: event.account ?? 'unknown', group: decision.groupId },
    ...(event.region ? { region: event.region } : {}),
    eventId: event.eventId,
    cause: actor.arn ?? actor.display,
    planned: plannedCalls(decision),
  };
}

async function act(
  decision: Exclude<ActingDecision, { type: 'report' }>,
  event: SgEvent,
  mode: Mode,
  now: Date,
  leftOf: { left?: ReadonlyArray<LeftRule> },
  sg: SecurityGroups,
): Promise<Written<Finding>> {
  const { groupId, direction } = decision;
  if (decision.type === 'revoke') {
    const ruleIds = decision.rules.map((rule) => rule.ruleId).filter((id): id is string => id !== undefined);
    const result = await sg.revokeRules(groupId, direction, ruleIds);
    const outcome = result.revoked.length > 0 ? 'acted' : 'already-done';
    const finding = sgFinding(decision, event, outcome, mode, now, {
      ...leftOf,
      details: { revoked: result.revoked, alreadyGone: result.alreadyGone },
    });
    const revoked = decision.rules.filter((rule) => rule.ruleId && result.revoked.includes(rule.ruleId));
    const made: Made[] =
      revoked.length > 0
        ? [
            {
              action: 'revoke',
              resource: groupId,
              call: revokeRulesCall(groupId, direction, result.revoked),
              inverse: authorizeRulesCall(groupId, direction, revoked),
            },
          ]
        : [];
    return { value: finding, made, finding: { kind: finding.kind, title: finding.title } };
  }
  const tags = { 'netwarden:restored': 'baseline' };
  const result = await sg.authorizeRules(groupId, direction, decision.rules, tags);
  const outcome = result.authorized.length > 0 ? 'acted' : 'already-done';
  const finding = sgFinding(decision, event, outcome, mode, now, {
    details: { restored: result.authorized.length, alreadyPresent: result.alreadyPresent.length },
  });
  const made: Made[] =
    result.authorized.length > 0
      ? [
          {
            action: 'restore',
            resource: groupId,
            call: authorizeRulesCall(groupId, direction, result.authorized, tags),
            inverse: revokeAuthorizedCall(groupId, direction, result.created ?? [], result.authorized),
          },
        ]
      : [];
  return { value: finding, made, finding: { kind: finding.kind, title: finding.title } };
}
