/** decide() is pure: plain values in, decisions out. Precedence and the never-widen rule live here. */
import { describe, expect, it } from 'vitest';
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
    baseline:
      - { ports: 5432, source: sg-0c0ffee0000000002 }
      - { ports: 5432, source: 10.20.0.0/16 }
`);

const person: Actor = {
  type: 'AssumedRole',
  display: 'alice',
  viaConsole: true,
  roleArn: 'arn:aws:iam::1:role/AWSReservedSSO_Admin_1',
};
const terraform: Actor = {
  type: 'AssumedRole',
  display: 'tf',
  viaConsole: false,
  roleArn: 'arn:aws:iam::1:role/terraform-ci',
};
const self: Actor = {
  type: 'AssumedRole',
  display: 'nw',
  viaConsole: false,
  roleArn: 'arn:aws:iam::1:role/netwarden-test-revert-sg-drift',
};

const rule = (overrides: Partial<Rule> = {}): Rule => ruleOf({ ruleId: 'sgr-new', ...overrides });

const added = (rules: Rule[], actor: Actor = person): SgEvent => ({
  eventId: 'e1',
  eventName: 'AuthorizeSecurityGroupIngress',
  actor,
  change: { action: 'added', group: { groupId: GROUP }, direction: 'ingress', created: rules, requested: [] },
});

const context = (overrides: Partial<DecideContext> = {}): DecideContext => ({
  sections: policy.securityGroups,
  trustedPrincipals: policy.trustedPrincipals,
  selfRoles: ['arn:aws:iam::*:role/netwarden-test-*'],
  ...overrides,
});

const kinds = (decisions: ReturnType<typeof decide>) =>
  decisions.map((decision) =>
    decision.type === 'restore' ? 'restore' : `${decision.type}:${decision.reason}`,
  );

describe('decide: added rules', () => {
  it('orders precedence: exception, guardrail, trusted, approved, duplicate, drift', () => {
    expect(kinds(decide(added([rule({ tags: { 'netwarden:ignore': 'INC-1' } })]), context()))).toEqual([
      'report:exception',
    ]);
    expect(kinds(decide(added([rule()], terraform), context()))).toEqual(['revoke:guardrail']);
    expect(
      kinds(decide(added([rule({ peer: { type: 'ipv4', cidr: '172.16.0.0/12' } })], terraform), context())),
    ).toEqual(['ignore:trusted']);
    expect(kinds(decide(added([rule({ peer: { type: 'ipv4', cidr: '10.20.0.0/16' } })]), context()))).toEqual(
      ['ignore:approved'],
    );
    expect(kinds(decide(added([rule({ peer: { type: 'ipv4', cidr: '10.20.5.0/24' } })]), context()))).toEqual(
      ['revoke:duplicate'],
    );
    expect(kinds(decide(added([rule({ peer: { type: 'ipv4', cidr: '10.21.5.0/24' } })]), context()))).toEqual(
      ['revoke:drift'],
    );
  });

  it('groups several rules of one reason into one revoke decision carrying every rule id', () => {
    const decisions = decide(
      added([rule({ ruleId: 'sgr-1' }), rule({ ruleId: 'sgr-2', fromPort: 5432, toPort: 5433 })]),
      context(),
    );
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      type: 'revoke',
      reason: 'guardrail',
      rules: [{ ruleId: 'sgr-1' }, { ruleId: 'sgr-2' }],
    });
  });

  it('uses the current rules, when read, to find duplicates of rules outside the baseline', () => {
    const existing = rule({ ruleId: 'sgr-old', peer: { type: 'ipv4', cidr: '172.16.0.0/12' } });
    const narrower = rule({ peer: { type: 'ipv4', cidr: '172.16.4.0/24' } });
    expect(kinds(decide(added([narrower]), context({ currentRules: [existing, narrower] })))).toEqual([
      'revoke:duplicate',
    ]);
    expect(kinds(decide(added([narrower]), context()))).toEqual(['revoke:drift']);
  });

  it('ignores its own calls and failed calls before anything else', () => {
    expect(kinds(decide(added([rule()], self), context()))).toEqual(['ignore:self']);
    expect(
      kinds(decide({ ...added([rule()]), errorCode: 'Client.UnauthorizedOperation' }, context())),
    ).toEqual(['ignore:failed-call']);
  });

  it('ignores unprotected groups', () => {
    expect(kinds(decide(added([rule()]), context({ sections: [] })))).toEqual(['ignore:unprotected']);
  });

  it('revokes a rule the grant judge calls invalid, and allows one it calls valid', () => {
    const tagged = rule({
      peer: { type: 'ipv4', cidr: '203.0.113.7/32' },
      tags: { 'netwarden:grant-expires-at': 'never' },
    });
    const invalid = context({
      judgeGrant: () => ({ valid: false, problem: 'expires-at "never" is not a date' }),
    });
    expect(kinds(decide(added([tagged]), invalid))).toEqual(['revoke:invalid-grant']);
    expect(kinds(decide(added([tagged]), context({ judgeGrant: () => ({ valid: true }) })))).toEqual([
      'ignore:approved',
    ]);
  });
});

describe('decide: removed rules', () => {
  const removed = (rules: Rule[], actor: Actor = person): SgEvent => ({
    eventId: 'e2',
    eventName: 'RevokeSecurityGroupIngress',
    actor,
    change: {
      action: 'removed',
      group: { groupId: GROUP },
      direction: 'ingress',
      removed: rules,
      ruleIds: [],
    },
  });
  const approvedGroupRule = rule({
    peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000002' },
    ruleId: 'sgr-a',
  });
  const approvedCidrRule = rule({ peer: { type: 'ipv4', cidr: '10.20.0.0/16' }, ruleId: 'sgr-b' });

  it('restores only the approved rules that the event removed and that are missing now', () => {
    const decisions = decide(removed([approvedGroupRule]), context({ currentRules: [approvedCidrRule] }));
    expect(decisions).toMatchObject([
      { type: 'restore', rules: [{ peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000002' } }] },
    ]);
  });

  it('restores nothing that is still present, nothing outside the baseline, and nothing a trusted principal removed', () => {
    expect(
      kinds(
        decide(
          removed([approvedGroupRule]),
          context({ currentRules: [approvedGroupRule, approvedCidrRule] }),
        ),
      ),
    ).toEqual(['ignore:nothing-to-restore']);
    expect(
      kinds(
        decide(
          removed([rule({ peer: { type: 'ipv4', cidr: '8.8.8.8/32' } })]),
          context({ currentRules: [approvedGroupRule, approvedCidrRule] }),
        ),
      ),
    ).toEqual(['ignore:nothing-to-restore']);
    expect(kinds(decide(removed([approvedGroupRule], terraform), context({ currentRules: [] })))).toEqual([
      'ignore:trusted',
    ]);
  });
});

describe('decide: baselines from the policy and from Terraform state', () => {
  it('restores a rule both approve once, so AWS does not refuse the call as a duplicate', () => {
    const approved = ruleOf({
      peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000002' },
      ruleId: 'sgr-a',
    });
    const event: SgEvent = {
      eventId: 'e3',
      eventName: 'RevokeSecurityGroupIngress',
      actor: person,
      change: {
        action: 'removed',
        group: { groupId: GROUP },
        direction: 'ingress',
        removed: [approved],
        ruleIds: [],
      },
    };
    const decisions = decide(
      event,
      context({
        currentRules: [],
        extraBaseline: [{ ...approved, ruleId: undefined, description: 'from state' }],
      }),
    );
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.type === 'restore' && decisions[0].rules).toHaveLength(1);
  });
});
