/**
 * Which policy sections protect a group. Selection by id needs no AWS call; selection by tag or name
 * needs the group's facts, read once per group and cached for a few minutes so that a burst of
 * console edits costs one read, not one per event.
 */
import type { SecurityGroupPort } from '../aws/ec2';
import { type GroupFacts, sectionsFor, selectsByIdOnly } from '../policy/match';
import type { Policy, SecurityGroupPolicy } from '../policy/schema';

export const GROUP_FACTS_TTL_MS = 5 * 60_000;

export interface ProtectedGroups {
  lookup(groupId: string): Promise<{ group: GroupFacts; sections: SecurityGroupPolicy[] } | undefined>;
}

export function protectedGroups(
  policy: Policy,
  sg: Pick<SecurityGroupPort, 'describeGroups'>,
  now: () => Date,
): ProtectedGroups {
  const cache = new Map<string, { facts: GroupFacts | undefined; readAt: number }>();
  const byIdOnly = selectsByIdOnly(policy);
  return {
    async lookup(groupId) {
      let facts: GroupFacts | undefined;
      if (byIdOnly) {
        facts = { groupId, tags: {} };
      } else {
        const cached = cache.get(groupId);
        if (cached && now().getTime() - cached.readAt < GROUP_FACTS_TTL_MS) {
          facts = cached.facts;
        } else {
          [facts] = await sg.describeGroups({ groupIds: [groupId] });
          cache.set(groupId, { facts, readAt: now().getTime() });
        }
      }
      return facts ? { group: facts, sections: sectionsFor(policy, facts) } : undefined;
    },
  };
}

/** Remembers recently handled CloudTrail event ids, so a redelivered event acts once per container. */
export function recentEvents(capacity = 1000) {
  const seen = new Set<string>();
  return {
    has: (id: string) => seen.has(id),
    add(id: string) {
      seen.add(id);
      if (seen.size > capacity) {
        const oldest = seen.values().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
    },
  };
}
export type RecentEvents = ReturnType<typeof recentEvents>;
