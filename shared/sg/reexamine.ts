/**
 * Re-examining every rule of a group that has just become protected again (a selector tag was put
 * back). Rules added while it was not protected were judged, if at all, by fewer sections, and the
 * events that added them are gone: only the rules as they are now remain, with no author.
 *
 * Each rule is judged by decide() as a rule whose current form is known and whose history is not —
 * the same judgement as a rule edited by hand (ModifySecurityGroupRules), by an unknown principal:
 * - a guardrail breach is revoked, whoever added it;
 * - where a baseline (policy or Terraform state) says what is approved in that direction, anything
 *   else is drift or a duplicate and revoked, and approved rules found missing are restored. No author
 *   is trusted: the trusted principals' pass is for changes they are known to have made;
 * - where no baseline covers the direction, netwarden cannot tell Terraform's rules from anyone
 *   else's, so rules that breach no guardrail are reported (one finding listing them), never revoked:
 *   revoking them could take down the very infrastructure the group protects.
 * Pure: the shell reads the group's rules once and carries the decisions out.
 */
import { baselineRules } from '../policy/match';
import type { SecurityGroupPolicy } from '../policy/schema';
import { type Direction, type Rule, summarise } from '../rules/rule';
import type { Actor } from './actor';
import type { Modification, SgEvent } from './change';
import { type DecideContext, decide, type RevokeReason, type SgDecision } from './decide';

/** Whoever added a rule found on re-examination: unknown, so neither trusted nor netwarden itself. */
export const UNKNOWN_AUTHOR: Actor = {
  type: 'Unknown',
  display: 'an unknown principal',
  viaConsole: false,
};

function modificationOf(rule: Rule): Modification[] {
  if (rule.ruleId === undefined) return [];
  return [
    {
      ruleId: rule.ruleId,
      protocol: rule.protocol,
      fromPort: rule.fromPort,
      toPort: rule.toPort,
      peer: rule.peer,
      ...(rule.description !== undefined ? { description: rule.description } : {}),
    },
  ];
}

/** The directions some baseline speaks about; in the others, what is approved is unknown. */
function baselineDirections(
  sections: ReadonlyArray<SecurityGroupPolicy>,
  groupId: string,
  extraBaseline: ReadonlyArray<Rule> | undefined,
): Set<Direction> {
  const judged = sections.filter((section) => !section.guardrailsOnly);
  if (judged.length === 0) return new Set();
  const approved = [
    ...judged.flatMap((section) => baselineRules(section.baseline ?? [], groupId)),
    ...(extraBaseline ?? []),
  ];
  return new Set(approved.map((rule) => rule.direction));
}

/**
 * decide() explains a revoke as a change someone just made ("added by hand by …"); here nobody is
 * known to have made it, so the reason is restated and decide()'s per-rule notes are kept.
 */
const REEXAMINED_WHY: Record<RevokeReason, string> = {
  guardrail: 'opens access the policy forbids for everyone',
  drift: 'not approved by the baseline',
  duplicate: 'duplicates access an approved or existing rule already gives',
};

function restated(decision: SgDecision): SgDecision {
  if (decision.type !== 'revoke') return decision;
  const separator = decision.why.indexOf(': ');
  const notes = separator >= 0 ? decision.why.slice(separator + 2) : decision.why;
  return { ...decision, why: `${REEXAMINED_WHY[decision.reason]}: ${notes}` };
}

export type ReexamineContext = Omit<DecideContext, 'currentRules'>;

export function reexamine(
  groupId: string,
  currentRules: ReadonlyArray<Rule>,
  context: ReexamineContext,
): SgDecision[] {
  const asEdited: SgEvent = {
    eventId: `reexamine:${groupId}`,
    eventName: 'ModifySecurityGroupRules',
    actor: UNKNOWN_AUTHOR,
    change: { action: 'modified', group: { groupId }, modifications: currentRules.flatMap(modificationOf) },
  };
  const decided = decide(asEdited, { ...context, currentRules });
  const covered = baselineDirections(context.sections, groupId, context.extraBaseline);

  const decisions: SgDecision[] = [];
  const unverified: Rule[] = [];
  for (const decision of decided) {
    const unknowable =
      (decision.type === 'report' && decision.reason === 'unverifiable-change') ||
      (decision.type === 'revoke' &&
        (decision.reason === 'drift' || decision.reason === 'duplicate') &&
        !covered.has(decision.direction));
    if (unknowable) unverified.push(...decision.rules);
    else decisions.push(restated(decision));
  }
  if (unverified.length > 0) {
    decisions.push({
      type: 'report',
      reason: 'unverifiable-change',
      groupId,
      rules: unverified,
      guardrailBreach: false,
      why: `${unverified.map(summarise).join(', ')} breach${unverified.length === 1 ? 'es' : ''} no guardrail, but no baseline says whether ${unverified.length === 1 ? 'it is' : 'they are'} approved and who added ${unverified.length === 1 ? 'it' : 'them'} is unknown: check by hand, or add a baseline to the policy`,
    });
  }
  return decisions;
}
