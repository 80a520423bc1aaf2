/**
 * Which policy sections protect a group. Selection by id needs no AWS call; selection by tag or name
 * needs the group's facts, read once per group and cached briefly so that a burst of console edits
 * costs one read, not one per event.
 *
 * Cached facts are what an attacker would race: a tag event (CreateTags/DeleteTags on the group)
 * forgets them at once in the container that handles it, but other warm containers of the function
 * never see that event. So only facts that make netwarden judge drift are cached: a stale copy of
 * those can only make it stricter than the tags now say (a group unprotected a moment ago is still
 * judged). Facts that would make it ignore a change (no section, or guardrails-only sections) are read
 * afresh for every event: a group tagged again in another container is judged at once, and a rule
 * added then is never ignored for good.
 */
import type { SecurityGroups } from '../estate/security-groups';
import { type GroupFacts, sectionsFor, selectsByIdOnly } from '../policy/match';
import type { Policy, SecurityGroupPolicy } from '../policy/schema';

export const GROUP_FACTS_TTL_MS = 60_000;

export interface ProtectedGroups {
  lookup(groupId: string): Promise<{ group: GroupFacts; sections: SecurityGroupPolicy[] } | undefined>;
  /** Drops the group's cached facts: its tags just changed, so the next lookup reads them again. */
  forget(groupId: string): void;
}

export function protectedGroups(
  policy: Policy,
  sg: Pick<SecurityGroups, 'describeGroups'>,
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
          if (facts && judgesDrift(sectionsFor(policy, facts))) {
            cache.set(groupId, { facts, readAt: now().getTime() });
          } else {
            cache.delete(groupId);
          }
        }
      }
      return facts ? { group: facts, sections: sectionsFor(policy, facts) } : undefined;
    },
    forget(groupId) {
      cache.delete(groupId);
    },
  };
}

function judgesDrift(sections: ReadonlyArray<SecurityGroupPolicy>): boolean {
  return sections.some((section) => !section.guardrailsOnly);
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
