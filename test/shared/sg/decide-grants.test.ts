/**
 * decide() with the grant judge built from the state table's answer: grant tags neither protect nor
 * condemn a rule. A rule is approved as a grant only when a record matches it; any other rule with
 * grant tags is judged like every other rule (guardrail, trusted, baseline, drift).
 */
import { describe, expect, it } from 'vitest';
import { recordedGrantIn } from '../../../shared/grants/judge';
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
  requesters: ['arn:aws:sts::*:assumed-role/db-oncall/*']
`);
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
const validTags = {
  'netwarden:grant-expires-at': '2026-11-23T01:00:00Z',
  'netwarden:grant-issued-at': '2026-11-23T00:00:00Z',
  'netwarden:grant-owner': 'alice',
  'netwarden:grant-access': 'tcp 5432 from 203.0.113.7/32',
};
const granted = (overrides: Partial<Rule> = {}, tags: Record<string, string> = {}): Rule => ({
  ...host,
  ...overrides,
  tags: { ...validTags, ...tags },
});

/** `recorded`: the rules the state table says are grants. */
const context = (currentRules?: Rule[], recorded: Rule[] = []): DecideContext => ({
  sections: policy.securityGroups,
  trustedPrincipals: policy.trustedPrincipals,
  selfRoles: ['arn:aws:iam::*:role/netwarden-test-*'],
  exceptions: [],
  now: new Date('2026-11-23T00:30:00Z'),
  isRecordedGrant: recordedGrantIn(recorded),
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
  it('judges a rule added with valid-looking grant tags like any rule: drift, not a grant', () => {
    expect(decide(added(granted()), context())).toMatchObject([{ type: 'revoke', reason: 'drift' }]);
    // Whoever adds it: being listed in grants.requesters is no licence to add rules by hand.
    expect(decide(added(granted(), oncall), context())).toMatchObject([{ type: 'revoke', reason: 'drift' }]);
  });

  it('never revokes for the tags themselves: an approved rule tagged as an expired grant stays approved', () => {
    const approved = { ...baselineRule, tags: { 'netwarden:grant-expires-at': '2026-11-22T00:00:00Z' } };
    expect(decide(modified(approved), context([approved]))).toEqual([
      expect.objectContaining({ type: 'ignore', reason: 'approved' }),
    ]);
  });

  it('approves a recorded grant edited only in its description, and judges one moved to other access as drift', () => {
    const described = granted({ description: 'note' });
    const moved = granted({ peer: { type: 'ipv4', cidr: '198.51.100.9/32' } });

    expect(decide(modified(described), context([baselineRule, described], [host]))).toEqual([
      expect.objectContaining({ type: 'ignore', reason: 'approved' }),
    ]);
    expect(decide(modified(moved), context([baselineRule, moved], [host]))).toMatchObject([
      { type: 'revoke', reason: 'drift' },
    ]);
  });

  it('still lets the guardrail speak first: a grant-tagged rule open to the world is a guardrail breach', () => {
    const world = granted({ peer: { type: 'ipv4', cidr: '0.0.0.0/0' } });
    expect(decide(added(world, oncall), context(undefined, [world]))).toMatchObject([
      { type: 'revoke', reason: 'guardrail' },
    ]);
  });

  it('never consults grants for netwarden’s own calls (grant-access comes back through CloudTrail)', () => {
    const self: Actor = {
      type: 'AssumedRole',
      display: 'nw',
      viaConsole: false,
      roleArn: 'arn:aws:iam::1:role/netwarden-test-grant-access',
    };
    expect(decide(added(granted(), self), context())).toMatchObject([{ type: 'ignore', reason: 'self' }]);
  });
});
