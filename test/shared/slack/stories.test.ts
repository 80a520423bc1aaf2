/**
 * Stories (shared/slack/stories.ts), pure, fed by the real finding builders: a grant's created,
 * expiring-soon and expired findings of one record share one story key and say where the story stands;
 * a different access is a different story. What anyone in the account can write (the grant's owner and
 * reason) never changes the key. A `netwarden undo` of a revert (undo.ts's own finding) continues the
 * revert's story.
 */
import { describe, expect, it } from 'vitest';
import { closedFinding, expiringFinding, grantedFinding } from '../../../shared/grants/findings';
import type { GrantRecord } from '../../../shared/grants/record';
import { undoneFinding } from '../../../shared/safety/undo';
import { findingStory } from '../../../shared/slack/stories';
import { ruleOf } from '../../helpers/factories';
import { revokeEntry } from '../../helpers/journal';

const now = new Date('2026-12-02T00:00:00Z');
const record: GrantRecord = {
  groupId: 'sg-0db00000000005432',
  access: ruleOf({ peer: { type: 'ipv4', cidr: '203.0.113.7/32' } }),
  status: 'live',
  ruleId: 'sgr-0123456789abcdef0',
  owner: 'arn:aws:iam::111122223333:user/alice',
  reason: 'INC-1',
  issuedAt: now,
  expiresAt: new Date('2026-12-02T01:00:00Z'),
  createdAt: now,
  version: 1,
};
const base = { mode: 'enforce' as const, now };
const created = (r: GrantRecord) =>
  grantedFinding(r, { ...base, extended: false, outcome: 'acted', actions: [], ttlMs: 3_600_000 });
const expired = (r: GrantRecord) =>
  closedFinding(r, { ...base, kind: 'grant.expired', outcome: 'acted', why: 'its time was up' });

describe('a grant’s story', () => {
  it('created opens it, expiring soon continues it, expired ends it, all under one key', () => {
    const places = [created(record), expiringFinding(record, base), expired(record)].map(findingStory);

    expect(places.map((p) => p?.step)).toEqual(['opens', 'continues', 'ends']);
    expect(places.map((p) => p?.stands)).toEqual(['granted', 'expiring soon', 'expired (access closed)']);
    expect(new Set(places.map((p) => p?.key)).size).toBe(1);
    expect(places[0]?.key).toMatch(/^grant#sg-0db00000000005432#/);
  });

  it('is keyed by the access, not by what the owner wrote', () => {
    const other = { ...record, owner: 'arn:aws:iam::111122223333:user/mallory', reason: 'alarm#arn:x' };
    expect(findingStory(created(other))?.key).toBe(findingStory(created(record))?.key);
    const port = { ...record, access: { ...record.access, fromPort: 22, toPort: 22 } };
    expect(findingStory(created(port))?.key).not.toBe(findingStory(created(record))?.key);
  });
});

describe('a revert’s story', () => {
  it('a netwarden undo of the revert continues the revert’s story, from what the journal recorded', () => {
    const entry = revokeEntry({
      at: '2026-12-02T00:00:00.000Z',
      eventId: 'ct-event-1',
      groupId: 'sg-0db00000000005432',
      ruleId: 'sgr-0123456789abcdef0',
      rule: { protocol: 'tcp', port: 5432, cidr: '203.0.113.7/32' },
    });
    const step = {
      verdict: 'reverse' as const,
      entry,
      reversal: {
        type: 'authorize' as const,
        groupId: entry.resource,
        direction: 'ingress' as const,
        rules: [ruleOf({ peer: { type: 'ipv4', cidr: '203.0.113.7/32' } })],
      },
      call: entry.inverse as Extract<typeof entry.inverse, { service: string }>,
    };
    const context = { now, undoId: 'undo-1', by: 'arn:aws:iam::111122223333:user/alice' };
    const revert = { ...created(record), kind: 'sg.drift' as const, eventId: 'ct-event-1' };

    expect(findingStory(revert)).toEqual({ key: 'revert#ct-event-1', step: 'opens', stands: 'reverted' });
    expect(findingStory(undoneFinding(step, 'acted', context))).toEqual({
      key: 'revert#ct-event-1',
      step: 'continues',
      stands: 'undone (netwarden undo)',
    });
    expect(
      findingStory(undoneFinding(step, 'failed', { ...context, error: 'InvalidGroup.NotFound' }))?.stands,
    ).toBe('undo failed: needs a person');
  });
});
