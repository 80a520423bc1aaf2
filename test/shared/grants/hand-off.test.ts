/**
 * The hand-off of a grant's slow half (shared/grants/hand-off.ts): the event is read as a bare request
 * id and nothing more, and a worker may act only on a request netwarden recorded as approved that no
 * worker took yet. Pure: the end-to-end tests are in test/functions/slack-interact/grant-request.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { GrantRequestRecord } from '../../../shared/grants/approval';
import { GrantWork, workProblem } from '../../../shared/grants/hand-off';
import { ruleOf } from '../../helpers/factories';

const ID = '0b5f2f6e-8a3c-4d1e-9f00-123456789abc';
const request = (changes: Partial<GrantRequestRecord> = {}): GrantRequestRecord => ({
  id: ID,
  state: 'approved',
  requester: { name: 'bob', slack: 'U034GHIJKL' },
  access: ruleOf({ groupId: 'sg-0db00000000005432', fromPort: 5432, toPort: 5432 }),
  ttlMs: 3_600_000,
  reason: 'INC-42',
  requestedAt: new Date('2026-12-02T00:00:00Z'),
  answerBy: new Date('2026-12-02T00:30:00Z'),
  version: 1,
  ...changes,
});

describe('GrantWork', () => {
  it('is a request id and nothing else', () => {
    expect(GrantWork.safeParse({ work: 'grant-request', requestId: ID }).success).toBe(true);
    for (const forged of [
      { work: 'grant-request', requestId: ID, access: { cidr: '0.0.0.0/0' } },
      { work: 'grant-request', requestId: 'grant#sg-0db00000000005432' },
      { work: 'undo', requestId: ID },
      { requestId: ID },
    ])
      expect(GrantWork.safeParse(forged).success).toBe(false);
  });
});

describe('workProblem', () => {
  it('lets a worker act only on an approved request nobody took', () => {
    expect(workProblem(ID, request())).toBeUndefined();
    expect(workProblem(ID, undefined)).toBe(`no grant request ${ID} is recorded`);
    for (const state of ['pending', 'granted', 'denied', 'timed-out', 'failed', 'expired'] as const)
      expect(workProblem(ID, request({ state }))).toBe(
        `grant request ${ID} is ${state}, not approved: nothing to make`,
      );
    expect(workProblem(ID, request({ workTakenAt: new Date('2026-12-02T00:00:01Z') }))).toBe(
      `grant request ${ID} was taken to be made at 2026-12-02T00:00:01.000Z: nothing more to do`,
    );
  });
});
