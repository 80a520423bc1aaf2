/**
 * decide() with the real grant judge: rules carrying grant tags. Invalid tags are drift (revoked as
 * invalid-grant); valid-looking tags on a rule a stranger added are a forged grant; a grantor's valid
 * grant and a grant merely edited without changing its access are allowed.
 */
import { describe, expect, it } from 'vitest';
import { grantTags } from '../../../shared/grants/grant';
import { grantJudge } from '../../../shared/grants/judge';
import { parsePolicy } from '../../../shared/policy/load';
import type { Rule } from '../../../shared/rules/rule';
import type { Actor } from '../../../shared/sg/actor';
import type { SgEvent } from '../../../shared/sg/change';
import { type DecideContext, decide } from '../../../shared/sg/decide';
import { ruleOf } from '../../helpers/factories';

const GROUP = 'sg-0db00000000005432';
const policy = parsePolicy(`version: 1
trustedPrincipals: ['arn:aws:iam::*:role/terraform-*']
securityGroups:
  - name: db
    select: { ids: [${GROUP}] }
    forbid: [{ source: 0.0.0.0/0, ports: [5432] }]
    baseline: [{ ports: 5432, source: sg-0c0ffee0000000002 }]
grants:
  ports: [5432]
  grantors: ['arn:aws:iam::*:role/db-oncall']
`);
const now = new Date('2026-11-23T00:30:00Z');
const person: Actor = {
  type: 'AssumedRole',
  display: 'mallory',
  viaConsole: true,
  roleArn: 'arn:aws:iam::1:role/Admin',
};
const oncall: Actor = {
  type: 'AssumedRole',
  display: 'alice',
  viaConsole: false,
  roleArn: 'arn:aws:iam::1:role/db-oncall',
};

const host = ruleOf({ ruleId: 'sgr-g', peer: { type: 'ipv4', cidr: '203.0.113.7/32' } });
const validTags = grantTags({
  rule: host,
  issuedAt: new Date('2026-11-23T00:00:00Z'),
  expiresAt: new Date('2026-11-23T01:00:00Z'),
  owner: 'alice',
  reason: 'INC-1',
});
const granted = (overrides: Partial<Rule> = {}, tags: Record<string, string> = {}): Rule => ({
  ...host,
  ...overrides,
  tags: { ...validTags, ...tags },
});

const context = (currentRules?: Rule[]): DecideContext => ({
  sections: policy.securityGroups,
  trustedPrincipals: policy.trustedPrincipals,
  selfRoles: ['arn:aws:iam::*:role/netwarden-test-*'],
  judgeGrant: grantJudge(policy.grants, () => now),
  ...(currentRules ? { currentRules } : {}),
});
const added = (rule: Rule, actor: Actor = person): SgEvent => ({
  eventId: 'e1',
  eventName: 'AuthorizeSecurityGroupIngress',
  actor,
  change: {
    action: 'added',
    group: { groupId: GROUP },
    direction: 'ingress',
    created: [rule],
    requested: [],
  },
});
const modified = (rule: Rule, actor: Actor = person): SgEvent => ({
  eventId: 'e2',
  eventName: 'ModifySecurityGroupRules',
  actor,
  change: {
    action: 'modified',
    group: { groupId: GROUP },
    modifications: [
      {
        ruleId: rule.ruleId ?? '',
        protocol: rule.protocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        peer: rule.peer,
      },
    ],
  },
});
const baselineRule = ruleOf({
  ruleId: 'sgr-base',
  peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000002' },
});

describe('decide: rules with grant tags', () => {
  it('revokes a rule whose grant expiry is beyond maxTtl as invalid-grant, saying why', () => {
    const tooLong = granted({}, { 'netwarden:grant-expires-at': '2026-11-23T09:00:00Z' });

    const [decision] = decide(added(tooLong, oncall), context());

    expect(decision).toMatchObject({ type: 'revoke', reason: 'invalid-grant', rules: [tooLong] });
    expect(decision?.why).toContain('ttl 9h exceeds maxTtl 8h');
  });

  it('revokes unparseable expiries and ports that are not grantable as invalid-grant', () => {
    const unparseable = granted({}, { 'netwarden:grant-expires-at': 'in an hour' });
    const port = granted(
      { fromPort: 3306, toPort: 3306 },
      { 'netwarden:grant-access': 'tcp 3306 from 203.0.113.7/32' },
    );

    expect(decide(added(unparseable, oncall), context())).toMatchObject([
      {
        type: 'revoke',
        reason: 'invalid-grant',
        why: expect.stringContaining('"in an hour" is not an ISO-8601 UTC time'),
      },
    ]);
    expect(decide(added(port, oncall), context())).toMatchObject([
      { type: 'revoke', reason: 'invalid-grant', why: expect.stringContaining('port 3306 is not grantable') },
    ]);
  });

  it('revokes valid-looking grant tags on a rule added by someone who is neither netwarden nor a grantor', () => {
    expect(decide(added(granted()), context())).toMatchObject([
      {
        type: 'revoke',
        reason: 'invalid-grant',
        why: expect.stringContaining('neither grant-access nor a grantor'),
      },
    ]);
  });

  it('allows a valid grant added by a listed grantor', () => {
    expect(decide(added(granted(), oncall), context())).toMatchObject([
      { type: 'ignore', reason: 'approved' },
    ]);
  });

  it('revokes a grant someone edited to other access (even narrow), and keeps one edited only in its description', () => {
    const moved = granted({ peer: { type: 'ipv4', cidr: '198.51.100.9/32' } });
    const described = granted({ description: 'note' });

    expect(decide(modified(moved), context([baselineRule, moved]))).toMatchObject([
      {
        type: 'revoke',
        reason: 'invalid-grant',
        why: expect.stringContaining('edited after it was granted'),
      },
    ]);
    expect(decide(modified(described), context([baselineRule, described]))).toEqual([
      expect.objectContaining({ type: 'ignore', reason: 'approved' }),
    ]);
  });

  it('still lets the guardrail speak first: a grant-tagged rule open to the world is a guardrail breach', () => {
    const world = granted({ peer: { type: 'ipv4', cidr: '0.0.0.0/0' } });
    expect(decide(added(world, oncall), context())).toMatchObject([{ type: 'revoke', reason: 'guardrail' }]);
  });

  it('never consults grant tags for netwarden’s own calls (grant-access comes back through CloudTrail)', () => {
    const self: Actor = {
      type: 'AssumedRole',
      display: 'nw',
      viaConsole: false,
      roleArn: 'arn:aws:iam::1:role/netwarden-test-grant-access',
    };
    expect(decide(added(granted(), self), context())).toMatchObject([{ type: 'ignore', reason: 'self' }]);
  });
});
