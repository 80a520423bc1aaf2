/**
 * recheckProblems (shared/grants/approval.ts): what a recorded request must still satisfy when its
 * grant is made, the approval included. Pure: the shipped policy (approval required; alice and bob
 * may request and approve), varied per case. End to end: test/functions/slack-interact/grant-request.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type GrantRequestRecord, recheckProblems } from '../../../shared/grants/approval';
import type { Policy } from '../../../shared/policy/schema';
import { GROUPS } from '../../../simulated-account/index';
import { grantedAccess, policy } from '../../helpers/grants';

const NOW = new Date('2026-12-02T00:01:00Z');
const ALICE = { name: 'alice', slack: 'U012ABCDEF' };
const BOB = { name: 'bob', slack: 'U034GHIJKL' };
const request = (changes: Partial<GrantRequestRecord> = {}): GrantRequestRecord => ({
  id: '0b5f2f6e-8a3c-4d1e-9f00-123456789abc',
  state: 'approved',
  requester: ALICE,
  access: grantedAccess(GROUPS.postgres, '10.44.0.7/32'),
  ttlMs: 3_600_000,
  reason: 'INC-42 replication lag',
  requestedAt: new Date('2026-12-02T00:00:00Z'),
  answerBy: new Date('2026-12-02T00:30:00Z'),
  answeredBy: BOB,
  answeredAt: NOW,
  version: 2,
  ...changes,
});
const withPeople = (people: Policy['people']): Policy => ({ ...policy, people });

describe('recheckProblems and the approval', () => {
  it('passes a request approved by another listed person who may approve', () => {
    expect(recheckProblems(request(), policy, NOW)).toEqual([]);
  });

  it('refuses a request nobody approved where the policy now requires approval', () => {
    const { answeredBy: _answeredBy, ...unapproved } = request();
    expect(recheckProblems(unapproved, policy, NOW)).toEqual([
      `grants.approval now requires another person's approval for ${GROUPS.postgres}, and nobody approved this request: ask again`,
    ]);
    const noApproval: Policy = {
      ...policy,
      ...(policy.grants ? { grants: { ...policy.grants, approval: undefined } } : {}),
    };
    expect(recheckProblems(unapproved, noApproval, NOW)).toEqual([]);
  });

  it('refuses an approver no longer listed, no longer allowed to approve, or who is the requester', () => {
    const alice = policy.people.find((person) => person.slack === ALICE.slack);
    const bob = policy.people.find((person) => person.slack === BOB.slack);
    if (!alice || !bob) throw new Error('the shipped policy lists alice and bob');
    expect(recheckProblems(request(), withPeople([alice]), NOW)).toEqual([
      "the approver bob is no longer one of the policy's people",
    ]);
    expect(recheckProblems(request(), withPeople([alice, { ...bob, may: ['extend'] }]), NOW)).toEqual([
      'the approver bob may no longer approve (policy people: may extend)',
    ]);
    expect(recheckProblems(request({ answeredBy: ALICE }), policy, NOW)).toEqual([
      'alice asked for this grant: another person must approve it',
    ]);
  });
});
