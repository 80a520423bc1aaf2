/**
 * The revert-sg-drift use case: parse → gather only the context the event cannot give → decide →
 * carry out (or, in report mode, only report) → publish one finding per decision.
 */
import type { SecurityGroupPort } from '../../shared/aws/ec2';
import { errorMessage, Unprocessable } from '../../shared/errors';
import { CloudTrailEnvelope, TAG_EVENT_NAMES, type TagEventName } from '../../shared/events/cloudtrail';
import type { Finding, Publish } from '../../shared/findings/finding';
import { recordedGrantJudge } from '../../shared/grants/judge';
import type { GrantRecordReader } from '../../shared/grants/record';
import { effectiveMode, formatIssues } from '../../shared/policy/load';
import type { Mode, Policy, SecurityGroupPolicy } from '../../shared/policy/schema';
import type { Rule } from '../../shared/rules/rule';
import { isSelf } from '../../shared/sg/actor';
import { type SgEvent, sgEventOf, withGroupId } from '../../shared/sg/change';
import { decide, resolveRuleIds, type SgDecision } from '../../shared/sg/decide';
import { sgFinding, unprocessableFinding } from '../../shared/sg/findings';
import type { ProtectedGroups, RecentEvents } from '../../shared/sg/protected-groups';
import { forgedFindings, type GrantTagVerdict, grantsOfEvent, guardGrantTags } from './grant-tags';
import { guardProtectionTags, type ProtectionVerdict } from './protection';

export interface RevertDeps {
  readonly sg: SecurityGroupPort;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly modeOverride?: Mode;
  readonly selfRoles: ReadonlyArray<string>;
  readonly protectedGroups: ProtectedGroups;
  readonly recent: RecentEvents;
  /** netwarden's state table: a rule is a grant only if grant-access recorded it there. */
  readonly grants: GrantRecordReader;
  /**
   * Approved rules of a group from outside the policy: Terraform state (shared/terraform/baseline-loader.ts
   * `forGroup`). Undefined for a group means "no such baseline". Read only for protected groups.
   */
  readonly extraBaseline?: (groupId: string) => Promise<Rule[] | undefined>;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
}

export type RevertOutcome =
  | { status: 'unprocessable'; reason: string }
  | { status: 'redelivered'; eventId: string }
  | {
      status: 'tags';
      eventId: string;
      verdict: ProtectionVerdict | GrantTagVerdict;
      findings: Finding[];
    }
  | { status: 'decided'; eventId: string; decisions: SgDecision[]; findings: Finding[] };

const FUNCTION = 'revert-sg-drift';

/** `revoke:guardrail`, `ignore:trusted` …: a decision in a word, for logs and the demo. */
export function describeDecision(decision: SgDecision): string {
  return decision.type === 'restore' ? 'restore:baseline' : `${decision.type}:${decision.reason}`;
}

function eventIdOf(raw: unknown): string | undefined {
  const id = (raw as { detail?: { eventID?: unknown } } | null)?.detail?.eventID;
  return typeof id === 'string' ? id : undefined;
}

async function reportUnprocessable(raw: unknown, reason: string, deps: RevertDeps): Promise<RevertOutcome> {
  const eventId = eventIdOf(raw);
  deps.log?.('unprocessable event', { reason, eventId });
  await deps.publish(
    unprocessableFinding(reason, deps.now(), { function: FUNCTION, ...(eventId ? { eventId } : {}) }),
  );
  return { status: 'unprocessable', reason };
}

/** Reads the group's rules only when the event alone cannot decide. */
function needsCurrentRules(
  event: SgEvent,
  sections: ReadonlyArray<SecurityGroupPolicy>,
  extraBaseline: ReadonlyArray<Rule> | undefined,
): boolean {
  const change = event.change;
  if (!change) return false;
  if (change.action === 'modified') return true;
  if (change.action === 'removed')
    return extraBaseline !== undefined || sections.some((section) => section.baseline !== undefined);
  return change.created.length === 0;
}

async function resolveGroupId(event: SgEvent, deps: RevertDeps): Promise<SgEvent> {
  const change = event.change;
  if (!change || change.group.groupId) return event;
  // Older callers name the group only by name: resolve it with one describe call, and only then.
  const groups = await deps.sg.describeGroups({ groupNames: [change.group.groupName ?? ''] });
  if (groups.length !== 1 || !groups[0]) {
    throw new Unprocessable(
      `requestParameters.groupName: ${JSON.stringify(change.group.groupName)} matches ${groups.length} security groups, expected exactly one`,
    );
  }
  return { ...event, change: withGroupId(change, groups[0].groupId) };
}

async function carryOut(
  decision: Exclude<SgDecision, { type: 'ignore' }>,
  event: SgEvent,
  mode: Mode,
  deps: RevertDeps,
): Promise<Finding> {
  const now = deps.now();
  if (decision.type === 'report') return sgFinding(decision, event, 'no-action', mode, now);
  if (mode === 'report') return sgFinding(decision, event, 'would-act', mode, now);
  if (decision.type === 'revoke') {
    const ruleIds = decision.rules.map((rule) => rule.ruleId).filter((id): id is string => id !== undefined);
    const result = await deps.sg.revokeRules(decision.groupId, decision.direction, ruleIds);
    const outcome = result.revoked.length > 0 ? 'acted' : 'already-done';
    return sgFinding(decision, event, outcome, mode, now, {
      details: { revoked: result.revoked, alreadyGone: result.alreadyGone },
    });
  }
  const result = await deps.sg.authorizeRules(decision.groupId, decision.direction, decision.rules, {
    'netwarden:restored': 'baseline',
  });
  const outcome = result.authorized.length > 0 ? 'acted' : 'already-done';
  return sgFinding(decision, event, outcome, mode, now, {
    details: { restored: result.authorized.length, alreadyPresent: result.alreadyPresent.length },
  });
}

export async function revertDrift(raw: unknown, deps: RevertDeps): Promise<RevertOutcome> {
  const envelope = CloudTrailEnvelope.safeParse(raw);
  if (!envelope.success)
    return reportUnprocessable(
      raw,
      `not a CloudTrail event: ${formatIssues(envelope.error.issues, raw, 'event')}`,
      deps,
    );

  const eventName = envelope.data.detail.eventName;
  if ((TAG_EVENT_NAMES as ReadonlyArray<string>).includes(eventName)) {
    try {
      const grantTags = await guardGrantTags(envelope.data, eventName as TagEventName, deps);
      const { verdict, findings } = await guardProtectionTags(envelope.data, eventName as TagEventName, deps);
      return {
        status: 'tags',
        eventId: envelope.data.detail.eventID,
        verdict: grantTags && verdict.startsWith('ignore:') ? grantTags.verdict : verdict,
        findings: [...(grantTags?.findings ?? []), ...findings],
      };
    } catch (error) {
      if (error instanceof Unprocessable) return reportUnprocessable(raw, error.message, deps);
      throw error;
    }
  }

  let event: SgEvent;
  try {
    event = sgEventOf(envelope.data.detail, envelope.data);
  } catch (error) {
    if (error instanceof Unprocessable) return reportUnprocessable(raw, error.message, deps);
    throw error;
  }
  if (deps.recent.has(event.eventId)) return { status: 'redelivered', eventId: event.eventId };

  // Failed calls and netwarden's own calls are settled without a single AWS read.
  if (event.errorCode || isSelf(event.actor, deps.selfRoles)) {
    const decisions = decide(event, {
      sections: [],
      trustedPrincipals: deps.policy.trustedPrincipals,
      selfRoles: deps.selfRoles,
    });
    for (const decision of decisions)
      deps.log?.('ignored change', { eventId: event.eventId, why: decision.why });
    deps.recent.add(event.eventId);
    return { status: 'decided', eventId: event.eventId, decisions, findings: [] };
  }

  try {
    event = await resolveGroupId(event, deps);
  } catch (error) {
    if (error instanceof Unprocessable) return reportUnprocessable(raw, error.message, deps);
    throw error;
  }
  const groupId = event.change?.group.groupId;
  const protection = groupId ? await deps.protectedGroups.lookup(groupId) : undefined;
  const sections = protection?.sections ?? [];

  // Terraform state is baseline only where drift is judged (not on guardrails-only groups).
  const judgesDrift = sections.some((section) => !section.guardrailsOnly);
  const extraBaseline =
    groupId && judgesDrift && deps.extraBaseline ? await deps.extraBaseline(groupId) : undefined;
  let currentRules: Rule[] | undefined;
  if (groupId && sections.length > 0 && needsCurrentRules(event, sections, extraBaseline)) {
    currentRules = await deps.sg.describeGroupRules(groupId);
    const change = event.change;
    if (change?.action === 'added' && change.created.length === 0) {
      event = { ...event, change: { ...change, created: resolveRuleIds(change.requested, currentRules) } };
    }
  }

  // Grant tags prove nothing: only a record in the state table makes a rule a grant.
  const grants = await grantsOfEvent(event, currentRules, deps);
  const decisions = decide(event, {
    sections,
    trustedPrincipals: deps.policy.trustedPrincipals,
    selfRoles: deps.selfRoles,
    ...(currentRules ? { currentRules } : {}),
    ...(extraBaseline ? { extraBaseline } : {}),
    judgeGrant: recordedGrantJudge(grants.recorded),
  });

  // Report wins if any section protecting the group says so.
  const mode = sections.reduce<Mode>(
    (current, section) =>
      effectiveMode(deps.policy, section, deps.modeOverride) === 'report' ? 'report' : current,
    effectiveMode(deps.policy, undefined, deps.modeOverride),
  );
  const findings: Finding[] = forgedFindings(grants.forged, event, event.actor, {
    mode,
    now: deps.now(),
    policy: deps.policy,
  });
  for (const finding of findings) await deps.publish(finding);
  for (const decision of decisions) {
    if (decision.type === 'ignore') {
      deps.log?.('ignored change', { eventId: event.eventId, reason: decision.reason, why: decision.why });
      continue;
    }
    try {
      const finding = await carryOut(decision, event, mode, deps);
      findings.push(finding);
      await deps.publish(finding);
    } catch (error) {
      deps.log?.('remediation failed', {
        eventId: event.eventId,
        decision: decision.type,
        error: errorMessage(error),
      });
      throw new Error(
        `${decision.type} on ${groupId} failed for event ${event.eventId}: ${errorMessage(error)}`,
        { cause: error },
      );
    }
  }
  deps.recent.add(event.eventId);
  return { status: 'decided', eventId: event.eventId, decisions, findings };
}
