/** Grant requests validated against policy.grants: every problem named by field and value, all at once. */
import { describe, expect, it } from 'vitest';
import { type GrantRequest, requesterProblem, validateGrantRequest } from '../../../shared/grants/request';
import { parsePolicy } from '../../../shared/policy/load';
import type { GrantPolicy } from '../../../shared/policy/schema';

const policy = parsePolicy(`version: 1
grants:
  ports: [3306, 5432, 6379, 27017]
  defaultTtl: 1h
  maxTtl: 8h
  warnBefore: 15m
  groups: { ids: [sg-0db00000000005432] }
  sourceGroups: { ids: [sg-0c0ffee0000000002] }
`).grants as GrantPolicy;
const now = new Date('2026-11-23T00:00:00.400Z');
/** The principal the Function URL verified: the owner, never a request field. */
const ALICE = 'arn:aws:sts::111122223333:assumed-role/db-oncall/alice@example.com';

const request = (overrides: Partial<GrantRequest> = {}): GrantRequest => ({
  group: 'sg-0db00000000005432',
  port: 5432,
  cidr: '203.0.113.7/32',
  ttl: '2h',
  reason: 'INC-4821 replication lag',
  ...overrides,
});

const problemsOf = (overrides: Partial<GrantRequest>) => {
  const result = validateGrantRequest(request(overrides), policy, now, ALICE);
  return result.ok ? [] : result.problems;
};

describe('validateGrantRequest', () => {
  it('accepts a narrow grant: a tcp ingress rule expiring ttl after now, in whole seconds', () => {
    const result = validateGrantRequest(request(), policy, now, ALICE);

    expect(result).toEqual({
      ok: true,
      grant: {
        rule: {
          groupId: 'sg-0db00000000005432',
          direction: 'ingress',
          protocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          peer: { type: 'ipv4', cidr: '203.0.113.7/32' },
          description: `netwarden grant for ${ALICE}`,
          tags: {},
        },
        ttlMs: 7_200_000,
        issuedAt: new Date('2026-11-23T00:00:00Z'),
        expiresAt: new Date('2026-11-23T02:00:00Z'),
        owner: ALICE,
        reason: 'INC-4821 replication lag',
      },
    });
  });

  it('names the field and the value: ttl 9h exceeds maxTtl 8h', () => {
    expect(problemsOf({ ttl: '9h' })).toEqual(['ttl 9h exceeds maxTtl 8h']);
  });

  it('refuses a ttl shorter than minTtl (5m by default), naming the field: a 1s grant could expire before it is recorded', () => {
    expect(problemsOf({ ttl: '1s' })).toEqual(['ttl 1s is shorter than minTtl 5m']);
    expect(problemsOf({ ttl: '4m59s' })).toEqual(['ttl 4m59s is shorter than minTtl 5m']);
    expect(problemsOf({ ttl: '5m' })).toEqual([]);
  });

  it('accepts ttl exactly maxTtl and refuses one second more', () => {
    expect(problemsOf({ ttl: '8h' })).toEqual([]);
    expect(problemsOf({ ttl: '8h1s' })).toEqual(['ttl 8h1s exceeds maxTtl 8h']);
  });

  it('names the field and the value: cidr 0.0.0.0/0 is not allowed, and ::/0 likewise', () => {
    expect(problemsOf({ cidr: '0.0.0.0/0' })).toEqual(['cidr 0.0.0.0/0 is not allowed']);
    expect(problemsOf({ cidr: '::/0' })).toEqual(['cidr ::/0 is not allowed']);
    // AWS would store 10.1.2.3/0 as 0.0.0.0/0: judged on the canonical network, not the text.
    expect(problemsOf({ cidr: '10.1.2.3/0' })).toEqual(['cidr 0.0.0.0/0 is not allowed']);
  });

  it('names the field and the value: port 22 is not grantable', () => {
    expect(problemsOf({ port: 22 })).toEqual(['port 22 is not grantable']);
    expect(problemsOf({ port: '22' })).toEqual(['port 22 is not grantable']);
  });

  it('refuses a CIDR wider than grants.minPrefixLength (/24 and /64 by default) and accepts the limit', () => {
    expect(problemsOf({ cidr: '203.0.112.0/23' })).toEqual([
      'cidr 203.0.112.0/23 is not allowed: wider than /24 (grants.minPrefixLength.ipv4)',
    ]);
    expect(problemsOf({ cidr: '203.0.113.0/24' })).toEqual([]);
    expect(problemsOf({ cidr: '2001:db8::/63' })).toEqual([
      'cidr 2001:db8::/63 is not allowed: wider than /64 (grants.minPrefixLength.ipv6)',
    ]);
    expect(problemsOf({ cidr: '2001:db8::7' })).toEqual([]);
  });

  it('takes a bare address as a single host and a listed security group as a source', () => {
    const host = validateGrantRequest(request({ cidr: '203.0.113.7' }), policy, now, ALICE);
    expect(host.ok && host.grant.rule.peer).toEqual({ type: 'ipv4', cidr: '203.0.113.7/32' });
    const group = validateGrantRequest(
      request({ cidr: undefined, sourceGroup: 'sg-0c0ffee0000000002' }),
      policy,
      now,
      ALICE,
    );
    expect(group.ok && group.grant.rule.peer).toEqual({
      type: 'security-group',
      groupId: 'sg-0c0ffee0000000002',
    });
  });

  it('refuses a source group that grants.sourceGroups does not list, naming the group and the field', () => {
    // A whole fleet (or a group in a peered VPC) is as wide as a /0 can be: only a listed id is a source.
    expect(problemsOf({ cidr: undefined, sourceGroup: 'sg-0a990000000000001' })).toEqual([
      'sourceGroup sg-0a990000000000001 is not allowed: not in grants.sourceGroups.ids',
    ]);
  });

  it('refuses every source group when the policy lists none (the default)', () => {
    const noSourceGroups = parsePolicy(`version: 1
grants: { ports: [5432], groups: { ids: [sg-0db00000000005432] } }
`).grants as GrantPolicy;
    expect(noSourceGroups.sourceGroups).toEqual({ ids: [] });
    const result = validateGrantRequest(
      request({ cidr: undefined, sourceGroup: 'sg-0c0ffee0000000002' }),
      noSourceGroups,
      now,
      ALICE,
    );
    expect(result).toEqual({
      ok: false,
      problems: ['sourceGroup sg-0c0ffee0000000002 is not allowed: not in grants.sourceGroups.ids'],
    });
  });

  it('uses defaultTtl when no ttl is given', () => {
    const result = validateGrantRequest(request({ ttl: undefined }), policy, now, ALICE);
    expect(result.ok && result.grant.expiresAt).toEqual(new Date('2026-11-23T01:00:00Z'));
  });

  it('collects every problem, not just the first', () => {
    expect(problemsOf({ group: 'rds', port: 22, cidr: '0.0.0.0/0', ttl: '9h', reason: ' ' })).toEqual([
      'group "rds" is not a security group id (sg-…)',
      'port 22 is not grantable',
      'cidr 0.0.0.0/0 is not allowed',
      'ttl 9h exceeds maxTtl 8h',
      'reason is required',
    ]);
  });

  it('refuses both or neither source, junk values and over-long text, naming each', () => {
    expect(problemsOf({ sourceGroup: 'sg-0c0ffee0000000002' })).toEqual([
      'source: give cidr or sourceGroup, not both (cidr 203.0.113.7/32, sourceGroup sg-0c0ffee0000000002)',
    ]);
    expect(problemsOf({ cidr: undefined })).toEqual([
      'source is required: cidr (a host or a narrow CIDR) or sourceGroup',
    ]);
    expect(problemsOf({ cidr: '203.0.113.300/32', port: 'pg', ttl: 'soon', sourceGroup: undefined })).toEqual(
      [
        'port "pg" is not a port number',
        'cidr "203.0.113.300/32" is not an IPv4 or IPv6 address or CIDR',
        'ttl "soon" is not a duration like 90s, 15m, 1h or 1h30m',
      ],
    );
    expect(problemsOf({ reason: 'x'.repeat(257) })).toEqual([
      'reason is too long (257 characters, at most 256)',
    ]);
    expect(problemsOf({ reason: 'a\nbc' })).toEqual(['reason "a\\nbc" contains control characters']);
    expect(problemsOf({ sourceGroup: 'db-sg', cidr: undefined })).toEqual([
      'sourceGroup "db-sg" is not a security group id (sg-…)',
    ]);
  });

  it('refuses a group that grants.groups does not list, by id (a name or a tag never makes a group grantable)', () => {
    expect(problemsOf({ group: 'sg-0c0ffee0000000001' })).toEqual([
      'group sg-0c0ffee0000000001 is not grantable (not in grants.groups.ids)',
    ]);
  });

  it('refuses everything when the policy has no grants section', () => {
    expect(validateGrantRequest(request(), undefined, now, ALICE)).toEqual({
      ok: false,
      problems: ['grants are not enabled: the policy has no grants section'],
    });
  });
});

describe('requesterProblem', () => {
  const allowed = { requesters: ['arn:aws:sts::*:assumed-role/db-oncall/*'], accounts: ['111122223333'] };

  it('accepts a listed principal of the account, and names any other', () => {
    expect(requesterProblem({ arn: ALICE, accountId: '111122223333' }, allowed)).toBeUndefined();
    const dev = 'arn:aws:sts::111122223333:assumed-role/developer/bob';
    expect(requesterProblem({ arn: dev, accountId: '111122223333' }, allowed)).toBe(
      `principal ${dev} may not request grants (it matches none of grants.requesters)`,
    );
  });

  it('keeps * within one ARN segment: a role path or a longer name does not match', () => {
    for (const arn of [
      'arn:aws:sts::111122223333:assumed-role/db-oncall-evil/x',
      'arn:aws:sts::111122223333:assumed-role/db-oncall/x/y',
    ])
      expect(requesterProblem({ arn, accountId: '111122223333' }, allowed)).toMatch(/may not request grants/);
  });

  it('refuses another account even where the glob says * for it', () => {
    const arn = 'arn:aws:sts::999988887777:assumed-role/db-oncall/eve';
    expect(requesterProblem({ arn, accountId: '999988887777' }, allowed)).toBe(
      `principal ${arn} is from account 999988887777, which this policy does not act for (111122223333)`,
    );
  });
});
