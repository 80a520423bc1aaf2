/**
 * Grants as revert-sg-drift sees them. A grant is what grant-access recorded in the state table; the
 * `netwarden:grant-*` tags are a label anyone can write. So:
 * - CreateTags of grant tags on a rule (`sgr-…`) is looked up: no live record for that rule is a
 *   `grant.forged` finding (critical when it opens a guarded port), a real grant whose label was
 *   edited is a `grant.label-edited` finding, and nothing is changed either way;
 * - an Authorize / Modify event is judged as usual, except that a recorded grant is approved access;
 *   grant-tagged rules without a record are also reported as forged.
 * Removing grant tags changes nothing and says nothing: the label is not the grant.
 */

import { presentRulesByIds } from '../../shared/aws/ec2/rules-by-id';
import type { SecurityGroups } from '../../shared/estate/security-groups';
import type { Finding, Publish } from '../../shared/findings/finding';
import { forgedFinding, labelEditedFinding } from '../../shared/grants/findings';
import { lookUpGrants } from '../../shared/grants/judge';
import { accessKey, type GrantRecordReader, isRecordedRule } from '../../shared/grants/record';
import { isGrantTagKey } from '../../shared/grants/tags';
import { effectiveMode } from '../../shared/policy/mode';
import type { Mode, Policy } from '../../shared/policy/schema';
import type { Rule } from '../../shared/rules/rule';
import { type Actor, actorOf, describeActor, findingActor, isSelf } from '../../shared/sg/actor';
import type { SgEvent } from '../../shared/sg/change';
import type { TagsTrigger } from './schema';

export interface GrantTagDeps {
  readonly sg: Pick<SecurityGroups, 'describeRulesByIds'>;
  readonly grants: GrantRecordReader;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly selfRoles: ReadonlyArray<string>;
}

export type GrantTagVerdict = 'report:grant-forged' | 'report:grant-label-edited';

// A rule removed since the event: there is nothing left to judge.

/**
 * CreateTags of grant tags on security-group rules. Returns undefined when the event tags no rule
 * with grant tags (the protection guard handles the rest of the event).
 */
export async function guardGrantTags(
  { envelope, eventName, request }: TagsTrigger,
  deps: GrantTagDeps,
): Promise<{ verdict: GrantTagVerdict; findings: Finding[] } | undefined> {
  const { detail } = envelope;
  // No request: the call failed and tagged nothing.
  if (eventName !== 'CreateTags' || !request) return undefined;
  const actor = actorOf(detail);
  // grant-access labelling its own rule on an extension.
  if (isSelf(actor, deps.selfRoles)) return undefined;
  const keys = request.tagSet.map((tag) => tag.key).filter(isGrantTagKey);
  const ruleIds = request.resourcesSet
    .map((resource) => resource.resourceId)
    .filter((id) => id.startsWith('sgr-'));
  if (keys.length === 0 || ruleIds.length === 0) return undefined;

  // One gone id must not hide the forged tags on the others in the same call.
  const rules = [...(await presentRulesByIds(deps.sg, ruleIds)).values()];
  const how = `${describeActor(actor)} tagged ${ruleIds.join(', ')} with ${keys.join(', ')}`;
  const base = {
    mode: effectiveMode(deps.policy, undefined),
    now: deps.now(),
    eventId: detail.eventID,
    actor: findingActor(actor),
  };
  const findings: Finding[] = [];
  for (const rule of rules) {
    const record = await deps.grants.get(rule.groupId, accessKey(rule));
    findings.push(
      record && isRecordedRule(rule, record)
        ? labelEditedFinding(rule, record, { ...base, how })
        : forgedFinding(rule, {
            ...base,
            policy: deps.policy,
            how,
            ...(envelope.account ? { account: envelope.account } : {}),
            ...(envelope.region ? { region: envelope.region } : {}),
          }),
    );
  }
  for (const finding of findings) await deps.publish(finding);
  if (findings.length === 0) return undefined;
  const forged = findings.some((finding) => finding.kind === 'grant.forged');
  return { verdict: forged ? 'report:grant-forged' : 'report:grant-label-edited', findings };
}

/** The rules an Authorize or Modify event leaves in place, as far as the shell knows them. */
export function rulesOfEvent(event: SgEvent, currentRules: ReadonlyArray<Rule> | undefined): Rule[] {
  const change = event.change;
  if (!change) return [];
  if (change.action === 'added') return change.created.length > 0 ? change.created : change.requested;
  if (change.action === 'modified') {
    const ids = new Set(change.modifications.map((modification) => modification.ruleId));
    return (currentRules ?? []).filter((rule) => rule.ruleId !== undefined && ids.has(rule.ruleId));
  }
  return [];
}

/** Grants the event's rules are (approved access) or pretend to be (reported as forged). */
export async function grantsOfEvent(
  event: SgEvent,
  currentRules: ReadonlyArray<Rule> | undefined,
  deps: Pick<GrantTagDeps, 'grants'>,
) {
  return lookUpGrants(rulesOfEvent(event, currentRules), deps.grants);
}

export function forgedFindings(
  forged: ReadonlyArray<Rule>,
  event: SgEvent,
  actor: Actor,
  base: { mode: Mode; now: Date; policy: Policy },
): Finding[] {
  const verb = event.change?.action === 'modified' ? 'changed' : 'added';
  return forged.map((rule) =>
    forgedFinding(rule, {
      ...base,
      how: `${describeActor(actor)} ${verb} ${rule.ruleId ?? 'a rule'} with grant tags (${event.eventName})`,
      eventId: event.eventId,
      actor: findingActor(actor),
    }),
  );
}
