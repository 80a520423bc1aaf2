/** The policy's `people` section: Slack user ids, what each may do, one person per id. */
import { describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy } from '../../../shared/policy/load';
import { personOf } from '../../../shared/policy/people';

describe('people', () => {
  it('reads the shipped policy’s people and finds a person by Slack user id only', () => {
    const { people } = loadPolicy('netwarden.policy.yml');
    expect(personOf(people, 'U012ABCDEF')).toEqual({
      name: 'alice',
      slack: 'U012ABCDEF',
      may: ['undo', 'extend', 'revoke', 'request', 'approve'],
    });
    expect(personOf(people, 'alice')).toBeUndefined();
  });

  it('defaults to nobody, so no button acts until someone is listed', () => {
    expect(parsePolicy('version: 1\n').people).toEqual([]);
  });

  it('refuses a name instead of an id and an unknown action, naming each', () => {
    expect(() =>
      parsePolicy(`version: 1
people:
  - { name: alice, slack: "@alice", may: [undo] }
  - { name: bob, slack: U034GHIJKL, may: [deny] }
`),
    ).toThrowError(
      [
        'netwarden.policy.yml is invalid:',
        'policy.people[0].slack: expected a Slack user id like U012ABCDEF, found "@alice"',
        'policy.people[1].may[0]: Invalid option: expected one of "undo"|"extend"|"revoke"|"request"|"approve", found "deny"',
      ].join('\n'),
    );
  });

  it('refuses one Slack user listed as two people', () => {
    expect(() =>
      parsePolicy(`version: 1
people:
  - { name: bob, slack: U034GHIJKL, may: [extend] }
  - { name: carol, slack: U034GHIJKL, may: [revoke] }
`),
    ).toThrowError(/policy\.people\[1\]\.slack: slack U034GHIJKL is listed twice: one person per Slack user/);
  });
});
