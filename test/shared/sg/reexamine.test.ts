/**
 * reexamine() is pure: a group's current rules in, decisions out. Authors are unknown, so trust plays
 * no part; guardrails always act; drift only where a baseline says what is approved in that direction.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../shared/policy/load';
import type { Rule } from '../../../shared/rules/rule';
import type { SgDecision } from '../../../shared/sg/decide';
import { type ReexamineContext, reexamine } from '../../../shared/sg/reexamine';
import { ruleOf } from '../../helpers/factories';

const GROUP = 'sg-0db00000000005432';
const GATEWAY = 'sg-0c0ffee0000000002';
const policy = parsePolicy(`version: 1
trustedPrincipals: ['arn:aws:iam::*:role/*']
securityGroups:
  - name: everywhere
    select: { all: true }
    guardrailsOnly: true
    forbid: [{ source: 0.0.0.0/0, ports: [5432] }]
  - name: tagged
    select: { tags: { "netwarden:protect": "true" } }
    forbid: [{ source: "::/0" }]
  - name: with-baseline
    select: { tags: { "netwarden:protect": "true" } }
    baseline:
      - { ports: 5432, source: ${GATEWAY} }
`);
const [everywhere, tagged, withBaseline] = policy.securityGroups;
if (!everywhere || !tagged || !withBaseline) throw new Error('policy sections missing');

const approved = ruleOf({ ruleId: 'sgr-approved', peer: { type: 'security-group', groupId: GATEWAY } });
const worldOpen = ruleOf({ ruleId: 'sgr-world' });
const ipv6Open = ruleOf({
  ruleId: 'sgr-v6',
  fromPort: 8080,
  toPort: 8080,
  peer: { type: 'ipv6', cidr: '::/0' },
});
const byHand = ruleOf({ ruleId: 'sgr-hand', peer: { type: 'ipv4', cidr: '10.77.0.0/16' } });
const egressAll = ruleOf({
  ruleId: 'sgr-egress',
  direction: 'egress',
  protocol: '-1',
  fromPort: -1,
  toPort: -1,
  peer: { type: 'ipv4', cidr: '0.0.0.0/0' },
});

// Every principal is trusted here: re-examination must not care, since no author is known.
const context = (sections: ReexamineContext['sections']): ReexamineContext => ({
  sections,
  trustedPrincipals: policy.trustedPrincipals,
  selfRoles: ['arn:aws:iam::*:role/netwarden-test-*'],
  exceptions: [],
  now: new Date('2026-11-23T01:00:00Z'),
});

const summary = (decisions: SgDecision[]) =>
  decisions.map((decision) =>
    decision.type === 'ignore'
      ? `ignore:${decision.reason}`
      : `${decision.type === 'restore' ? 'restore' : `${decision.type}:${decision.reason}`} ${decision.rules.map((rule: Rule) => rule.ruleId ?? rule.peer.type).join(',')}`,
  );

describe('reexamine', () => {
  it('revokes guardrail breaches of every section that selects the group, however trusted everyone is', () => {
    const decisions = reexamine(GROUP, [approved, worldOpen, ipv6Open], context([everywhere, tagged]));

    expect(summary(decisions).filter((line) => !line.startsWith('ignore'))).toEqual([
      'revoke:guardrail sgr-world,sgr-v6',
      'report:unverifiable-change sgr-approved',
    ]);
    const revoke = decisions.find((decision) => decision.type === 'revoke');
    expect(revoke?.why).toMatch(
      /^opens access the policy forbids for everyone: tcp 5432 from 0\.0\.0\.0\/0: forbidden by forbid\[0\] of "everywhere"/,
    );
  });

  it('with a baseline: revokes drift, restores approved rules found missing', () => {
    const decisions = reexamine(GROUP, [byHand], context([everywhere, withBaseline]));

    expect(summary(decisions)).toEqual(['revoke:drift sgr-hand', 'restore security-group']);
    expect(decisions[0]?.why).toBe(
      'not approved by the baseline: tcp 5432 from 10.77.0.0/16: not in the approved set',
    );
  });

  it('with a baseline for ingress only: egress rules are reported, not revoked', () => {
    const decisions = reexamine(GROUP, [approved, egressAll], context([everywhere, withBaseline]));

    expect(summary(decisions)).toEqual(['ignore:approved', 'report:unverifiable-change sgr-egress']);
  });

  it('without a baseline: one report lists every rule that breaches no guardrail; nothing is revoked', () => {
    const decisions = reexamine(GROUP, [approved, byHand], context([everywhere, tagged]));

    expect(summary(decisions)).toEqual(['report:unverifiable-change sgr-approved,sgr-hand']);
    expect(decisions[0]?.why).toContain(
      'no baseline says whether they are approved and who added them is unknown',
    );
  });

  it('uses a Terraform-state baseline like the policy’s', () => {
    const decisions = reexamine(GROUP, [approved, byHand], {
      ...context([everywhere, tagged]),
      extraBaseline: [{ ...approved, ruleId: undefined }],
    });

    expect(summary(decisions)).toEqual(['ignore:approved', 'revoke:drift sgr-hand']);
  });

  it('where only guardrails-only sections apply: acts on breaches alone', () => {
    expect(summary(reexamine(GROUP, [approved, byHand, worldOpen], context([everywhere])))).toEqual([
      'ignore:guardrails-only',
      'ignore:guardrails-only',
      'revoke:guardrail sgr-world',
    ]);
  });
});
