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
  /** The value the selector wants, and what the call did to the tag. */
  readonly wanted: string;
  readonly now: { readonly deleted: true } | { readonly value: string };
}

/** The selector tags a CreateTags/DeleteTags call removed or set to another value, per security group. */
export function protectionTagChanges(
  eventName: TagEventName,
  request: CtTagsRequest,
  policy: Policy,
): ProtectionTagChange[] {
  const wanted = new Map<string, string>();
  for (const section of policy.securityGroups) {
    for (const [key, value] of Object.entries(section.select.tags ?? {})) wanted.set(key, value);
  }
  const groups = request.resourcesSet
    .map((resource) => resource.resourceId)
    .filter((id) => id.startsWith('sg-'));
  const changes: ProtectionTagChange[] = [];
  for (const tag of request.tagSet) {
    const value = wanted.get(tag.key);
    if (value === undefined) continue;
    if (eventName === 'CreateTags' && (tag.value ?? '') === value) continue;
    // DeleteTags with a value deletes only when it matches: a different value removed no protection.
    if (eventName === 'DeleteTags' && tag.value !== undefined && tag.value !== value) continue;
    const now = eventName === 'DeleteTags' ? ({ deleted: true } as const) : { value: tag.value ?? '' };
    for (const groupId of groups) changes.push({ groupId, key: tag.key, wanted: value, now });
  }
  return changes;
}

export function describeProtectionChange(change: ProtectionTagChange): string {
  const what = 'deleted' in change.now ? 'deleted' : `set to "${change.now.value}"`;
  return `${change.groupId}: tag ${change.key} (selects protection when "${change.wanted}") ${what}`;
}
