/** SG decisions rendered as findings: who, what, why, what was (or would be) done. */
import type { Finding, FindingKind } from '../findings/finding';
import type { Mode } from '../policy/schema';
import { type Rule, summarise } from '../rules/rule';
import { describeCall, findingActor } from './actor';
import type { SgEvent } from './change';
import type { ReportReason, RevokeReason, SgDecision } from './decide';

type Acting = Exclude<SgDecision, { type: 'ignore' }>;

const REVOKE_KIND = {
  guardrail: 'sg.guardrail-breach',
  drift: 'sg.drift',
  duplicate: 'sg.duplicate',
} as const satisfies Record<RevokeReason, FindingKind>;

const REPORT_KIND = {
  exception: 'sg.exception',
  'exception-expired': 'sg.exception-expired',
  'ignore-tag': 'sg.ignore-tag',
  'forbidden-baseline': 'sg.baseline-forbidden',
  'unverifiable-change': 'sg.unverified-change',
  'unverifiable-peer': 'sg.unverified-peer',
} as const satisfies Record<ReportReason, FindingKind>;

/** The kinds an SG decision is published as. */
export type SgDecisionKind =
  | (typeof REVOKE_KIND)[RevokeReason]
  | 'sg.baseline-restored'
  | (typeof REPORT_KIND)[ReportReason];

export function kindOf(decision: Acting): SgDecisionKind {
  switch (decision.type) {
    case 'revoke':
      return REVOKE_KIND[decision.reason];
    case 'restore':
      return 'sg.baseline-restored';
    case 'report':
      return REPORT_KIND[decision.reason];
  }
}

function severityOf(decision: Acting): Finding['severity'] {
  if (decision.type === 'revoke' && decision.reason === 'guardrail') return 'critical';
  if (decision.type !== 'report') return 'warning';
  switch (decision.reason) {
    // A rule that breaches a guardrail and stays open, because a reviewed exception says so: loud.
    case 'exception':
      return decision.guardrailBreach ? 'critical' : 'info';
    // The rule itself was judged (and revoked if need be); what is left is housekeeping for a person.
    case 'exception-expired':
    case 'ignore-tag':
    // Nothing was opened; the baseline asks for a rule the guardrails forbid, and a person must fix it.
    case 'forbidden-baseline':
    case 'unverifiable-change':
    // Nobody knows whether the prefix list holds a forbidden range: a person must look, not panic.
    case 'unverifiable-peer':
      return 'warning';
  }
}

function titleOf(decision: Acting, mode: Mode): string {
  const rules = decision.rules.map(summarise).join(', ');
  const verb = (done: string, would: string) => (mode === 'report' ? would : done);
  switch (decision.type) {
    case 'revoke': {
      const what = {
        guardrail: 'Guardrail breach',
        drift: 'Drift',
        duplicate: 'Duplicate rule',
      }[decision.reason];
      return `${what} on ${decision.groupId}: ${rules} ${verb('revoked', 'would be revoked')}`;
    }
    case 'restore':
      return `Approved rule${decision.rules.length > 1 ? 's' : ''} on ${decision.groupId} ${verb('restored', 'would be restored')}: ${rules}`;
    case 'report':
      return {
        exception: `Policy exception on ${decision.groupId}: ${rules} left alone`,
        'exception-expired': `Expired policy exception on ${decision.groupId}: ${rules} judged like any other rule`,
        'ignore-tag': `${rules} on ${decision.groupId} is tagged netwarden:ignore, which exempts nothing`,
        'forbidden-baseline': `Approved rule on ${decision.groupId} not restored: ${rules} breaches a guardrail`,
        'unverifiable-change': `Unverified change on ${decision.groupId}: ${rules}`,
        'unverifiable-peer': `Unverified prefix list on ${decision.groupId}: ${rules} may breach a guardrail`,
      }[decision.reason];
  }
}

export function plannedCalls(decision: Acting): string[] {
  if (decision.type === 'report') return [];
  const api = decision.direction === 'ingress' ? 'Ingress' : 'Egress';
  if (decision.type === 'revoke') {
    return [
      `RevokeSecurityGroup${api} ${decision.groupId} ${decision.rules.map((rule) => rule.ruleId ?? '?').join(',')}`,
    ];
  }
  return [`AuthorizeSecurityGroup${api} ${decision.groupId} ${decision.rules.map(summarise).join(', ')}`];
}

export function sgFinding(
  decision: Acting,
  event: SgEvent,
  outcome: Finding['outcome'],
  mode: Mode,
  now: Date,
  extra: { actions?: string[]; details?: Record<string, unknown>; left?: ReadonlyArray<LeftRule> } = {},
): Finding<SgDecisionKind> {
  return {
    kind: kindOf(decision),
    severity: severityOf(decision),
    title: `${titleOf(decision, mode)}${leftNote(extra.left)}`,
    mode,
    outcome,
    time: now.toISOString(),
    eventId: event.eventId,
    ...(event.account ? { account: event.account } : {}),
    ...(event.region ? { region: event.region } : {}),
    actor: findingActor(event.actor),
    resource: { type: 'security-group', id: decision.groupId },
    rules: decision.rules.map((rule) => ({
      summary: summarise(rule),
      ...(rule.ruleId ? { ruleId: rule.ruleId } : {}),
    })),
    why: `${describeCall(event.eventName, event.actor)}: ${decision.why}`,
    ...(extra.left && extra.left.length > 0 ? { left: extra.left.map(leftEntry) } : {}),
    actions: extra.actions ?? plannedCalls(decision),
    ...(extra.details ? { details: extra.details } : {}),
  };
}

function leftNote(left: ReadonlyArray<LeftRule> | undefined): string {
  if (!left || left.length === 0) return '';
  return `; ${left.length} other rule${left.length > 1 ? 's' : ''} of the event left as ${left.length > 1 ? 'they are' : 'it is'}`;
}

/** A rule of the event netwarden did not touch, and why. */
export interface LeftRule {
  readonly rule: Rule;
  readonly why: string;
}

const leftEntry = ({ rule, why }: LeftRule) => ({
  summary: summarise(rule),
  ...(rule.ruleId ? { ruleId: rule.ruleId } : {}),
  why,
});

/**
 * The rules of one event that its decisions leave in place: allowed ones (approved, trusted,
 * guardrails-only) and those a person must look at (exception, unverified prefix list). A finding
 * about the revoked rules names them, so a three-rule event with one revoked rule does not read as
 * wholly reverted.
 */
export function leftBy(decisions: ReadonlyArray<SgDecision>): LeftRule[] {
  return decisions.flatMap((decision): LeftRule[] => {
    if (decision.type === 'ignore' && decision.rule) {
      const prefix = `${summarise(decision.rule)}: `;
      const why = decision.why.startsWith(prefix) ? decision.why.slice(prefix.length) : decision.why;
      return [{ rule: decision.rule, why }];
    }
    if (
      decision.type === 'report' &&
      (decision.reason === 'exception' || decision.reason === 'unverifiable-peer')
    )
      return decision.rules.map((rule) => ({
        rule,
        why: `left for a person: ${titleOf(decision, 'enforce')}`,
      }));
    return [];
  });
}

/**
 * The group was deleted before netwarden could act (EC2 `InvalidGroup.NotFound`): its rules went
 * with it, so there is nothing left to do and nothing to retry.
 */
export function groupGoneFinding(
  groupId: string,
  event: SgEvent,
  mode: Mode,
  now: Date,
  rules: ReadonlyArray<Rule> = [],
): Finding<'sg.group-gone'> {
  const listed = rules.map(summarise).join(', ');
  return {
    kind: 'sg.group-gone',
    severity: 'info',
    title: `${groupId} was deleted before netwarden acted${listed ? `: ${listed} went with it` : ''}`,
    mode,
    outcome: 'already-done',
    time: now.toISOString(),
    eventId: event.eventId,
    ...(event.account ? { account: event.account } : {}),
    ...(event.region ? { region: event.region } : {}),
    actor: findingActor(event.actor),
    resource: { type: 'security-group', id: groupId },
    ...(rules.length > 0
      ? {
          rules: rules.map((rule) => ({
            summary: summarise(rule),
            ...(rule.ruleId ? { ruleId: rule.ruleId } : {}),
          })),
        }
      : {}),
    why: `${describeCall(event.eventName, event.actor)}: EC2 answered InvalidGroup.NotFound, so the group and its rules no longer exist`,
    actions: [],
  };
}
