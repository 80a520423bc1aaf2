/**
 * decide(event, context) → SgDecision[]: pure, no AWS calls. The shell (functions/revert-sg-drift)
 * gathers the context — which policy sections protect the group, the group's current rules when the
 * event alone cannot say — and carries the decisions out, or only reports them in report mode.
 *
 * The order of precedence, per rule: policy exception in force → guardrail (everyone) → trusted
 * principal → approved (baseline) → duplicate (covered by an approved or existing rule) → drift.
 * Only the policy's exceptions exempt a rule: a `netwarden:ignore` tag is reported, never obeyed. A
 * baseline rule that a guardrail forbids is reported, never restored: netwarden widens access only to
 * put back an approved rule that no guardrail forbids.
 */
import { baselineRules, forbidMatches } from '../policy/match';
import type { PolicyException, SecurityGroupPolicy } from '../policy/schema';
import { covers, type Direction, type Rule, ruleKey, sameAccess, summarise } from '../rules/rule';
import { type Actor, isSelf, matchesAny } from './actor';
import type { Modification, SgChange, SgEvent } from './change';
import { exceptionsFor, formatExpiry, IGNORE_TAG, ignoreTagOf, nameOf, quoteTag } from './exceptions';

export type RevokeReason = 'guardrail' | 'drift' | 'duplicate';
export type IgnoreReason =
  | 'failed-call'
  | 'self'
  | 'unprotected'
  | 'trusted'
  | 'approved'
  | 'guardrails-only'
  | 'nothing-to-restore'
  | 'rule-gone';
/**
 * exception: a policy exception in force left the rule alone. exception-expired: one matched but has
 * expired, so the rule was judged. ignore-tag: the rule carries netwarden:ignore, which exempts nothing.
 * forbidden-baseline: an approved rule is missing but a guardrail forbids it, so it is not restored.
 * unverifiable-change: an edit with no baseline to compare against. unverifiable-peer: a rule to a
 * prefix list on a port a guardrail forbids to an address range; the list's entries were not read.
 */
export type ReportReason =
  | 'exception'
  | 'exception-expired'
  | 'ignore-tag'
  | 'forbidden-baseline'
  | 'unverifiable-change'
  | 'unverifiable-peer';

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
      readonly reason: ReportReason;
      readonly groupId: string;
      readonly rules: Rule[];
      /** The rule breaches (or, for a forbidden baseline rule, would breach) a guardrail. */
      readonly guardrailBreach: boolean;
      readonly why: string;
    }
  | {
      readonly type: 'ignore';
      readonly reason: IgnoreReason;
      readonly why: string;
      /** The one rule of the event this leaves alone, when the decision is about one rule. */
      readonly rule?: Rule;
    };

export interface DecideContext {
  /** Policy sections protecting the group; empty when it is not protected. */
  readonly sections: ReadonlyArray<SecurityGroupPolicy>;
  readonly trustedPrincipals: ReadonlyArray<string>;
  readonly selfRoles: ReadonlyArray<string>;
  /** The policy's reviewed exceptions (all of them: decide picks those of the group). */
  readonly exceptions: ReadonlyArray<PolicyException>;
  /** When the decision is made: an exception applies until its expiry. */
  readonly now: Date;
  /** The group's rules as described after the event, when the shell had to read them. */
  readonly currentRules?: ReadonlyArray<Rule>;
  /** Approved rules of the group from outside the policy (Terraform state), when known. */
  readonly extraBaseline?: ReadonlyArray<Rule>;
  /**
   * True for a rule grant-access recorded in netwarden's state table (shared/grants/judge.ts): approved
   * access until it expires. Grant tags play no part: a tagged rule without a record is judged like
   * any other rule.
   */
  readonly isRecordedGrant?: (rule: Rule) => boolean;
}

/**
 * The guardrail a rule breaches, named the way the policy file reads: `forbid[1] of "front-door"`. Also
 * what `netwarden undo` checks before it re-creates a rule (shared/safety/undo.ts).
 */
export function guardrailOf(sections: ReadonlyArray<SecurityGroupPolicy>, rule: Rule): string | undefined {
  for (const section of sections) {
    const index = section.forbid.findIndex((forbid) => forbidMatches(forbid, rule));
    if (index >= 0) return `forbid[${index}] of "${section.name}"`;
  }
  return undefined;
}

/** A prefix list may hold any address range, the whole world of its family included. */
const WORLD_PEERS: ReadonlyArray<Rule['peer']> = [
  { type: 'ipv4', cidr: '0.0.0.0/0' },
  { type: 'ipv6', cidr: '::/0' },
];

/**
 * The guardrail a prefix-list rule would breach if the list held the world: one that forbids an
 * address range (`source`, `widerThan`) on a port the rule opens. netwarden does not read the list's
 * entries (another API call, and the list can change later without any security-group event), so
 * such a rule can be neither proven a breach nor passed as none.
 */
export function unverifiableGuardrailOf(
  sections: ReadonlyArray<SecurityGroupPolicy>,
  rule: Rule,
): { guardrail: string; prefixListId: string } | undefined {
  if (rule.peer.type !== 'prefix-list') return undefined;
  const { prefixListId } = rule.peer;
  for (const section of sections) {
    const index = section.forbid.findIndex(
      (forbid) =>
        (forbid.source !== undefined || forbid.widerThan !== undefined) &&
        WORLD_PEERS.some((peer) => forbidMatches(forbid, { ...rule, peer })),
    );
    if (index >= 0) return { guardrail: `forbid[${index}] of "${section.name}"`, prefixListId };
  }
  return undefined;
}

interface Baseline {
  /** Approved rules no guardrail forbids: the only rules netwarden ever restores. */
  readonly allowed: Rule[];
  /** Approved rules a guardrail forbids: reported when missing, never restored. */
  readonly forbidden: Array<{ rule: Rule; origin: string; guardrail: string }>;
}

function baselineOf(
  sections: ReadonlyArray<SecurityGroupPolicy>,
  groupId: string,
  extra?: ReadonlyArray<Rule>,
): Baseline | undefined {
  const withBaseline = sections.filter((section) => section.baseline !== undefined);
  if (withBaseline.length === 0 && extra === undefined) return undefined;
  const all = [
    ...withBaseline.flatMap((section) =>
      baselineRules(section.baseline ?? [], groupId).map((rule) => ({
        rule,
        origin: `the baseline of "${section.name}"`,
      })),
    ),
    ...(extra ?? []).map((rule) => ({ rule, origin: 'Terraform state' })),
  ];
  // The policy and Terraform state often approve the same rule: restore it once, or AWS refuses the call.
  const byAccess = new Map<string, { rule: Rule; origin: string }>();
  for (const entry of all) {
    const earlier = byAccess.get(ruleKey(entry.rule));
    byAccess.set(ruleKey(entry.rule), {
      rule: entry.rule,
      origin:
        earlier && earlier.origin !== entry.origin ? `${earlier.origin} and ${entry.origin}` : entry.origin,
    });
  }
  const baseline: Baseline = { allowed: [], forbidden: [] };
  for (const { rule, origin } of byAccess.values()) {
    // Terraform state can still list a rule netwarden revoked as forbidden; the policy validator
    // rejects such policy baselines, but state is read as it is.
    const guardrail = guardrailOf(sections, rule);
    if (guardrail) baseline.forbidden.push({ rule, origin, guardrail });
    else baseline.allowed.push(rule);
  }
  return baseline;
}

const list = (rules: ReadonlyArray<Rule>) => rules.map(summarise).join(', ');

type AllowReason = 'trusted' | 'approved' | 'guardrails-only';

type Verdict =
  | { kind: 'revoke'; reason: RevokeReason; note: string }
  | { kind: 'report'; reason: 'exception'; guardrail?: string; note: string }
  | { kind: 'report'; reason: 'unverifiable-peer'; guardrail: string; prefixListId: string }
  | { kind: 'allow'; reason: AllowReason };

/**
 * The verdict on one rule that a principal added or changed to its current form. A rule that would
 * otherwise pass but opens a guarded port to a prefix list is reported instead: netwarden cannot say
 * it breaches no guardrail. It is not revoked either, since nothing shows that it does.
 */
function judgeRule(
  rule: Rule,
  actor: Actor,
  context: DecideContext,
  baseline: Baseline | undefined,
  others: ReadonlyArray<Rule>,
): Verdict {
  const verdict = judgeAccess(rule, actor, context, baseline, others);
  if (verdict.kind !== 'allow') return verdict;
  const unverifiable = unverifiableGuardrailOf(context.sections, rule);
  return unverifiable ? { kind: 'report', reason: 'unverifiable-peer', ...unverifiable } : verdict;
}

function judgeAccess(
  rule: Rule,
  actor: Actor,
  context: DecideContext,
  baseline: Baseline | undefined,
  others: ReadonlyArray<Rule>,
): Verdict {
  const guardrail = guardrailOf(context.sections, rule);
  const { active } = exceptionsFor(context.exceptions, rule, context.now);
  // The policy's exceptions are honoured on every path (Custodian #8650), and only they: a reviewed
  // exception may even exempt a guardrail breach, which is then reported loudly.
  if (active)
    return {
      kind: 'report',
      reason: 'exception',
      ...(guardrail ? { guardrail } : {}),
      note: `${nameOf(active)}, until ${formatExpiry(active.exception.expires)}`,
    };
  if (guardrail) return { kind: 'revoke', reason: 'guardrail', note: `forbidden by ${guardrail}` };
  if (!judgesDrift(context.sections)) return { kind: 'allow', reason: 'guardrails-only' };
  if (matchesAny(actor, context.trustedPrincipals)) return { kind: 'allow', reason: 'trusted' };
  if (context.isRecordedGrant?.(rule)) return { kind: 'allow', reason: 'approved' };
  const approved = baseline?.allowed ?? [];
  if (approved.some((entry) => sameAccess(entry, rule))) return { kind: 'allow', reason: 'approved' };
  const coveredBy = [...approved, ...others].find(
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

/**
 * What is said about a judged rule besides the verdict: an exception that expired (so its owner renews
 * or removes it) and a netwarden:ignore tag (so its owner moves it into the policy).
 */
function notesOn(rule: Rule, context: DecideContext, groupId: string): SgDecision[] {
  const notes: SgDecision[] = [];
  const { active, expired } = exceptionsFor(context.exceptions, rule, context.now);
  if (!active) {
    for (const ref of expired)
      notes.push({
        type: 'report',
        reason: 'exception-expired',
        groupId,
        rules: [rule],
        guardrailBreach: guardrailOf(context.sections, rule) !== undefined,
        why: `the exception ${nameOf(ref)} for ${summarise(rule)} expired on ${formatExpiry(ref.exception.expires)} and no longer applies, so the rule was judged like any other; renew it (a later expires) or remove it from the policy`,
      });
  }
  const tag = ignoreTagOf(rule);
  if (tag !== undefined)
    notes.push({
      type: 'report',
      reason: 'ignore-tag',
      groupId,
      rules: [rule],
      guardrailBreach: guardrailOf(context.sections, rule) !== undefined,
      why: `${summarise(rule)} carries the tag ${IGNORE_TAG} = ${quoteTag(tag)}, which exempts nothing (anyone with ec2:CreateTags can set it): the rule was judged like any other. To exempt it, add it to the policy's exceptions (group, rule, reason, expires), reviewed in git, and remove the tag`,
    });
  return notes;
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
};

const ALLOW_WHY = {
  trusted: 'changed by a trusted principal',
  approved: 'an approved rule',
  'guardrails-only': 'breaches no guardrail, and only guardrails apply to this group',
} as const;

/** Collects per-rule verdicts into one decision per (reason, direction), then the notes on each rule. */
function decisionsFor(
  judged: Array<{ rule: Rule; verdict: Verdict }>,
  groupId: string,
  context: DecideContext,
): SgDecision[] {
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
    } else if (verdict.kind === 'report' && verdict.reason === 'unverifiable-peer') {
      const listId = verdict.prefixListId;
      decisions.push({
        type: 'report',
        reason: 'unverifiable-peer',
        groupId,
        rules: [rule],
        guardrailBreach: false,
        why: `${summarise(rule)} opens a port the guardrail ${verdict.guardrail} forbids to an address range, to the prefix list ${listId}, whose entries netwarden did not check: it may breach the guardrail, so it is neither revoked nor passed. Check the entries (aws ec2 get-managed-prefix-list-entries --prefix-list-id ${listId}), then replace the list by CIDRs or record a policy exception`,
      });
    } else if (verdict.kind === 'report') {
      decisions.push({
        type: 'report',
        reason: 'exception',
        groupId,
        rules: [rule],
        guardrailBreach: verdict.guardrail !== undefined,
        why: `${summarise(rule)} is exempted by the exception ${verdict.note}${verdict.guardrail ? `, although it breaches the guardrail ${verdict.guardrail}` : ''}; left alone and listed in the weekly audit`,
      });
    } else {
      decisions.push({
        type: 'ignore',
        reason: verdict.reason,
        why: `${summarise(rule)}: ${ALLOW_WHY[verdict.reason]}`,
        rule,
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
  for (const { rule } of judged) decisions.push(...notesOn(rule, context, groupId));
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

/**
 * Restores the missing approved rules that no guardrail forbids, and reports the ones a guardrail
 * forbids: restoring those would breach the guardrail netwarden enforces (a forbidden rule revoked
 * yesterday is still in Terraform state today), so they are named for a person to remove from the
 * baseline instead.
 */
function restoreDecisions(
  baseline: Baseline,
  groupId: string,
  why: string,
  missing: (rules: ReadonlyArray<Rule>) => Rule[],
): SgDecision[] {
  const byDirection = new Map<Direction, Rule[]>();
  for (const rule of missing(baseline.allowed))
    byDirection.set(rule.direction, [...(byDirection.get(rule.direction) ?? []), rule]);
  const restores = [...byDirection].map(([direction, group]) => ({
    type: 'restore' as const,
    groupId,
    direction,
    rules: group,
    why: `${why}: ${list(group)}`,
  }));
  const forbidden = baseline.forbidden.filter((entry) => missing([entry.rule]).length > 0);
  const reports = forbidden.map(
    (entry): SgDecision => ({
      type: 'report',
      reason: 'forbidden-baseline',
      groupId,
      rules: [entry.rule],
      guardrailBreach: true,
      why: `${summarise(entry.rule)} is approved by ${entry.origin} but forbidden by the guardrail ${entry.guardrail}, so netwarden does not restore it; remove it from ${entry.origin}`,
    }),
  );
  return [...restores, ...reports];
}

function modifiedRule(modification: Modification, current: ReadonlyArray<Rule>): Rule | undefined {
  const described = current.find((rule) => rule.ruleId === modification.ruleId);
  // The description is authoritative (it was read after the event); the request fills gaps only.
  return described;
}

/**
 * Whether the guardrails alone decide an added change: every rule it opens breaches a guardrail and
 * no exception is in force for it, so each is revoked whatever the group's baseline says. Then the
 * shell reads no baseline (no Terraform state from S3): it could not change a single verdict.
 */
export function guardrailsDecide(
  change: SgChange | undefined,
  context: Pick<DecideContext, 'sections' | 'exceptions' | 'now'>,
): boolean {
  if (change?.action !== 'added') return false;
  const added = change.created.length > 0 ? change.created : change.requested;
  return (
    added.length > 0 &&
    added.every(
      (rule) =>
        guardrailOf(context.sections, rule) !== undefined &&
        exceptionsFor(context.exceptions, rule, context.now).active === undefined,
    )
  );
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
  const groupId = change.group.groupId;
  if (context.sections.length === 0)
    return [{ type: 'ignore', reason: 'unprotected', why: `${groupId} is not protected by the policy` }];
  const current = context.currentRules ?? [];
  const baseline = judgesDrift(context.sections)
    ? baselineOf(context.sections, groupId, context.extraBaseline)
    : undefined;

  switch (change.action) {
    case 'added': {
      const added = change.created.length > 0 ? change.created : change.requested;
      const judged = added.map((rule) => ({
        rule,
        verdict: judgeRule(rule, event.actor, context, baseline, current),
      }));
      return decisionsFor(judged, groupId, context);
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
      const decisions = baseline
        ? restoreDecisions(baseline, groupId, 'approved rules removed by hand', (rules) =>
            missingBaseline(rules, current, change.direction, change.removed),
          )
        : [];
      if (decisions.length === 0)
        return [{ type: 'ignore', reason: 'nothing-to-restore', why: 'no approved rule is missing' }];
      return decisions;
    }
    case 'modified': {
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
        const verdict = judgeRule(rule, event.actor, context, baseline, others);
        // Without a baseline the previous value is unknowable (the event does not carry it):
        // only guardrails act; anything else is reported, never guessed at.
        if (!baseline && verdict.kind === 'revoke' && verdict.reason !== 'guardrail') {
          decisions.push({
            type: 'report',
            reason: 'unverifiable-change',
            groupId,
            rules: [rule],
            guardrailBreach: false,
            why: `${summarise(rule)} was edited by hand; its previous value is not recorded and the group has no baseline to restore, so netwarden only reports it`,
          });
          decisions.push(...notesOn(rule, context, groupId));
          continue;
        }
        judged.push({ rule, verdict });
      }
      decisions.push(...decisionsFor(judged, groupId, context));
      const revokedIds = new Set(
        decisions.flatMap((decision) =>
          decision.type === 'revoke' ? decision.rules.map((rule) => rule.ruleId) : [],
        ),
      );
      if (baseline && !matchesAny(event.actor, context.trustedPrincipals)) {
        const remaining = current.filter((rule) => !revokedIds.has(rule.ruleId));
        decisions.push(
          ...restoreDecisions(baseline, groupId, 'approved rules changed by hand', (rules) =>
            missingBaseline(rules, remaining),
          ),
        );
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

/**
 * @deprecated The netwarden:ignore tag exempts nothing any more. Kept only for expire-grants' tag sweep
 * (shared/grants/expiry.ts), which is being replaced by the state table; drop it with that sweep.
 */
export function exceptionReason(rule: Rule): string | undefined {
  const reason = rule.tags[IGNORE_TAG]?.trim();
  return reason ? reason : undefined;
}
