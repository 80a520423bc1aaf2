import { describe, expect, it } from 'vitest';
import {
  answerProblem,
  canMove,
  type GrantRequestRecord,
  needsApproval,
  overdue,
} from '../../../shared/grants/approval';
import { GRANT_USAGE, parseGrantCommand } from '../../../shared/grants/slash-command';
import type { GrantPolicy } from '../../../shared/policy/schema';
import { policy } from '../../helpers/grants';

const grants = policy.grants as GrantPolicy;

describe('parseGrantCommand', () => {
  it('reads group, port, source, ttl and the rest of the line as the reason', () => {
    expect(parseGrantCommand('  grant sg-0db00000000005432 5432 203.0.113.7/32 2h INC-1  lag  now ')).toEqual(
      {
        ok: true,
        request: {
          group: 'sg-0db00000000005432',
          port: '5432',
          cidr: '203.0.113.7/32',
          ttl: '2h',
          reason: 'INC-1 lag now',
        },
      },
    );
    expect(
      parseGrantCommand('grant sg-0db00000000005432 5432 sg-0c0ffee0000000002 1h from the gateway'),
    ).toEqual(
      expect.objectContaining({ request: expect.objectContaining({ sourceGroup: 'sg-0c0ffee0000000002' }) }),
    );
  });

  it('decodes Slack’s &amp; &lt; &gt; once, in every field', () => {
    const parsed = parseGrantCommand(
      'grant sg-0db00000000005432 5432 10.0.0.1/32 1h a &amp; b &lt;x&gt; &amp;lt;',
    );
    expect(parsed).toEqual(
      expect.objectContaining({ request: expect.objectContaining({ reason: 'a & b <x> &lt;' }) }),
    );
  });

  it('names every missing field, and refuses other commands', () => {
    expect(parseGrantCommand('grant sg-0db00000000005432 5432')).toEqual({
      ok: false,
      problems: [
        `source is required: ${GRANT_USAGE}`,
        `ttl is required: ${GRANT_USAGE}`,
        `reason is required: ${GRANT_USAGE}`,
      ],
    });
    expect(parseGrantCommand('')).toEqual({ ok: false, problems: [`usage: ${GRANT_USAGE}`] });
    expect(parseGrantCommand('revoke sgr-1')).toEqual({
      ok: false,
      problems: [`command "revoke" is not one netwarden knows: usage ${GRANT_USAGE}`],
    });
  });
});

const request = (fields: Partial<GrantRequestRecord> = {}): GrantRequestRecord => ({
  id: '0f0e0d0c-0b0a-4909-8807-060504030201',
  state: 'pending',
  requester: { name: 'alice', slack: 'U012ABCDEF' },
  access: {
    groupId: 'sg-0db00000000005432',
    direction: 'ingress',
    protocol: 'tcp',
    fromPort: 5432,
    toPort: 5432,
    peer: { type: 'ipv4', cidr: '10.0.0.1/32' },
    tags: {},
  },
  ttlMs: 3_600_000,
  reason: 'INC-1',
  requestedAt: new Date('2026-12-02T10:00:00Z'),
  answerBy: new Date('2026-12-02T10:30:00Z'),
  version: 0,
  ...fields,
});
const at = new Date('2026-12-02T10:10:00Z');

describe('approval', () => {
  it('needs another person who may approve, while the request waits', () => {
    const bob = { name: 'bob', slack: 'U034GHIJKL', may: ['approve'] };
    expect(answerProblem(request(), bob, at)).toBeUndefined();
    expect(answerProblem(request(), { name: 'alice', slack: 'U012ABCDEF', may: ['approve'] }, at)).toBe(
      'alice asked for this grant: another person must approve or deny it',
    );
    expect(answerProblem(request(), { ...bob, may: ['extend'] }, at)).toBe(
      'bob may extend from Slack, not approve (policy people)',
    );
    expect(answerProblem(request({ state: 'denied' }), bob, at)).toBe('the request is already denied');
    expect(answerProblem(request(), bob, new Date('2026-12-02T10:30:00Z'))).toMatch(
      /past its approval timeout/,
    );
  });

  it('is required globally or per group; moves only forward; overdue after the timeout', () => {
    const approval = { required: false, groups: { ids: ['sg-0db00000000003306'] }, timeout: 60_000 };
    expect(needsApproval({ ...grants, approval }, 'sg-0db00000000003306')).toBe(true);
    expect(needsApproval({ ...grants, approval }, 'sg-0db00000000005432')).toBe(false);
    expect(
      needsApproval({ ...grants, approval: { ...approval, required: true } }, 'sg-0db00000000005432'),
    ).toBe(true);
    const { approval: _none, ...without } = grants;
    expect(needsApproval(without, 'sg-0db00000000005432')).toBe(false);
    expect(canMove('pending', 'approved')).toBe(true);
    expect(canMove('denied', 'approved')).toBe(false);
    expect(canMove('granted', 'pending')).toBe(false);
    expect(overdue([request()], at)).toEqual([]);
    expect(overdue([request()], new Date('2026-12-02T10:30:00Z')).map((r) => r.id)).toHaveLength(1);
  });
});
