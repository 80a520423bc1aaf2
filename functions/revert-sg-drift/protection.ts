/**
 * CreateTags / DeleteTags on security groups: the tag that makes a group protected was removed or
 * changed. Reported loudly, never acted on (see shared/sg/protection.ts). Costs no AWS call.
 */
import { Unprocessable } from '../../shared/errors';
import { type CloudTrailEnvelope, CtTagsRequest, type TagEventName } from '../../shared/events/cloudtrail';
import type { Finding, Publish } from '../../shared/findings/finding';
import { effectiveMode, formatIssues } from '../../shared/policy/load';
import type { Mode, Policy } from '../../shared/policy/schema';
import { actorOf, findingActor, isSelf, matchesAny } from '../../shared/sg/actor';
import { describeProtectionChange, protectionTagChanges } from '../../shared/sg/protection';

export interface ProtectionDeps {
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly modeOverride?: Mode;
  readonly selfRoles: ReadonlyArray<string>;
}

export type ProtectionVerdict =
  | 'report:protection-removed'
  | 'ignore:failed-call'
  | 'ignore:self'
  | 'ignore:trusted'
  | 'ignore:not-a-protection-tag';

export async function guardProtectionTags(
  envelope: CloudTrailEnvelope,
  eventName: TagEventName,
  deps: ProtectionDeps,
): Promise<{ verdict: ProtectionVerdict; findings: Finding[] }> {
  const { detail } = envelope;
  const actor = actorOf(detail);
  if (detail.errorCode) return { verdict: 'ignore:failed-call', findings: [] };
  if (isSelf(actor, deps.selfRoles)) return { verdict: 'ignore:self', findings: [] };
  const request = CtTagsRequest.safeParse(detail.requestParameters ?? {});
  if (!request.success) {
    throw new Unprocessable(
      `requestParameters has an unexpected shape: ${formatIssues(request.error.issues, detail.requestParameters, 'requestParameters')}`,
    );
  }
  const changes = protectionTagChanges(eventName, request.data, deps.policy);
  if (changes.length === 0) return { verdict: 'ignore:not-a-protection-tag', findings: [] };
  // Terraform removing the tag is a reviewed change to what netwarden guards.
  if (matchesAny(actor, deps.policy.trustedPrincipals)) return { verdict: 'ignore:trusted', findings: [] };
  const groups = [...new Set(changes.map((change) => change.groupId))];
  const sectionNames = [...new Set(changes.flatMap((change) => change.sections))];
  const finding: Finding = {
    kind: 'sg.protection-removed',
    severity: 'critical',
    title: `Protection tag removed from ${groups.join(', ')}: ${sectionNames.map((name) => `"${name}"`).join(', ')} no longer appl${sectionNames.length > 1 ? 'y' : 'ies'}`,
    // The running mode, so Slack says "did: nothing" — never re-tagging is the design, not report mode.
    mode: effectiveMode(deps.policy, undefined, deps.modeOverride),
    outcome: 'no-action',
    time: deps.now().toISOString(),
    eventId: detail.eventID,
    ...(envelope.account ? { account: envelope.account } : {}),
    ...(envelope.region ? { region: envelope.region } : {}),
    actor: findingActor(actor),
    resource: { type: 'security-group', id: groups[0] ?? '' },
    why: `${eventName} by ${actor.display}${actor.viaConsole ? ' in the console' : ''}${actor.sourceIp ? ` from ${actor.sourceIp}` : ''}: ${changes.map(describeProtectionChange).join('; ')}. CloudTrail does not record the previous value, so netwarden leaves the tags alone: put the tag back if the group must stay guarded.`,
    actions: [],
  };
  await deps.publish(finding);
  return { verdict: 'report:protection-removed', findings: [finding] };
}
