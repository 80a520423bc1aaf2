/**
 * The revert-sg-drift use case: parse → gather only the context the event cannot give → decide →
 * carry out (or, in report mode, only report) → publish one finding per decision.
 */
import { createHash } from 'node:crypto';
import { errorMessage, isGone, Unprocessable } from '../../shared/errors';
import type { SecurityGroups } from '../../shared/estate/security-groups';
import { CloudTrailEnvelope, TAG_EVENT_NAMES, type TagEventName } from '../../shared/events/cloudtrail';
import { foreignEventFinding, foreignFields, type Home } from '../../shared/events/home';
import { type Claim, EventInProgress, type EventLedger } from '../../shared/findings/event-ledger';
import type { Finding, Publish } from '../../shared/findings/finding';
import { recordedGrantIn } from '../../shared/grants/judge';
import type { GrantRecordReader } from '../../shared/grants/record';
import { effectiveMode, formatIssues } from '../../shared/policy/load';
import type { Mode, Policy, SecurityGroupPolicy } from '../../shared/policy/schema';
import type { Rule } from '../../shared/rules/rule';
import { isSelf } from '../../shared/sg/actor';
import { type SgEvent, sgEventOf } from '../../shared/sg/change';
import { decide, resolveRuleIds, type SgDecision } from '../../shared/sg/decide';
import { groupGoneFinding, leftBy, unprocessableFinding } from '../../shared/sg/findings';
import type { ProtectedGroups, RecentEvents } from '../../shared/sg/protected-groups';
import { carryOut, modeFor } from './act';
import { forgedFindings, type GrantTagVerdict, grantsOfEvent, guardGrantTags } from './grant-tags';
import { guardProtectionTags, type ProtectionVerdict } from './protection';

export interface RevertDeps {
  readonly sg: SecurityGroups;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly modeOverride?: Mode;
  readonly selfRoles: ReadonlyArray<string>;
  readonly protectedGroups: ProtectedGroups;
  readonly recent: RecentEvents;
  /**
   * The accounts and region netwarden acts on (shared/events/home.ts); undefined when the own account
   * is unknown, and then it acts on nothing.
   */
  readonly home: Home | undefined;
  /** netwarden's state table: a rule is a grant only if grant-access recorded it there. */
  readonly grants: GrantRecordReader;
  /**
   * Approved rules of a group from outside the policy: Terraform state (shared/terraform/baseline-loader.ts
   * `forGroup`). Undefined for a group means "no such baseline". Read only for protected groups.
   */
  readonly extraBaseline?: (groupId: string) => Promise<Rule[] | undefined>;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
  /**
   * Exactly-once per event across containers (the state table). Without it, only this container's
   * `recent` memory guards against repeats.
   */
  readonly ledger?: EventLedger;
  /** Until when this invocation's claim on the event holds: its deadline. */
  readonly claimUntil?: Date;
}

export type RevertOutcome =
  | { status: 'unprocessable'; reason: string }
  /** Handled before; `findings` are those a failed earlier attempt had not yet published. */
  | { status: 'redelivered'; eventId: string; findings?: Finding[] }
  | { status: 'foreign'; eventId: string; findings: Finding[] }
  | {
      status: 'tags';
      eventId: string;
      verdicts: Array<ProtectionVerdict | GrantTagVerdict>;
      /** What re-examining a group that became protected again decided. */
      decisions: SgDecision[];
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
    unprocessableFinding(reason, deps.now(), {
      function: FUNCTION,
      mode: effectiveMode(deps.policy, undefined, deps.modeOverride),
      ...(eventId ? { eventId } : {}),
    }),
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

export async function revertDrift(raw: unknown, deps: RevertDeps): Promise<RevertOutcome> {
  const envelope = CloudTrailEnvelope.safeParse(raw);
  if (!envelope.success)
    return reportUnprocessable(
      raw,
      `not a CloudTrail event: ${formatIssues(envelope.error.issues, raw, 'event')}`,
      deps,
    );

  // Before anything else, and before any AWS call: is this event netwarden's to act on at all?
  const eventId = envelope.data.detail.eventID;
  if (!deps.home)
    return reportUnprocessable(
      raw,
      'netwarden does not know the account it runs in (NETWARDEN_ACCOUNT_ID is unset and the invocation names no function ARN), so it acts on no event; set NETWARDEN_ACCOUNT_ID or the policy accounts',
      deps,
    );
  const foreign = foreignFields(envelope.data, deps.home);
  if (foreign.length > 0) {
    if (deps.recent.has(eventId)) return { status: 'redelivered', eventId };
    const finding = foreignEventFinding(
      envelope.data,
      foreign,
      deps.home,
      effectiveMode(deps.policy, undefined, deps.modeOverride),
      deps.now(),
    );
    deps.log?.('event from outside netwarden’s accounts and region', { eventId, foreign });
    await deps.publish(finding);
    deps.recent.add(eventId);
    return { status: 'foreign', eventId, findings: [finding] };
  }

  const eventName = envelope.data.detail.eventName;
  if ((TAG_EVENT_NAMES as ReadonlyArray<string>).includes(eventName)) {
    // A redelivered tag event would repeat the critical finding and the re-examination.
    if (deps.recent.has(eventId)) return { status: 'redelivered', eventId };
    try {
      // Grant tags on rules (sgr-) and protection tags on groups (sg-) can come in one call.
      const grantTags = await guardGrantTags(envelope.data, eventName as TagEventName, deps);
      const protection = await guardProtectionTags(envelope.data, eventName as TagEventName, deps);
      deps.recent.add(eventId);
      return {
        status: 'tags',
        eventId,
        // A call that only tagged rules says nothing about protection: its grant verdict is the news.
        verdicts: grantTags
          ? [grantTags.verdict, ...protection.verdicts.filter((verdict) => !verdict.startsWith('ignore:'))]
          : protection.verdicts,
        decisions: protection.decisions,
        findings: [...(grantTags?.findings ?? []), ...protection.findings],
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
  // The eventID is a field of the body: bound to the event's content, so that a forged copy reusing a
  // real event's id cannot settle the real event in advance (here or in the state table).
  const ledgerKey = `${event.eventId}#${createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32)}`;
  if (deps.recent.has(ledgerKey)) return { status: 'redelivered', eventId: event.eventId };

  // Failed calls and netwarden's own calls are settled without a single AWS read.
  if (event.errorCode || isSelf(event.actor, deps.selfRoles)) {
    const decisions = decide(event, {
      sections: [],
      trustedPrincipals: deps.policy.trustedPrincipals,
      selfRoles: deps.selfRoles,
      exceptions: deps.policy.exceptions,
      now: deps.now(),
    });
    for (const decision of decisions)
      deps.log?.('ignored change', { eventId: event.eventId, why: decision.why });
    deps.recent.add(ledgerKey);
    return { status: 'decided', eventId: event.eventId, decisions, findings: [] };
  }

  // Claimed in the state table before anything is read or done, so that a retry or a redelivery in
  // any container acts once and publishes the findings of the first decision exactly once.
  const claim = await deps.ledger?.claim(ledgerKey, deps.now(), deps.claimUntil ?? deps.now());
  if (claim?.state === 'in-progress')
    throw new EventInProgress(`event ${event.eventId} is being handled by another invocation`);
  if (claim?.state === 'decided') return publishRecorded(event.eventId, ledgerKey, claim, deps);

  let judged: { decisions: SgDecision[]; findings: Finding[] };
  try {
    judged = await judgeAndCarryOut(event, deps);
  } catch (error) {
    await deps.ledger?.release(ledgerKey);
    throw error;
  }
  const { decisions, findings } = judged;
  await deps.ledger?.decided(ledgerKey, findings);
  for (const [index, finding] of findings.entries()) {
    await deps.publish(finding);
    await deps.ledger?.published(ledgerKey, index + 1);
  }
  deps.recent.add(ledgerKey);
  return { status: 'decided', eventId: event.eventId, decisions, findings };
}

/** Reads only what the event cannot tell, decides, and carries the decisions out; publishes nothing. */
async function judgeAndCarryOut(
  initial: SgEvent,
  deps: RevertDeps,
): Promise<{ decisions: SgDecision[]; findings: Finding[] }> {
  let event = initial;
  // The group id comes from the event itself (request or response), never from a look-up by name.
  const groupId = event.change?.group.groupId;
  let protection: Awaited<ReturnType<ProtectedGroups['lookup']>>;
  try {
    protection = groupId ? await deps.protectedGroups.lookup(groupId) : undefined;
  } catch (error) {
    if (!groupId || !isGone(error, 'security group')) throw error;
    // Deleted after the event: whatever the event opened went with the group.
    const mode = effectiveMode(deps.policy, undefined, deps.modeOverride);
    const added = event.change?.action === 'added' ? event.change.created : [];
    deps.log?.('group gone before netwarden acted', { eventId: event.eventId, groupId });
    return { decisions: [], findings: [groupGoneFinding(groupId, event, mode, deps.now(), added)] };
  }
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
    exceptions: deps.policy.exceptions,
    now: deps.now(),
    ...(currentRules ? { currentRules } : {}),
    ...(extraBaseline ? { extraBaseline } : {}),
    isRecordedGrant: recordedGrantIn(grants.recorded),
  });

  const mode = modeFor(deps.policy, sections, deps.modeOverride);
  const findings: Finding[] = forgedFindings(grants.forged, event, event.actor, {
    mode,
    now: deps.now(),
    policy: deps.policy,
  });
  for (const decision of decisions) {
    if (decision.type === 'ignore') {
      deps.log?.('ignored change', { eventId: event.eventId, reason: decision.reason, why: decision.why });
      continue;
    }
    try {
      findings.push(await carryOut(decision, event, mode, deps, leftBy(decisions)));
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
  return { decisions, findings };
}

/** A redelivery of an event already decided: the recorded findings not yet published, and nothing else. */
async function publishRecorded(
  eventId: string,
  ledgerKey: string,
  claim: Extract<Claim, { state: 'decided' }>,
  deps: RevertDeps,
): Promise<RevertOutcome> {
  const unpublished = claim.findings.slice(claim.published);
  deps.log?.('redelivered event already handled', {
    eventId,
    findings: claim.findings.length,
    publishingNow: unpublished.length,
  });
  for (const [index, finding] of unpublished.entries()) {
    await deps.publish(finding);
    await deps.ledger?.published(ledgerKey, claim.published + index + 1);
  }
  deps.recent.add(ledgerKey);
  return { status: 'redelivered', eventId, findings: unpublished };
}
