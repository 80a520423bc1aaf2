/**
 * Guarding the guard: a group is protected because of its tags, so removing or changing a selector
 * tag (`netwarden:protect`) switches netwarden off for that group. CloudTrail does not record the
 * previous value, so netwarden cannot know the group was protected a moment ago; it reports the change
 * loudly and leaves the tags alone (re-tagging could start guarding a group that never was).
 */
import type { CtTagsRequest, TagEventName } from '../events/cloudtrail';
import type { Policy } from '../policy/schema';

export interface ProtectionTagChange {
  readonly groupId: string;
  readonly key: string;
  /** What the call did to the tag. */
  readonly now: { readonly deleted: true } | { readonly value: string };
  /** The policy sections that select groups by this tag and no longer select this one. */
  readonly sections: string[];
}

/** The selector tags a CreateTags/DeleteTags call removed or set to another value, per security group. */
export function protectionTagChanges(
  eventName: TagEventName,
  request: CtTagsRequest,
  policy: Policy,
): ProtectionTagChange[] {
  const selectors = policy.securityGroups.flatMap((section) =>
    Object.entries(section.select.tags ?? {}).map(([key, value]) => ({ key, value, section: section.name })),
  );
  const groups = request.resourcesSet
    .map((resource) => resource.resourceId)
    .filter((id) => id.startsWith('sg-'));
  const changes: ProtectionTagChange[] = [];
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
  const what = 'deleted' in change.now ? 'deleted' : `set to "${change.now.value}"`;
  return `${change.groupId}: tag ${change.key} ${what}, so policy section ${change.sections.map((name) => `"${name}"`).join(', ')} no longer selects it`;
}
