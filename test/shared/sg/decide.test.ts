/** decide() is pure: plain values in, decisions out. Precedence and the never-widen rule live here. */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../shared/policy/load';
import type { Rule } from '../../../shared/rules/rule';
import type { Actor } from '../../../shared/sg/actor';
import type { SgEvent } from '../../../shared/sg/change';
import { type DecideContext, decide, guardrailsDecide } from '../../../shared/sg/decide';
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
exceptions:
  - group: ${GROUP}
    rule: { ports: 5432, source: 0.0.0.0/0 }
    reason: INC-4711 vendor migration
    expires: 2026-12-31
  - group: ${GROUP}
    rule: { ports: 5432, source: 192.0.2.0/24 }
    reason: CHG-7 lab hosts
    expires: 2026-11-01
`);
const NOW = new Date('2026-11-23T01:00:00Z');

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
  exceptions: [],
  now: NOW,
  ...overrides,
});

const kinds = (decisions: ReturnType<typeof decide>) =>
  decisions.map((decision) =>
    decision.type === 'restore' ? 'restore' : `${decision.type}:${decision.reason}`,
  );

describe('decide: added rules', () => {
  it('orders precedence: policy exception, guardrail, trusted, approved, duplicate, drift', () => {
    expect(kinds(decide(added([rule()]), context({ exceptions: policy.exceptions })))).toEqual([
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

  it('allows a recorded grant, and judges a grant-tagged rule without a record like any other', () => {
    const tagged = rule({
      peer: { type: 'ipv4', cidr: '203.0.113.7/32' },
      tags: { 'netwarden:grant-expires-at': '2099-01-01T00:00:00Z' },
    });
    expect(kinds(decide(added([tagged]), context({ isRecordedGrant: () => true })))).toEqual([
      'ignore:approved',
    ]);
    expect(kinds(decide(added([tagged]), context({ isRecordedGrant: () => false })))).toEqual([
      'revoke:drift',
    ]);
  });
});

describe('decide: exceptions live in the policy, not in tags', () => {
  const withExceptions = context({ exceptions: policy.exceptions });

  it('leaves a rule a policy exception in force covers alone, even a guardrail breach, and says which exception', () => {
    const [decision] = decide(added([rule()]), withExceptions);
    expect(decision).toMatchObject({ type: 'report', reason: 'exception', guardrailBreach: true });
    expect(decision?.why).toBe(
      'tcp 5432 from 0.0.0.0/0 is exempted by the exception policy.exceptions[0] ("INC-4711 vendor migration"), until 2026-12-31, although it breaches the guardrail forbid[0] of "db"; left alone and listed in the weekly audit',
    );
  });

  it('applies an exception only to its own group and exactly the access it names', () => {
    const wider = rule({ fromPort: 5432, toPort: 5433 });
    expect(kinds(decide(added([wider]), withExceptions))).toEqual(['revoke:guardrail']);
    const otherGroup: SgEvent = {
      ...added([rule({ groupId: 'sg-0db00000000003306' })]),
      change: {
        action: 'added',
        group: { groupId: 'sg-0db00000000003306' },
        direction: 'ingress',
        created: [rule({ groupId: 'sg-0db00000000003306' })],
        requested: [],
      },
    };
    expect(kinds(decide(otherGroup, withExceptions))).toEqual(['revoke:guardrail']);
  });

  it('stops honouring an exception at its expiry and reports it, naming the exception and the day', () => {
    const expired = context({ exceptions: policy.exceptions, now: new Date('2026-12-31T00:00:00Z') });
    expect(kinds(decide(added([rule()]), expired))).toEqual(['revoke:guardrail', 'report:exception-expired']);
    const lab = rule({ peer: { type: 'ipv4', cidr: '192.0.2.0/24' } });
    const decisions = decide(added([lab]), withExceptions);
    expect(kinds(decisions)).toEqual(['revoke:drift', 'report:exception-expired']);
    expect(decisions[1]?.why).toBe(
      'the exception policy.exceptions[1] ("CHG-7 lab hosts") for tcp 5432 from 192.0.2.0/24 expired on 2026-11-01 and no longer applies, so the rule was judged like any other; renew it (a later expires) or remove it from the policy',
    );
  });

  it('exempts nothing for a netwarden:ignore tag: the rule is judged like any other, and the tag is reported', () => {
    const tagged = rule({ tags: { 'netwarden:ignore': 'INC-4711 vendor migration' } });
    const decisions = decide(added([tagged]), context());
    expect(kinds(decisions)).toEqual(['revoke:guardrail', 'report:ignore-tag']);
    expect(decisions[1]).toMatchObject({ groupId: GROUP, rules: [tagged], guardrailBreach: true });
    expect(decisions[1]?.why).toContain(
      'carries the tag netwarden:ignore = "INC-4711 vendor migration", which exempts nothing',
    );
    expect(decisions[1]?.why).toContain("add it to the policy's exceptions");
    const drift = rule({ peer: { type: 'ipv4', cidr: '10.21.5.0/24' }, tags: { 'netwarden:ignore': '' } });
    expect(kinds(decide(added([drift]), context()))).toEqual(['revoke:drift', 'report:ignore-tag']);
  });

  it('judges a tagged rule that was edited (ModifySecurityGroupRules) the same way', () => {
    const tagged = rule({ ruleId: 'sgr-edit', tags: { 'netwarden:ignore': 'please' } });
    const event: SgEvent = {
      eventId: 'e4',
      eventName: 'ModifySecurityGroupRules',
      actor: person,
      change: {
        action: 'modified',
        group: { groupId: GROUP },
        modifications: [
          { ruleId: 'sgr-edit', protocol: 'tcp', fromPort: 5432, toPort: 5432, peer: tagged.peer },
        ],
      },
    };
    const decisions = decide(event, context({ currentRules: [tagged] }));
    expect(kinds(decisions)).toEqual(['revoke:guardrail', 'report:ignore-tag', 'restore']);
  });
});

describe('decide: a restore never breaches a guardrail', () => {
  const worldSsh = ruleOf({ fromPort: 22, toPort: 22, description: 'from Terraform state' });
  const nlbPolicy = parsePolicy(`version: 1
securityGroups:
  - name: world
    select: { all: true }
    guardrailsOnly: true
    forbid: [{ source: 0.0.0.0/0, ports: [22] }]
  - name: nlb
    select: { ids: [${GROUP}] }
`);
  const approved = ruleOf({ fromPort: 443, toPort: 443, peer: { type: 'ipv4', cidr: '10.20.1.0/24' } });
  const nlbContext = (overrides: Partial<DecideContext> = {}) =>
    context({ sections: nlbPolicy.securityGroups, extraBaseline: [approved, worldSsh], ...overrides });

  it('reports, and does not restore, a removed Terraform-state rule that a guardrail forbids', () => {
    const event: SgEvent = {
      eventId: 'e5',
      eventName: 'RevokeSecurityGroupIngress',
      actor: person,
      change: {
        action: 'removed',
        group: { groupId: GROUP },
        direction: 'ingress',
        removed: [worldSsh],
        ruleIds: [],
      },
    };
    const decisions = decide(event, nlbContext({ currentRules: [approved] }));
    expect(decisions).toEqual([
      {
        type: 'report',
        reason: 'forbidden-baseline',
        groupId: GROUP,
        rules: [worldSsh],
        guardrailBreach: true,
        why: 'tcp 22 from 0.0.0.0/0 is approved by Terraform state but forbidden by the guardrail forbid[0] of "world", so netwarden does not restore it; remove it from Terraform state',
      },
    ]);
  });

  it('on a description-only edit, restores only what no guardrail forbids and reports the rest', () => {
    const edited = { ...approved, ruleId: 'sgr-443', description: 'new words' };
    const event: SgEvent = {
      eventId: 'e6',
      eventName: 'ModifySecurityGroupRules',
      actor: person,
      change: {
        action: 'modified',
        group: { groupId: GROUP },
        modifications: [
          { ruleId: 'sgr-443', protocol: 'tcp', fromPort: 443, toPort: 443, peer: approved.peer },
        ],
      },
    };
    expect(kinds(decide(event, nlbContext({ currentRules: [edited] })))).toEqual([
      'ignore:approved',
      'report:forbidden-baseline',
    ]);
    const withoutApproved = decide(event, nlbContext({ currentRules: [edited], extraBaseline: [worldSsh] }));
    expect(withoutApproved.some((decision) => decision.type === 'restore')).toBe(false);
  });

  it('never treats a forbidden baseline rule as approved: added by hand, it is revoked', () => {
    expect(kinds(decide(added([worldSsh]), nlbContext()))).toEqual(['revoke:guardrail']);
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

describe('decide: a prefix list hides what it holds', () => {
  const guardrailsOnly = parsePolicy(`version: 1
trustedPrincipals: ['arn:aws:iam::*:role/terraform-*']
securityGroups:
  - name: account-wide
    select: { all: true }
    guardrailsOnly: true
    forbid:
      - { source: 0.0.0.0/0, ports: [22, 5432] }
      - { widerThan: 8, ports: [6379] }
      - { ports: [23] }
`);
  const onList = (fromPort: number) =>
    rule({ fromPort, toPort: fromPort, peer: { type: 'prefix-list', prefixListId: 'pl-0abcdef0123456789' } });
  const sections = {
    sections: guardrailsOnly.securityGroups,
    trustedPrincipals: guardrailsOnly.trustedPrincipals,
  };

  it('reports, and neither revokes nor passes, a guarded port opened to a prefix list, naming the guardrail', () => {
    const decisions = decide(added([onList(5432), onList(6379)]), context(sections));
    expect(kinds(decisions)).toEqual(['report:unverifiable-peer', 'report:unverifiable-peer']);
    expect(decisions[0]).toMatchObject({ groupId: GROUP, guardrailBreach: false });
    expect(decisions[0]?.why).toBe(
      'tcp 5432 from pl-0abcdef0123456789 opens a port the guardrail forbid[0] of "account-wide" forbids to an address range, to the prefix list pl-0abcdef0123456789, whose entries netwarden did not check: it may breach the guardrail, so it is neither revoked nor passed. Check the entries (aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-0abcdef0123456789), then replace the list by CIDRs or record a policy exception',
    );
    expect(decisions[1]?.why).toContain('forbid[1] of "account-wide"');
  });

  it('reports it for a trusted principal too: guardrails apply to everyone', () => {
    expect(kinds(decide(added([onList(22)], terraform), context(sections)))).toEqual([
      'report:unverifiable-peer',
    ]);
  });

  it('still passes a prefix list on a port no guardrail names, and still revokes one a peer-less guardrail forbids', () => {
    expect(kinds(decide(added([onList(443)]), context(sections)))).toEqual(['ignore:guardrails-only']);
    expect(kinds(decide(added([onList(23)]), context(sections)))).toEqual(['revoke:guardrail']);
  });

  it('still revokes a prefix-list rule as drift where drift is judged', () => {
    expect(kinds(decide(added([onList(5432)]), context()))).toEqual(['revoke:drift']);
  });
});

describe('guardrailsDecide: when no baseline is read', () => {
  const worldOpen = rule();
  const fromOffice = rule({ ruleId: 'sgr-office', peer: { type: 'ipv4', cidr: '198.51.100.0/24' } });

  it('holds when every added rule breaches a guardrail and no exception is in force for it', () => {
    expect(guardrailsDecide(added([worldOpen]).change, context())).toBe(true);
    expect(kinds(decide(added([worldOpen]), context()))).toEqual(['revoke:guardrail']);
  });

  it('does not hold when one added rule breaches no guardrail, or an exception covers it', () => {
    expect(guardrailsDecide(added([worldOpen, fromOffice]).change, context())).toBe(false);
    expect(guardrailsDecide(added([worldOpen]).change, context({ exceptions: policy.exceptions }))).toBe(
      false,
    );
  });
});
