/** planExpiry over grant records: revoke at expiresAt <= now (exact boundary), warn once inside warnBefore, keep the rest. */
import { describe, expect, it } from 'vitest';
import { alreadyWarned, planExpiry } from '../../../shared/grants/expiry';
import type { GrantRecord } from '../../../shared/grants/record';
import { parsePolicy } from '../../../shared/policy/load';
import type { GrantPolicy } from '../../../shared/policy/schema';
import { ruleOf } from '../../helpers/factories';

const policy = parsePolicy(`version: 1
grants: { ports: [5432], maxTtl: 8h, warnBefore: 15m }
`).grants as GrantPolicy;
const EXPIRY = new Date('2026-11-23T02:00:00Z');
const rule = ruleOf({ ruleId: 'sgr-1', peer: { type: 'ipv4', cidr: '203.0.113.7/32' } });

const grant = (overrides: Partial<GrantRecord> = {}): GrantRecord => ({
  ruleId: 'sgr-1',
  groupId: rule.groupId,
  access: rule,
  status: 'live',
  expiresAt: EXPIRY,
  issuedAt: new Date('2026-11-23T00:00:00Z'),
  createdAt: new Date('2026-11-23T00:00:00Z'),
  owner: 'arn:aws:sts::111122223333:assumed-role/db-oncall/alice',
  reason: 'INC-1',
  version: 2,
  ...overrides,
});
const at = (iso: string) => new Date(iso);
const decision = (g: GrantRecord, now: Date) => {
  const plan = planExpiry([g], now, policy);
  return plan.revoke.length ? 'revoke' : plan.warn.length ? 'warn' : 'keep';
};

describe('planExpiry', () => {
  it('revokes at exactly expiresAt, and not one millisecond before', () => {
    expect(decision(grant({ warnedAt: at('2026-11-23T01:45:00Z') }), EXPIRY)).toBe('revoke');
    expect(decision(grant({ warnedAt: at('2026-11-23T01:45:00Z') }), new Date(EXPIRY.getTime() - 1))).toBe(
      'keep',
    );
    expect(decision(grant(), new Date(EXPIRY.getTime() + 1))).toBe('revoke');
  });

  it('warns from exactly warnBefore ahead of expiry, not a millisecond earlier', () => {
    expect(decision(grant(), at('2026-11-23T01:45:00Z'))).toBe('warn');
    expect(decision(grant(), at('2026-11-23T01:44:59.999Z'))).toBe('keep');
    expect(decision(grant(), at('2026-11-23T01:59:59.999Z'))).toBe('warn');
  });

  it('warns once: a grant marked warned inside the current window is kept', () => {
    const warned = grant({ warnedAt: at('2026-11-23T01:46:00Z') });
    expect(decision(warned, at('2026-11-23T01:50:00Z'))).toBe('keep');
    expect(alreadyWarned(warned, policy)).toBe(true);
  });

  it('warns again after an extension: the old mark predates the new window', () => {
    const extended = grant({ expiresAt: at('2026-11-23T04:00:00Z'), warnedAt: at('2026-11-23T01:46:00Z') });
    expect(decision(extended, at('2026-11-23T02:00:00Z'))).toBe('keep');
    expect(decision(extended, at('2026-11-23T03:45:00Z'))).toBe('warn');
  });

  it('sorts many grants at once', () => {
    const now = at('2026-11-23T01:50:00Z');
    const plan = planExpiry(
      [
        grant({ ruleId: 'expired', expiresAt: at('2026-11-23T01:50:00Z') }),
        grant({ ruleId: 'soon', expiresAt: at('2026-11-23T02:00:00Z') }),
        grant({ ruleId: 'later', expiresAt: at('2026-11-23T03:00:00Z') }),
      ],
      now,
      policy,
    );
    expect({
      revoke: plan.revoke.map((g) => g.ruleId),
      warn: plan.warn.map((g) => g.ruleId),
      keep: plan.keep.map((g) => g.ruleId),
    }).toEqual({ revoke: ['expired'], warn: ['soon'], keep: ['later'] });
  });
});
