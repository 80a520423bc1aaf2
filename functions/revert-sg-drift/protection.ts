/**
 * CreateTags / DeleteTags on security groups. Whatever the tags, the group's cached facts are
 * forgotten at once. A protection tag removed or changed (a DeleteTags naming no tag removes them
 * all) is a critical finding whoever did it — trusted principals too: they are trusted to change
 * rules, and switching protection off is not a rule change anyone should make quietly. The tags are left alone (see shared/sg/protection.ts). A
 * protection tag put back makes netwarden re-examine all the group's rules (reexamine.ts).
 */
import type { CloudTrailEnvelope, TagEventName } from '../../shared/events/cloudtrail';
import type { Finding } from '../../shared/findings/finding';
import { effectiveMode } from '../../shared/policy/mode';
import { type Actor, actorOf, describeCall, findingActor, matchesAny } from '../../shared/sg/actor';
import type { SgDecision } from '../../shared/sg/decide';
import {
  describeProtectionChange,
  type ProtectionTagChange,
  protectionTagChanges,
  protectionTagGains,
  securityGroupsOf,
} from '../../shared/sg/protection';
import { type ReexamineDeps, reexamineGroup } from './reexamine';
import type { TagsTrigger } from './schema';

export type ProtectionDeps = ReexamineDeps;

export type ProtectionVerdict =
  | 'report:protection-removed'
  | 'reexamine:protection-restored'
  | 'ignore:failed-call'
  | 'ignore:not-a-protection-tag';

export async function guardProtectionTags(
  { envelope, eventName, request }: TagsTrigger,
  deps: ProtectionDeps,
): Promise<{ verdicts: ProtectionVerdict[]; decisions: SgDecision[]; findings: Finding[] }> {
  const { detail } = envelope;
  // No request: the call failed (the schema reads no parameters of a failed call) and changed no tag.
  if (!request) return { verdicts: ['ignore:failed-call'], decisions: [], findings: [] };
  // Protection is decided on the group's tags: a cached copy must not outlive the event that changed them.
  for (const groupId of securityGroupsOf(request)) deps.protectedGroups.forget(groupId);

  const actor = actorOf(detail);
  const verdicts: ProtectionVerdict[] = [];
  const decisions: SgDecision[] = [];
  const findings: Finding[] = [];

  const lost = protectionTagChanges(eventName, request, deps.policy);
  if (lost.length > 0) {
    const finding = protectionRemovedFinding(envelope, eventName, actor, lost, deps);
    await deps.publish(finding);
    verdicts.push('report:protection-removed');
    findings.push(finding);
  }

  const regained = [
    ...new Set(protectionTagGains(eventName, request, deps.policy).map((gain) => gain.groupId)),
  ];
  for (const groupId of regained) {
    const reexamined = await reexamineGroup(groupId, envelope, actor, deps);
    decisions.push(...reexamined.decisions);
    findings.push(...reexamined.findings);
  }
  if (regained.length > 0) verdicts.push('reexamine:protection-restored');

  if (verdicts.length === 0) verdicts.push('ignore:not-a-protection-tag');
  return { verdicts, decisions, findings };
}

function protectionRemovedFinding(
  envelope: CloudTrailEnvelope,
  eventName: TagEventName,
  actor: Actor,
  changes: ReadonlyArray<ProtectionTagChange>,
  deps: ProtectionDeps,
): Finding<'sg.protection-removed'> {
  const { detail } = envelope;
  const groups = [...new Set(changes.map((change) => change.groupId))];
  const sectionNames = [...new Set(changes.flatMap((change) => change.sections))];
  // What still guards the groups whatever their tags: sections selecting every group, or these by id.
  const remaining = deps.policy.securityGroups
    .filter((section) => section.select.all || groups.every((id) => section.select.ids?.includes(id)))
    .map((section) => `"${section.name}"`);
  const trusted = matchesAny(actor, deps.policy.trustedPrincipals)
    ? ' The principal is trusted for rule changes; switching protection off is reported all the same.'
    : '';
  return {
    kind: 'sg.protection-removed',
    severity: 'critical',
    title: `Protection tag removed from ${groups.join(', ')}: ${sectionNames.map((name) => `"${name}"`).join(', ')} no longer appl${sectionNames.length > 1 ? 'y' : 'ies'}`,
    // The running mode, so Slack says "did: nothing" — never re-tagging is the design, not report mode.
    mode: effectiveMode(deps.policy, undefined),
    outcome: 'no-action',
    time: deps.now().toISOString(),
    eventId: detail.eventID,
    ...(envelope.account ? { account: envelope.account } : {}),
    ...(envelope.region ? { region: envelope.region } : {}),
    actor: findingActor(actor),
    resource: { type: 'security-group', id: groups[0] ?? '' },
    why: `${describeCall(eventName, actor)}: ${changes.map(describeProtectionChange).join('; ')}. CloudTrail does not record the previous value, so netwarden leaves the tags alone: put the tag back if the group must stay guarded (netwarden then re-examines all its rules).${remaining.length > 0 ? ` Still applying: ${remaining.join(', ')}.` : ' No other section guards it now.'}${trusted}`,
    actions: [],
  };
}
