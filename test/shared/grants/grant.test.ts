/** parseGrant: a rule with grant tags is a valid grant or a list of every problem with it. */
import { describe, expect, it } from 'vitest';
import { grantTags, parseGrant } from '../../../shared/grants/grant';
import { GRANT_TAGS } from '../../../shared/grants/tags';
import { parsePolicy } from '../../../shared/policy/load';
import type { GrantPolicy } from '../../../shared/policy/schema';
import type { Rule } from '../../../shared/rules/rule';
import { ruleOf } from '../../helpers/factories';

const policy = parsePolicy(`version: 1
grants: { ports: [3306, 5432], maxTtl: 8h, warnBefore: 15m }
`).grants as GrantPolicy;
const now = new Date('2026-11-23T01:00:00Z');

/** A grant of 5432 to one host, issued at midnight for two hours, with overrides on rule or tags. */
function granted(overrides: Partial<Rule> = {}, tags: Record<string, string | undefined> = {}): Rule {
  const base = ruleOf({ ruleId: 'sgr-0000000000000000a', peer: { type: 'ipv4', cidr: '203.0.113.7/32' } });
  const rule = { ...base, ...overrides };
  const merged: Record<string, string> = {
    ...grantTags({
      rule: base,
      issuedAt: new Date('2026-11-23T00:00:00Z'),
      expiresAt: new Date('2026-11-23T02:00:00Z'),
      owner: 'alice@example.com',
      reason: 'INC-4821',
    }),
  };
  for (const [key, value] of Object.entries(tags)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return { ...rule, tags: merged };
}

const problemsOf = (rule: Rule) => {
  const parsed = parseGrant(rule, policy, now);
  return parsed.ok ? [] : parsed.problems;
};

describe('grantTags', () => {
  it('writes ISO-8601 UTC times to the second, the owner, the reason and the access granted', () => {
    expect(granted().tags).toEqual({
      'netwarden:grant-expires-at': '2026-11-23T02:00:00Z',
      'netwarden:grant-issued-at': '2026-11-23T00:00:00Z',
      'netwarden:grant-owner': 'alice@example.com',
      'netwarden:grant-reason': 'INC-4821',
      'netwarden:grant-access': 'tcp 5432 from 203.0.113.7/32',
    });
  });
});

describe('parseGrant', () => {
  it('reads a valid grant back from its tags', () => {
    const parsed = parseGrant(granted({}, { [GRANT_TAGS.warnedAt]: '2026-11-23T01:45:00Z' }), policy, now);
    expect(parsed).toMatchObject({
      ok: true,
      grant: {
        ruleId: 'sgr-0000000000000000a',
        groupId: 'sg-0db00000000005432',
        port: 5432,
        source: { type: 'ipv4', cidr: '203.0.113.7/32' },
        expiresAt: new Date('2026-11-23T02:00:00Z'),
        issuedAt: new Date('2026-11-23T00:00:00Z'),
        owner: 'alice@example.com',
        reason: 'INC-4821',
        warnedAt: new Date('2026-11-23T01:45:00Z'),
      },
    });
  });

  it('an expired grant is still a valid grant (expiry is planExpiry’s business)', () => {
    expect(parseGrant(granted(), policy, new Date('2026-11-23T05:00:00Z')).ok).toBe(true);
  });

  it('reports a missing or unparseable expiry', () => {
    expect(problemsOf(granted({}, { [GRANT_TAGS.expiresAt]: undefined }))).toEqual([
      'netwarden:grant-expires-at is missing',
    ]);
    expect(problemsOf(granted({}, { [GRANT_TAGS.expiresAt]: 'tomorrow' }))).toEqual([
      'netwarden:grant-expires-at "tomorrow" is not an ISO-8601 UTC time',
    ]);
    // A local time or an offset is not UTC: refused rather than guessed at.
    expect(problemsOf(granted({}, { [GRANT_TAGS.expiresAt]: '2026-11-23T02:00:00+09:00' }))).toEqual([
      'netwarden:grant-expires-at "2026-11-23T02:00:00+09:00" is not an ISO-8601 UTC time',
    ]);
  });

  it('reports an expiry further than maxTtl from its issue time', () => {
    expect(problemsOf(granted({}, { [GRANT_TAGS.expiresAt]: '2026-11-23T09:00:00Z' }))).toEqual([
      'ttl 9h exceeds maxTtl 8h (netwarden:grant-issued-at → netwarden:grant-expires-at)',
    ]);
    expect(problemsOf(granted({}, { [GRANT_TAGS.expiresAt]: '2026-11-23T08:00:00Z' }))).toEqual([]);
  });

  it('reports an expiry further than maxTtl from now, whatever the issue time claims (tags edited by hand)', () => {
    const forged = granted(
      {},
      { [GRANT_TAGS.issuedAt]: '2026-11-23T04:00:00Z', [GRANT_TAGS.expiresAt]: '2026-11-23T12:00:00Z' },
    );
    expect(problemsOf(forged)).toEqual([
      'netwarden:grant-issued-at 2026-11-23T04:00:00Z is in the future',
      'netwarden:grant-expires-at 2026-11-23T12:00:00Z is more than maxTtl 8h from now',
    ]);
  });

  it('tolerates a few minutes of clock skew between the issuing clock and this one', () => {
    const ahead = granted(
      {},
      { [GRANT_TAGS.issuedAt]: '2026-11-23T01:04:00Z', [GRANT_TAGS.expiresAt]: '2026-11-23T09:04:00Z' },
    );
    expect(problemsOf(ahead)).toEqual([]);
  });

  it('reports a port that is not grantable and a source that is too wide', () => {
    const wide = granted({ fromPort: 22, toPort: 22, peer: { type: 'ipv4', cidr: '0.0.0.0/0' } });
    expect(problemsOf(wide)).toEqual([
      'port 22 is not grantable',
      'cidr 0.0.0.0/0 is not allowed',
      'netwarden:grant-access "tcp 5432 from 203.0.113.7/32" does not match the rule (tcp 22 from 0.0.0.0/0): it was edited after it was granted',
    ]);
  });

  it('reports a rule edited after it was granted, even to another narrow source', () => {
    expect(problemsOf(granted({ peer: { type: 'ipv4', cidr: '198.51.100.9/32' } }))).toEqual([
      'netwarden:grant-access "tcp 5432 from 203.0.113.7/32" does not match the rule (tcp 5432 from 198.51.100.9/32): it was edited after it was granted',
    ]);
  });

  it('reports missing owner and reason, and non-tcp or egress rules', () => {
    expect(problemsOf(granted({}, { [GRANT_TAGS.owner]: undefined, [GRANT_TAGS.reason]: ' ' }))).toEqual([
      'netwarden:grant-owner is missing',
      'netwarden:grant-reason is missing',
    ]);
    expect(problemsOf(granted({ direction: 'egress', protocol: '-1', fromPort: -1, toPort: -1 }))).toContain(
      'direction egress: a grant is an ingress rule',
    );
  });
});
