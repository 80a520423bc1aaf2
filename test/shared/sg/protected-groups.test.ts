/**
 * Cached group facts: one read per protected group for a burst of events, for at most a minute, and
 * never past a tag event on the group (forget); facts that would make netwarden ignore a change are
 * never cached. The clock is injected.
 */
import { describe, expect, it } from 'vitest';
import type { SecurityGroups } from '../../../shared/estate/security-groups';
import { parsePolicy } from '../../../shared/policy/load';
import type { GroupFacts } from '../../../shared/policy/match';
import { GROUP_FACTS_TTL_MS, protectedGroups } from '../../../shared/sg/protected-groups';

const policy = parsePolicy(`version: 1
securityGroups:
  - name: front-door
    select: { tags: { "netwarden:protect": "true" } }
`);

function fakeAccount(tags: Record<string, string>) {
  let time = Date.parse('2026-11-23T00:00:00Z');
  const reads: string[] = [];
  const group: { tags: Record<string, string> } = { tags };
  const sg: Pick<SecurityGroups, 'describeGroups'> = {
    describeGroups: async (filter) => {
      reads.push(...(filter?.groupIds ?? []));
      return [{ groupId: 'sg-1', tags: { ...group.tags } } satisfies GroupFacts];
    },
  };
  return {
    group,
    reads,
    now: () => new Date(time),
    advance: (ms: number) => {
      time += ms;
    },
    sg,
  };
}

describe('protectedGroups', () => {
  it('reads a group once for a burst of events, and again after a minute', async () => {
    const account = fakeAccount({ 'netwarden:protect': 'true' });
    const groups = protectedGroups(policy, account.sg, account.now);

    await groups.lookup('sg-1');
    account.advance(GROUP_FACTS_TTL_MS - 1);
    await groups.lookup('sg-1');
    expect(account.reads).toEqual(['sg-1']);

    account.advance(1);
    await groups.lookup('sg-1');
    expect(account.reads).toEqual(['sg-1', 'sg-1']);
    expect(GROUP_FACTS_TTL_MS).toBe(60_000);
  });

  it('reads the group afresh after forget: a tag just removed is seen at once', async () => {
    const account = fakeAccount({ 'netwarden:protect': 'true' });
    const groups = protectedGroups(policy, account.sg, account.now);
    await groups.lookup('sg-1');

    account.group.tags = {};
    groups.forget('sg-1');
    const after = await groups.lookup('sg-1');

    expect(after?.sections).toEqual([]);
    expect(account.reads).toEqual(['sg-1', 'sg-1']);
  });

  it.each([
    ['no section', policy],
    [
      'only guardrails-only sections',
      parsePolicy(`version: 1
securityGroups:
  - name: everywhere
    select: { all: true }
    guardrailsOnly: true
  - name: front-door
    select: { tags: { "netwarden:protect": "true" } }
`),
    ],
  ])(
    'never caches facts that select %s: a group tagged again elsewhere is judged at once',
    async (_name, withSections) => {
      // Another container handled the CreateTags that protects the group again; this one never saw it.
      const account = fakeAccount({});
      const groups = protectedGroups(withSections, account.sg, account.now);
      const before = await groups.lookup('sg-1');
      expect(before?.sections.some((section) => !section.guardrailsOnly)).toBe(false);

      account.group.tags = { 'netwarden:protect': 'true' };
      const after = await groups.lookup('sg-1');

      expect(after?.sections.map((section) => section.name)).toContain('front-door');
      expect(account.reads).toEqual(['sg-1', 'sg-1']);
    },
  );
});
