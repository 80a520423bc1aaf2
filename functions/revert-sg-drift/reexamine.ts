/**
 * A group became protected again (a selector tag was put back): read its facts afresh and all its
 * rules at once (one DescribeSecurityGroupRules), judge them (shared/sg/reexamine.ts), carry the
 * decisions out — or, in report mode, only report them — and sum up what was found.
 */

import type { SecurityGroups } from '../../shared/estate/security-groups';
import type { CloudTrailEnvelope } from '../../shared/events/cloudtrail';
import type { Finding, Publish } from '../../shared/findings/finding';
import { lookUpGrants, recordedGrantIn } from '../../shared/grants/judge';
import type { GrantRecordReader } from '../../shared/grants/record';
import type { Mode, Policy } from '../../shared/policy/schema';
import type { Rule } from '../../shared/rules/rule';
import type { WriteGate } from '../../shared/safety/gate';
import { held, type KillSwitch } from '../../shared/safety/kill-switch';
import { type Actor, describeCall, findingActor } from '../../shared/sg/actor';
import type { SgEvent } from '../../shared/sg/change';
import type { SgDecision } from '../../shared/sg/decide';
import type { ProtectedGroups } from '../../shared/sg/protected-groups';
import { reexamine } from '../../shared/sg/reexamine';
import { carryOutAll, decideContext, modeFor } from './act';

export interface ReexamineDeps {
  readonly sg: SecurityGroups;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly selfRoles: ReadonlyArray<string>;
  readonly protectedGroups: ProtectedGroups;
  /** netwarden's state table: a rule found on re-examination is a grant only if it is recorded there. */
  readonly grants: GrantRecordReader;
  readonly extraBaseline?: (groupId: string) => Promise<Rule[] | undefined>;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
  readonly killSwitch?: KillSwitch;
  /** Every write passes it: the blast-radius budget before, the journal after (shared/safety/gate.ts). */
  readonly gate?: WriteGate;
}

/** Call after deps.protectedGroups.forget(groupId), so that the group's facts are read as they are now. */
export async function reexamineGroup(
  groupId: string,
  envelope: CloudTrailEnvelope,
  actor: Actor,
  given: ReexamineDeps,
): Promise<{ decisions: SgDecision[]; findings: Finding[] }> {
  const { detail } = envelope;
  const protection = await given.protectedGroups.lookup(groupId);
  const sections = protection?.sections ?? [];
  if (sections.length === 0) {
    // Gone, or not selected after all (another selector tag is missing, or the tag changed again).
    given.log?.('group not protected after the tag change: nothing to re-examine', { groupId });
    return { decisions: [], findings: [] };
  }
  // The group will be judged and may be written to: while the kill switch is on, in report mode.
  const deps = await held(given);
  const judgesDrift = sections.some((section) => !section.guardrailsOnly);
  const extraBaseline = judgesDrift && deps.extraBaseline ? await deps.extraBaseline(groupId) : undefined;
  const currentRules = await deps.sg.describeGroupRules(groupId);
  // Grant tags found on re-examination prove nothing either: only a record makes a rule a grant.
  const grants = await lookUpGrants(currentRules, deps.grants);
  const decisions = reexamine(groupId, currentRules, {
    ...decideContext(deps),
    sections,
    ...(extraBaseline ? { extraBaseline } : {}),
    isRecordedGrant: recordedGrantIn(grants.recorded),
  });

  const mode = modeFor(deps.policy, sections);
  const sectionNames = sections.map((section) => `"${section.name}"`).join(', ');
  const context = `${describeCall(detail.eventName, actor)} made ${groupId} protected again (${sectionNames}), so netwarden re-examined ${currentRules.length === 1 ? 'its one rule' : `all ${currentRules.length} of its rules`}; who added ${currentRules.length === 1 ? 'it' : 'them'} is unknown`;
  // Findings name the tagging event and its actor; the rules' own authors are unknown.
  const event: SgEvent = {
    eventId: detail.eventID,
    eventName: 'ModifySecurityGroupRules',
    actor,
    ...(envelope.account ? { account: envelope.account } : {}),
    ...(envelope.region ? { region: envelope.region } : {}),
  };
  const findings = await carryOutAll(decisions, event, mode, deps, {
    during: `while re-examining it for event ${detail.eventID}`,
    each: async (carriedOut, decision) => {
      const finding = { ...carriedOut, why: `${context}: ${decision.why}` };
      await deps.publish(finding);
      return finding;
    },
  });

  const summary = summaryFinding(groupId, context, currentRules.length, findings, mode, event, deps.now());
  findings.push(summary);
  await deps.publish(summary);
  return { decisions, findings };
}

/** One line for the channel that saw "protection removed": protection is back, and what it found. */
function summaryFinding(
  groupId: string,
  context: string,
  ruleCount: number,
  found: ReadonlyArray<Finding>,
  mode: Mode,
  event: SgEvent,
  now: Date,
): Finding<'sg.protection-restored'> {
  const acted = found.filter((finding) => finding.outcome === 'acted' || finding.outcome === 'would-act');
  const reported = found.filter((finding) => finding.outcome === 'no-action');
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const result =
    found.length === 0
      ? 'no rule breaches a guardrail, and every rule a baseline judges is approved'
      : `${plural(acted.length, 'change')} ${mode === 'report' ? 'it would make' : 'made'}, ${plural(reported.length, 'finding')} for a human to check (see this event's other findings)`;
  return {
    kind: 'sg.protection-restored',
    severity: 'info',
    title: `Protection back on ${groupId}: ${ruleCount} rule${ruleCount === 1 ? '' : 's'} re-examined, ${found.length === 0 ? 'nothing to do' : `${found.length} finding${found.length === 1 ? '' : 's'}`}`,
    mode,
    outcome: acted.some((finding) => finding.outcome === 'acted')
      ? 'acted'
      : acted.length > 0
        ? 'would-act'
        : 'no-action',
    time: now.toISOString(),
    eventId: event.eventId,
    ...(event.account ? { account: event.account } : {}),
    ...(event.region ? { region: event.region } : {}),
    actor: findingActor(event.actor),
    resource: { type: 'security-group', id: groupId },
    why: `${context}: ${result}.`,
    actions: acted.flatMap((finding) => finding.actions),
    details: { rulesExamined: ruleCount, findings: found.map((finding) => finding.kind) },
  };
}
