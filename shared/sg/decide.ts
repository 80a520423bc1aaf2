/**
 * decide(event, context) → SgDecision[]: pure, no AWS calls. The shell (functions/revert-sg-drift)
 * gathers the context — which policy sections protect the group, the group's current rules when the
 * event alone cannot say — and carries the decisions out, or only reports them in report mode.
 *
 * The order of precedence, per rule: exception tag → guardrail (everyone) → trusted principal →
 * approved (baseline) → duplicate (covered by an approved or existing rule) → drift.
 */
import { baselineRules, forbidMatches } from '../policy/match';
import type { SecurityGroupPolicy } from '../policy/schema';
import { covers, type Direction, type Rule, ruleKey, sameAccess, summarise } from '../rules/rule';
import { type Actor, isSelf, matchesAny } from './actor';
import type { Modification, SgChange, SgEvent } from './change';

export const IGNORE_TAG = 'netwarden:ignore';

export type RevokeReason = 'guardrail' | 'drift' | 'duplicate' | 'invalid-grant';
export type IgnoreReason =
  | 'failed-call'
  | 'self'
  | 'unprotected'
  | 'trusted'
  | 'approved'
  | 'guardrails-only'
  | 'nothing-to-restore'
  | 'rule-gone';

export type SgDecision =
  | {
      readonly type: 'revoke';
      readonly reason: RevokeReason;
      readonly groupId: string;
      readonly direction: Direction;
      readonly rules: Rule[];
      readonly why: string;
    }
  | {
      readonly type: 'restore';
      readonly groupId: string;
      readonly direction: Direction;
      readonly rules: Rule[];
      readonly why: string;
    }
  | {
      readonly type: 'report';
      readonly reason: 'exception' | 'unverifiable-change';
      readonly groupId: string;
      readonly rules: Rule[];
      readonly guardrailBreach: boolean;
      readonly why: string;
    }
  | { readonly type: 'ignore'; readonly reason: IgnoreReason; readonly why: string };

export interface DecideContext {
  /** Policy sections protecting the group; empty when it is not protected. */
  readonly sections: ReadonlyArray<SecurityGroupPolicy>;
  readonly trustedPrincipals: ReadonlyArray<string>;
  readonly selfRoles: ReadonlyArray<string>;
  /** The group's rules as described after the event, when the shell had to read them. */
  readonly currentRules?: ReadonlyArray<Rule>;
  /** Approved rules of the group from outside the policy (Terraform state), when known. */
  readonly extraBaseline?: ReadonlyArray<Rule>;
  /**
   * Extra judgement of rules carrying grant tags (shared/grants/judge.ts); valid grants pass. It is
   * told how the rule came to be and by whom, because valid-looking tags on a rule a stranger added
   * are a forged grant, while a grant netwarden created and someone merely edited can be checked.
   */
  readonly judgeGrant?: (
    rule: Rule,
    how: { action: 'added' | 'modified'; actor: Actor },
  ) => { valid: true } | { valid: false; problem: string } | undefined;
}

export function exceptionReason(rule: Rule): string | undefined {
  const reason = rule.tags[IGNORE_TAG]?.trim();
  return reason ? reason : undefined;
}

function guardrailOf(
  sections: ReadonlyArray<SecurityGroupPolicy>,
  rule: Rule,
): SecurityGroupPolicy | undefined {
  return sections.find((section) => section.forbid.some((forbid) => forbidMatches(forbid, rule)));
}

function baselineOf(
  sections: ReadonlyArray<SecurityGroupPolicy>,
  groupId: string,
  extra?: ReadonlyArray<Rule>,
): Rule[] | undefined {
  const withBaseline = sections.filter((section) => section.baseline !== undefined);
  if (withBaseline.length === 0 && extra === undefined) return undefined;
  const all = [
    ...withBaseline.flatMap((section) => baselineRules(section.baseline ?? [], groupId)),
    ...(extra ?? []),
  ];
  // The policy and Terraform state often approve the same rule: restore it once, or AWS refuses the call.
  const byAccess = new Map(all.map((rule) => [ruleKey(rule), rule]));
  return [...byAccess.values()];
}

const list = (rules: ReadonlyArray<Rule>) => rules.map(summarise).join(', ');

type Verdict =
  | { kind: 'revoke'; reason: RevokeReason; note: string }
  | { kind: 'report'; reason: 'exception'; guardrailBreach: boolean; note: string }
  | { kind: 'allow'; reason: 'trusted' | 'approved' | 'guardrails-only' };

/** The verdict on one rule that a principal added or changed to its current form. */
function judgeRule(
  rule: Rule,
  actor: Actor,
  context: DecideContext,
  others: ReadonlyArray<Rule>,
  action: 'added' | 'modified',
): Verdict {
  const guardrail = guardrailOf(context.sections, rule);
  const exception = exceptionReason(rule);
  // Exceptions are honoured on every path (Custodian #8650), but a guardrail breach is still reported loudly.
  if (exception)
    return { kind: 'report', reason: 'exception', guardrailBreach: guardrail !== undefined, note: exception };
  if (guardrail) return { kind: 'revoke', reason: 'guardrail', note: `forbidden by "${guardrail.name}"` };
  if (!judgesDrift(context.sections)) return { kind: 'allow', reason: 'guardrails-only' };
  if (matchesAny(actor, context.trustedPrincipals)) return { kind: 'allow', reason: 'trusted' };
  const grant = context.judgeGrant?.(rule, { action, actor });
  if (grant && !grant.valid) return { kind: 'revoke', reason: 'invalid-grant', note: grant.problem };
  if (grant?.valid) return { kind: 'allow', reason: 'approved' };
  const baseline = baselineOf(context.sections, rule.groupId, context.extraBaseline) ?? [];
  if (baseline.some((approved) => sameAccess(approved, rule))) return { kind: 'allow', reason: 'approved' };
  const coveredBy = [...baseline, ...others].find(
    (other) => other.ruleId !== rule.ruleId && covers(other, rule) && !sameAccessAndId(other, rule),
  );
  if (coveredBy)
    return {
      kind: 'revoke',
      reason: 'duplicate',
      note: `already allowed by ${summarise(coveredBy)}${coveredBy.ruleId ? ` (${coveredBy.ruleId})` : ' (baseline)'}`,
    };
  return { kind: 'revoke', reason: 'drift', note: 'not in the approved set' };
}

/** Drift, duplicates and baselines apply only where a section other than a guardrails-only one selects the group. */
function judgesDrift(sections: ReadonlyArray<SecurityGroupPolicy>): boolean {
  return sections.some((section) => !section.guardrailsOnly);
}

function sameAccessAndId(a: Rule, b: Rule): boolean {
  return a.ruleId !== undefined && a.ruleId === b.ruleId;
}

const REVOKE_WHY: Record<RevokeReason, string> = {
  guardrail: 'opens access the policy forbids for everyone',
  drift: 'added by hand by a principal that is not trusted',
  duplicate:
    'duplicates access an approved or existing rule already gives; Terraform would fail on it with InvalidPermission.Duplicate',
  'invalid-grant': 'carries grant tags that are not valid',
};

const ALLOW_WHY = {
  trusted: 'changed by a trusted principal',
  approved: 'an approved rule',
  'guardrails-only': 'breaches no guardrail, and only guardrails apply to this group',
} as const;

/** Collects per-rule verdicts into one decision per (reason, direction). */
function decisionsFor(judged: Array<{ rule: Rule; verdict: Verdict }>, groupId: string): SgDecision[] {
  const decisions: SgDecision[] = [];
  const revokes = new Map<
    string,
    { reason: RevokeReason; direction: Direction; rules: Rule[]; notes: string[] }
  >();
  for (const { rule, verdict } of judged) {
    if (verdict.kind === 'revoke') {
      const key = `${verdict.reason}|${rule.direction}`;
      const entry = revokes.get(key) ?? {
        reason: verdict.reason,
        direction: rule.direction,
        rules: [],
        notes: [],
      };
      entry.rules.push(rule);
      entry.notes.push(`${summarise(rule)}: ${verdict.note}`);
      revokes.set(key, entry);
    } else if (verdict.kind === 'report') {
      decisions.push({
        type: 'report',
        reason: 'exception',
        groupId,
        rules: [rule],
        guardrailBreach: verdict.guardrailBreach,
        why: `${summarise(rule)} is tagged ${IGNORE_TAG} ("${verdict.note}")${verdict.guardrailBreach ? ' although it breaches a guardrail' : ''}; left alone and listed in the weekly audit`,
      });
    } else {
      decisions.push({
        type: 'ignore',
        reason: verdict.reason,
        why: `${summarise(rule)}: ${ALLOW_WHY[verdict.reason]}`,
      });
    }
  }
  for (const entry of revokes.values()) {
    decisions.push({
      type: 'revoke',
      reason: entry.reason,
      groupId,
      direction: entry.direction,
      rules: entry.rules,
      why: `${REVOKE_WHY[entry.reason]}: ${entry.notes.join('; ')}`,
    });
  }
  return decisions;
}

/** Baseline rules missing from the group now, optionally only those the event removed. */
function missingBaseline(
  baseline: ReadonlyArray<Rule>,
  current: ReadonlyArray<Rule>,
  direction?: Direction,
  removed?: ReadonlyArray<Rule>,
): Rule[] {
  return baseline.filter(
    (rule) =>
      (direction === undefined || rule.direction === direction) &&
      !current.some((present) => sameAccess(present, rule)) &&
      (removed === undefined || removed.length === 0 || removed.some((gone) => sameAccess(gone, rule))),
  );
}

function restoreDecisions(rules: Rule[], groupId: string, why: string): SgDecision[] {
  const byDirection = new Map<Direction, Rule[]>();
  for (const rule of rules)
    byDirection.set(rule.direction, [...(byDirection.get(rule.direction) ?? []), rule]);
  return [...byDirection].map(([direction, group]) => ({
    type: 'restore' as const,
    groupId,
    direction,
    rules: group,
    why: `${why}: ${list(group)}`,
  }));
}

function modifiedRule(modification: Modification, current: ReadonlyArray<Rule>): Rule | undefined {
  const described = current.find((rule) => rule.ruleId === modification.ruleId);
  // The description is authoritative (it was read after the event); the request fills gaps only.
  return described;
}

export function decide(event: SgEvent, context: DecideContext): SgDecision[] {
  if (event.errorCode)
    return [
      {
        type: 'ignore',
        reason: 'failed-call',
        why: `the call failed with ${event.errorCode} and changed nothing`,
      },
    ];
  if (isSelf(event.actor, context.selfRoles))
    return [{ type: 'ignore', reason: 'self', why: 'netwarden’s own call' }];
  const change = event.change as SgChange;
  const groupId = change.group.groupId ?? '(unresolved)';
  if (context.sections.length === 0)
    return [{ type: 'ignore', reason: 'unprotected', why: `${groupId} is not protected by the policy` }];
  const current = context.currentRules ?? [];

  switch (change.action) {
    case 'added': {
      const added = change.created.length > 0 ? change.created : change.requested;
      const judged = added.map((rule) => ({
        rule,
        verdict: judgeRule(rule, event.actor, context, current, 'added'),
      }));
      return decisionsFor(judged, groupId);
    }
    case 'removed': {
      if (!judgesDrift(context.sections))
        return [
          {
            type: 'ignore',
            reason: 'guardrails-only',
            why: `${groupId}: only guardrails apply, and a removal breaches none`,
          },
        ];
      if (matchesAny(event.actor, context.trustedPrincipals))
        return [{ type: 'ignore', reason: 'trusted', why: 'removed by a trusted principal' }];
      const baseline = baselineOf(context.sections, groupId, context.extraBaseline);
      const missing = baseline ? missingBaseline(baseline, current, change.direction, change.removed) : [];
      if (missing.length === 0)
        return [{ type: 'ignore', reason: 'nothing-to-restore', why: 'no approved rule is missing' }];
      return restoreDecisions(missing, groupId, 'approved rules removed by hand');
    }
    case 'modified': {
      const baseline = judgesDrift(context.sections)
        ? baselineOf(context.sections, groupId, context.extraBaseline)
        : undefined;
      const judged: Array<{ rule: Rule; verdict: Verdict }> = [];
      const decisions: SgDecision[] = [];
      for (const modification of change.modifications) {
        const rule = modifiedRule(modification, current);
        if (!rule) {
          decisions.push({
            type: 'ignore',
            reason: 'rule-gone',
            why: `${modification.ruleId} no longer exists`,
          });
          continue;
        }
        const others = current.filter((other) => other.ruleId !== rule.ruleId);
        const verdict = judgeRule(rule, event.actor, context, others, 'modified');
        // Without a baseline the previous value is unknowable (the event does not carry it):
        // only guardrails act; anything else is reported, never guessed at.
        if (
          !baseline &&
          verdict.kind === 'revoke' &&
          verdict.reason !== 'guardrail' &&
          verdict.reason !== 'invalid-grant'
        ) {
          decisions.push({
            type: 'report',
            reason: 'unverifiable-change',
            groupId,
            rules: [rule],
            guardrailBreach: false,
            why: `${summarise(rule)} was edited by hand; its previous value is not recorded and the group has no baseline to restore, so netwarden only reports it`,
          });
          continue;
        }
        judged.push({ rule, verdict });
      }
      decisions.push(...decisionsFor(judged, groupId));
      const revokedIds = new Set(
        decisions.flatMap((decision) =>
          decision.type === 'revoke' ? decision.rules.map((rule) => rule.ruleId) : [],
        ),
      );
      if (baseline && !matchesAny(event.actor, context.trustedPrincipals)) {
        const remaining = current.filter((rule) => !revokedIds.has(rule.ruleId));
        const missing = missingBaseline(baseline, remaining);
        decisions.push(...restoreDecisions(missing, groupId, 'approved rules changed by hand'));
      }
      return decisions;
    }
  }
}

/** Rules the response did not carry ids for (older callers) matched to the group's rules. */
export function resolveRuleIds(requested: ReadonlyArray<Rule>, current: ReadonlyArray<Rule>): Rule[] {
  return requested.flatMap((rule) => {
    const match = current.find((present) => sameAccess(present, rule));
    return match ? [{ ...rule, ruleId: match.ruleId, tags: { ...match.tags, ...rule.tags } }] : [];
  });
}
