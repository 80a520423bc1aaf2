/**
 * The hand-off of a grant's slow half (shared/grants/hand-off.ts): the event is read as a bare request
 * id and nothing more, and a worker may act only on a request netwarden recorded as approved that no
 * worker took yet. Pure: the end-to-end tests are in test/functions/slack-interact/grant-request.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { APPROVED_STUCK_AFTER_MS, type GrantRequestRecord } from '../../../shared/grants/approval';
import { GRANT_WORK_WINDOW_MS, GrantWork, workProblem } from '../../../shared/grants/hand-off';
import { ruleOf } from '../../helpers/factories';

const ID = '0b5f2f6e-8a3c-4d1e-9f00-123456789abc';
const APPROVED = new Date('2026-12-02T00:01:00Z');
const NOW = new Date('2026-12-02T00:01:05Z');
const request = (changes: Partial<GrantRequestRecord> = {}): GrantRequestRecord => ({
  id: ID,
  state: 'approved',
  requester: { name: 'bob', slack: 'U034GHIJKL' },
  access: ruleOf({ groupId: 'sg-0db00000000005432', fromPort: 5432, toPort: 5432 }),
  ttlMs: 3_600_000,
  reason: 'INC-42',
  requestedAt: new Date('2026-12-02T00:00:00Z'),
  answerBy: new Date('2026-12-02T00:30:00Z'),
  answeredAt: APPROVED,
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
    expect(workProblem(ID, request(), NOW)).toBeUndefined();
    expect(workProblem(ID, undefined, NOW)).toBe(`no grant request ${ID} is recorded`);
    for (const state of ['pending', 'granted', 'denied', 'timed-out', 'failed', 'expired'] as const)
      expect(workProblem(ID, request({ state }), NOW)).toBe(
        `grant request ${ID} is ${state}, not approved: nothing to make`,
      );
    expect(workProblem(ID, request({ workTakenAt: new Date('2026-12-02T00:00:01Z') }), NOW)).toBe(
      `grant request ${ID} was taken to be made at 2026-12-02T00:00:01.000Z: nothing more to do`,
    );
  });

  it('refuses a request approved GRANT_WORK_WINDOW_MS ago or more, well before the sweep may settle it', () => {
    // The sweep fails an approved request with no grant recorded APPROVED_STUCK_AFTER_MS after its
    // approval: a worker must not be able to start a grant that late (2 minutes to spare).
    expect(APPROVED_STUCK_AFTER_MS - GRANT_WORK_WINDOW_MS).toBe(2 * 60_000);
    const justInTime = new Date(APPROVED.getTime() + GRANT_WORK_WINDOW_MS - 1);
    expect(workProblem(ID, request(), justInTime)).toBeUndefined();
    expect(workProblem(ID, request(), new Date(APPROVED.getTime() + GRANT_WORK_WINDOW_MS))).toBe(
      `grant request ${ID} was approved at 2026-12-02T00:01:00.000Z, over 3m ago: too late to make it (the stuck-request sweep settles it); ask again`,
    );
    const { answeredAt: _answeredAt, ...unanswered } = request();
    expect(workProblem(ID, unanswered, NOW)).toBe(
      `grant request ${ID} records no approval time: nothing to make`,
    );
  });
});
