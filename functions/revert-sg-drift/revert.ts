/**
 * The revert-sg-drift use case, for an event its schema has read whole (schema.ts), so no bad input
 * reaches it: is it ours → gather only the context the event cannot give → decide → carry out (or,
 * in report mode, only report) → publish one finding per decision.
 */
import { createHash } from 'node:crypto';
import { isGone } from '../../shared/errors';
import type { SecurityGroups } from '../../shared/estate/security-groups';
import type { CloudTrailEnvelope } from '../../shared/events/cloudtrail';
import { foreignEventFinding, foreignFields, type Home } from '../../shared/events/home';
import { type Claim, EventInProgress, type EventLedger } from '../../shared/findings/event-ledger';
import type { Finding, Publish } from '../../shared/findings/finding';
import { recordedGrantIn } from '../../shared/grants/judge';
import type { GrantRecordReader } from '../../shared/grants/record';
import { effectiveMode } from '../../shared/policy/mode';
import type { Policy, SecurityGroupPolicy } from '../../shared/policy/schema';
import type { Rule } from '../../shared/rules/rule';
import type { WriteGate } from '../../shared/safety/gate';
import { held, type KillSwitch } from '../../shared/safety/kill-switch';
import { isSelf } from '../../shared/sg/actor';
import type { SgEvent } from '../../shared/sg/change';
import { decide, guardrailsDecide, resolveRuleIds, type SgDecision } from '../../shared/sg/decide';
import { groupGoneFinding, leftBy } from '../../shared/sg/findings';
import type { ProtectedGroups, RecentEvents } from '../../shared/sg/protected-groups';
import { carryOutAll, decideContext, modeFor } from './act';
import { forgedFindings, type GrantTagVerdict, grantsOfEvent, guardGrantTags } from './grant-tags';
import { guardProtectionTags, type ProtectionVerdict } from './protection';
import type { RevertTrigger, TagsTrigger } from './schema';

export interface RevertDeps {
  readonly sg: SecurityGroups;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly selfRoles: ReadonlyArray<string>;
  readonly protectedGroups: ProtectedGroups;
  readonly recent: RecentEvents;
  /** The accounts and region netwarden acts on (shared/events/home.ts). */
  readonly home: Home;
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
  /** Read once an event is to be judged: while it is on (or unreadable), report mode (shared/safety/kill-switch.ts). */
  readonly killSwitch?: KillSwitch;
  /** Every write passes it: the blast-radius budget before, the journal after (shared/safety/gate.ts). */
  readonly gate?: WriteGate;
}

export type RevertOutcome =
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

/** `revoke:guardrail`, `ignore:trusted` …: a decision in a word, for logs and the demo. */
export function describeDecision(decision: SgDecision): string {
  return decision.type === 'restore' ? 'restore:baseline' : `${decision.type}:${decision.reason}`;
}

/** The decisions of an outcome in a word each, for the log line and the invocation's result. */
export function describeOutcome(outcome: RevertOutcome): string[] {
  if (outcome.status === 'decided') return outcome.decisions.map(describeDecision);
  if (outcome.status === 'tags') return [...outcome.verdicts, ...outcome.decisions.map(describeDecision)];
  return outcome.status === 'foreign' ? ['report:foreign-event'] : [];
}

const stageMode = (deps: RevertDeps) => effectiveMode(deps.policy, undefined);

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

/** A CloudTrail security-group event, read whole by the schema → decisions carried out, findings published. */
export async function revertDrift(trigger: RevertTrigger, deps: RevertDeps): Promise<RevertOutcome> {
  // Before anything else, and before any AWS call: is this event netwarden's to act on at all?
  const foreign = foreignFields(trigger.envelope, deps.home);
  if (foreign.length > 0) return reportForeign(trigger.envelope, foreign, deps.home, deps);
  if (trigger.kind === 'tags') return guardTags(trigger, deps);
  return settleChange(trigger.event, deps);
}

/** An event from another account or region: reported once, neither read nor acted on. */
async function reportForeign(
  envelope: CloudTrailEnvelope,
  foreign: ReadonlyArray<string>,
  home: Home,
  deps: RevertDeps,
): Promise<RevertOutcome> {
  const eventId = envelope.detail.eventID;
  if (deps.recent.has(eventId)) return { status: 'redelivered', eventId };
  const finding = foreignEventFinding(envelope, foreign, home, stageMode(deps), deps.now());
  deps.log?.('event from outside netwarden’s accounts and region', { eventId, foreign });
  await deps.publish(finding);
  deps.recent.add(eventId);
  return { status: 'foreign', eventId, findings: [finding] };
}

/** CreateTags / DeleteTags: grant tags on rules (sgr-) and protection tags on groups (sg-), in one call. */
async function guardTags(trigger: TagsTrigger, deps: RevertDeps): Promise<RevertOutcome> {
  const { eventId } = trigger;
  // A redelivered tag event would repeat the critical finding and the re-examination.
  if (deps.recent.has(eventId)) return { status: 'redelivered', eventId };
  const grantTags = await guardGrantTags(trigger, deps);
  const protection = await guardProtectionTags(trigger, deps);
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
}

/**
 * A rule change, exactly once: settled without a read when it failed or was netwarden's own; else
 * claimed in the state table, judged and carried out, and its findings published in order.
 */
async function settleChange(event: SgEvent, given: RevertDeps): Promise<RevertOutcome> {
  // The eventID is a field of the body: bound to the event's content, so that a forged copy reusing a
  // real event's id cannot settle the real event in advance (here or in the state table).
  const ledgerKey = `${event.eventId}#${createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32)}`;
  if (given.recent.has(ledgerKey)) return { status: 'redelivered', eventId: event.eventId };

  // Failed calls and netwarden's own calls are settled without a single AWS read.
  if (event.errorCode || isSelf(event.actor, given.selfRoles)) {
    const decisions = decide(event, { ...decideContext(given), sections: [] });
    for (const decision of decisions)
      given.log?.('ignored change', { eventId: event.eventId, why: decision.why });
    given.recent.add(ledgerKey);
    return { status: 'decided', eventId: event.eventId, decisions, findings: [] };
  }

  // Claimed in the state table before anything is read or done, so that a retry or a redelivery in
  // any container acts once and publishes the findings of the first decision exactly once.
  const claim = await given.ledger?.claim(ledgerKey, given.now(), given.claimUntil ?? given.now());
  if (claim?.state === 'in-progress')
    throw new EventInProgress(`event ${event.eventId} is being handled by another invocation`);
  if (claim?.state === 'decided') return publishRecorded(event.eventId, ledgerKey, claim, given);

  // The event is to be judged and may be acted on: while the kill switch is on, in report mode, and
  // every finding says so.
  const deps = await held(given);
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

type Protection = Awaited<ReturnType<ProtectedGroups['lookup']>>;

/** The group's protection, or its absence when it was deleted after the event. */
async function protectionOf(groupId: string | undefined, deps: RevertDeps): Promise<Protection | 'gone'> {
  try {
    return groupId ? await deps.protectedGroups.lookup(groupId) : undefined;
  } catch (error) {
    if (!groupId || !isGone(error, 'security group')) throw error;
    return 'gone';
  }
}

/** Reads only what the event cannot tell, decides, and carries the decisions out; publishes nothing. */
async function judgeAndCarryOut(
  initial: SgEvent,
  deps: RevertDeps,
): Promise<{ decisions: SgDecision[]; findings: Finding[] }> {
  let event = initial;
  // The group id comes from the event itself (request or response), never from a look-up by name.
  const groupId = event.change?.group.groupId;
  const protection = await protectionOf(groupId, deps);
  if (protection === 'gone' && groupId) {
    // Deleted after the event: whatever the event opened went with the group.
    const added = event.change?.action === 'added' ? event.change.created : [];
    deps.log?.('group gone before netwarden acted', { eventId: event.eventId, groupId });
    return {
      decisions: [],
      findings: [groupGoneFinding(groupId, event, stageMode(deps), deps.now(), added)],
    };
  }
  const sections = protection === 'gone' ? [] : (protection?.sections ?? []);

  // Terraform state is baseline only where drift is judged (not on guardrails-only groups), and it is
  // not read when the guardrails alone revoke every rule the change opens.
  const judgesDrift = sections.some((section) => !section.guardrailsOnly);
  const needsBaseline = judgesDrift && !guardrailsDecide(event.change, { ...decideContext(deps), sections });
  const extraBaseline =
    groupId && needsBaseline && deps.extraBaseline ? await deps.extraBaseline(groupId) : undefined;
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
    ...decideContext(deps),
    sections,
    ...(currentRules ? { currentRules } : {}),
    ...(extraBaseline ? { extraBaseline } : {}),
    isRecordedGrant: recordedGrantIn(grants.recorded),
  });

  const mode = modeFor(deps.policy, sections);
  const findings: Finding[] = forgedFindings(grants.forged, event, event.actor, {
    mode,
    now: deps.now(),
    policy: deps.policy,
  });
  findings.push(
    ...(await carryOutAll(decisions, event, mode, deps, {
      during: `for event ${event.eventId}`,
      left: leftBy(decisions),
    })),
  );
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
