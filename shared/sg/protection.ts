/**
 * Guarding the guard: a group is protected because of its tags, so removing or changing a selector
 * tag (`netwarden:protect`) switches the sections that select by it off for that group. CloudTrail does
 * not record the previous value, so netwarden cannot know the group was protected a moment ago; it
 * reports the change loudly, whoever made it, and leaves the tags alone (re-tagging could start
 * guarding a group that never was).
 *
 * Setting a selector tag to its selected value may make a group protected again; whatever was added
 * while it was not is then found by re-examining all its rules (functions/revert-sg-drift/reexamine.ts).
 */
import type { CtTagsRequest, TagEventName } from '../events/cloudtrail';
import type { Policy } from '../policy/schema';

export interface ProtectionTagChange {
  readonly groupId: string;
  readonly key: string;
  /** What the call did to the tag; `everyTag`: a DeleteTags that named no tag, so deleted them all. */
  readonly now: { readonly deleted: true; readonly everyTag?: true } | { readonly value: string };
  /** The policy sections that select groups by this tag and no longer select this one. */
  readonly sections: string[];
}

/** The selector tags a CreateTags/DeleteTags call removed or set to another value, per security group. */
export function protectionTagChanges(
  eventName: TagEventName,
  request: CtTagsRequest,
  policy: Policy,
): ProtectionTagChange[] {
  const selectors = selectorTagsOf(policy);
  const groups = securityGroupsOf(request);
  const changes: ProtectionTagChange[] = [];
  // DeleteTags without a tag list deletes every user tag of the resources, so every selector tag goes.
  // CloudTrail then records no tag (`tagSet` is `{}` or absent, both parsed as []).
  if (eventName === 'DeleteTags' && request.tagSet.length === 0) {
    for (const key of new Set(selectors.map((selector) => selector.key))) {
      const sections = [
        ...new Set(selectors.filter((selector) => selector.key === key).map(({ section }) => section)),
      ];
      for (const groupId of groups)
        changes.push({ groupId, key, now: { deleted: true, everyTag: true }, sections });
    }
    return changes;
  }
  for (const tag of request.tagSet) {
    const lost = selectors.filter(({ key, value }) => {
      if (key !== tag.key) return false;
      // Setting the selected value again loses nothing; DeleteTags with a value deletes only on a match.
      if (eventName === 'CreateTags') return (tag.value ?? '') !== value;
      return tag.value === undefined || tag.value === value;
    });
    if (lost.length === 0) continue;
    const now = eventName === 'DeleteTags' ? ({ deleted: true } as const) : { value: tag.value ?? '' };
    const sections = [...new Set(lost.map(({ section }) => section))];
    for (const groupId of groups) changes.push({ groupId, key: tag.key, now, sections });
  }
  return changes;
}

export function describeProtectionChange(change: ProtectionTagChange): string {
  const what =
    'value' in change.now
      ? `set to "${change.now.value}"`
      : change.now.everyTag
        ? 'deleted (the call named no tag, so it deleted every tag)'
        : 'deleted';
  return `${change.groupId}: tag ${change.key} ${what}, so policy section ${change.sections.map((name) => `"${name}"`).join(', ')} no longer selects it`;
}

/** The security groups a CreateTags/DeleteTags call tagged (it may name instances, rules … too). */
export function securityGroupsOf(request: CtTagsRequest): string[] {
  return [
    ...new Set(
      request.resourcesSet.map((resource) => resource.resourceId).filter((id) => id.startsWith('sg-')),
    ),
  ];
}

function selectorTagsOf(policy: Policy) {
  return policy.securityGroups.flatMap((section) =>
    Object.entries(section.select.tags ?? {}).map(([key, value]) => ({ key, value, section: section.name })),
  );
}

export interface ProtectionTagGain {
  readonly groupId: string;
  readonly key: string;
  readonly value: string;
  /** The policy sections that select groups by this tag (and, if their other tags match, this one now). */
  readonly sections: string[];
}

/**
 * CreateTags setting a selector tag to its selected value: the group may have become protected again.
 * CloudTrail does not say whether it already was, so every such call counts; re-examining a group
 * that never stopped being protected costs one read and finds nothing new.
 */
export function protectionTagGains(
  eventName: TagEventName,
  request: CtTagsRequest,
  policy: Policy,
): ProtectionTagGain[] {
  if (eventName !== 'CreateTags') return [];
  const selectors = selectorTagsOf(policy);
  const groups = securityGroupsOf(request);
  const gains: ProtectionTagGain[] = [];
  for (const tag of request.tagSet) {
    const value = tag.value ?? '';
    const sections = [
      ...new Set(
        selectors
          .filter((selector) => selector.key === tag.key && selector.value === value)
          .map(({ section }) => section),
      ),
    ];
    if (sections.length === 0) continue;
    for (const groupId of groups) gains.push({ groupId, key: tag.key, value, sections });
  }
  return gains;
}
