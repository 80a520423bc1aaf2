import { describe, expect, it } from 'vitest';
import {
  type AuditInput,
  auditAccount,
  auditProblemCount,
} from '../../../shared/audits/security-group-audit';
import { parsePolicy } from '../../../shared/policy/load';
import type { GroupFacts } from '../../../shared/policy/match';
import { covers, type Rule, summarise } from '../../../shared/rules/rule';
import { ruleOf } from '../../helpers/factories';
import { syntheticAccount } from '../../helpers/synthetic-account';

const A = 'sg-0000000000000000a';
const B = 'sg-0000000000000000b';
const C = 'sg-0000000000000000c';
const DEFAULT = 'sg-0000000000000000d';
const DELETED = 'sg-0dead00000000dead';

const policy = parsePolicy(`
version: 1
securityGroups:
  - name: databases
    select: { tags: { "netwarden:protect": "true" } }
    forbid:
      - { direction: ingress, source: 0.0.0.0/0, ports: [22, 5432] }
  - name: postgres
    select: { ids: [${A}] }
    baseline:
      - { direction: ingress, ports: 5432, source: ${B} }
      - { direction: ingress, ports: 5432, source: 10.0.0.0/16 }
exceptions:
  - group: ${A}
    rule: { ports: 22, source: 0.0.0.0/0 }
    reason: vendor SSH during migration OPS-42
    expires: 2027-03-31
  - group: ${A}
    rule: { ports: 3306, source: 10.50.0.0/16 }
    reason: batch hosts until CHG-7
    expires: 2026-01-01
  - group: ${C}
    rule: { ports: 80, source: 10.0.0.0/8 }
    reason: nothing uses this any more
    expires: 2027-01-01
`);

const groups: GroupFacts[] = [
  { groupId: A, groupName: 'rds-postgres-sg', tags: { 'netwarden:protect': 'true' } },
  { groupId: B, groupName: 'app-sg', tags: {} },
  { groupId: C, groupName: 'orphan-sg', tags: {} },
  { groupId: DEFAULT, groupName: 'default', tags: {} },
];

let counter = 0;
const rule = (groupId: string, overrides: Partial<Rule>): Rule => {
  counter += 1;
  return ruleOf({ groupId, ruleId: `sgr-${counter.toString().padStart(17, '0')}`, ...overrides });
};
const cidr = (text: string): Rule['peer'] => ({ type: text.includes(':') ? 'ipv6' : 'ipv4', cidr: text });
const tcp = (from: number, to = from) => ({ protocol: 'tcp', fromPort: from, toPort: to });

const crafted = {
  approved: rule(A, { ...tcp(5432), peer: { type: 'security-group', groupId: B } }),
  world5432: rule(A, { ...tcp(5432), peer: cidr('0.0.0.0/0') }),
  grant: rule(A, {
    ...tcp(5432),
    peer: cidr('203.0.113.7/32'),
    tags: { 'netwarden:grant-expires-at': '2026-11-23T10:00:00Z' },
  }),
  /** Exempted by policy.exceptions[0], in force. */
  breakGlass: rule(A, { ...tcp(22), peer: cidr('0.0.0.0/0') }),
  /** A tag exempts nothing: judged like any other rule, and listed so that its owner moves it into the policy. */
  tagged: rule(A, {
    ...tcp(8443),
    peer: cidr('198.51.100.0/24'),
    tags: { 'netwarden:ignore': 'vendor console, ticket OPS-9' },
  }),
  /** Matches policy.exceptions[1], which has expired. */
  lapsed: rule(A, { ...tcp(3306), peer: cidr('10.50.0.0/16') }),
  wide: rule(B, { ...tcp(3306), peer: cidr('10.0.0.0/16') }),
  nearMiss: rule(B, { ...tcp(3306), peer: cidr('10.1.0.0/24') }),
  inside: rule(B, { ...tcp(3306), peer: cidr('10.0.5.0/24') }),
  otherPort: rule(B, { ...tcp(80), peer: cidr('10.0.0.0/16') }),
  range: rule(B, { ...tcp(8000, 8100), peer: cidr('10.2.0.0/16') }),
  inRange: rule(B, { ...tcp(8080), peer: cidr('10.2.3.4/32') }),
  udpSame: rule(B, { protocol: 'udp', fromPort: 8080, toPort: 8080, peer: cidr('10.2.3.4/32') }),
  overlapOnly: rule(B, { ...tcp(8090, 8200), peer: cidr('10.2.0.0/16') }),
  allTraffic: rule(B, {
    direction: 'egress',
    protocol: '-1',
    fromPort: -1,
    toPort: -1,
    peer: cidr('192.168.0.0/16'),
  }),
  underAll: rule(B, { direction: 'egress', ...tcp(443), peer: cidr('192.168.1.0/24') }),
  ingressSameAsEgress: rule(B, { ...tcp(443), peer: cidr('192.168.1.0/24') }),
  prefixAll: rule(B, {
    direction: 'egress',
    ...tcp(0, 65535),
    peer: { type: 'prefix-list', prefixListId: 'pl-0a1b2c3d' },
  }),
  prefixOne: rule(B, {
    direction: 'egress',
    ...tcp(443),
    peer: { type: 'prefix-list', prefixListId: 'pl-0a1b2c3d' },
  }),
  otherList: rule(B, {
    direction: 'egress',
    ...tcp(443),
    peer: { type: 'prefix-list', prefixListId: 'pl-0e0f1a2b' },
  }),
  v6: rule(B, { ...tcp(443), peer: cidr('2001:db8::/32') }),
  v6Inside: rule(B, { ...tcp(443), peer: cidr('2001:db8:1::/48') }),
  toDeleted: rule(B, { ...tcp(5432), peer: { type: 'security-group', groupId: DELETED } }),
  otherAccount: rule(B, {
    ...tcp(5432),
    peer: { type: 'security-group', groupId: 'sg-0feed00000000feed', userId: '999988887777' },
  }),
};

const input: AuditInput = {
  groups,
  rules: Object.values(crafted),
  policy,
  attachedGroupIds: new Set([A, B]),
  accountId: '111122223333',
  now: new Date('2026-11-23T00:00:00Z'),
  // The grant is one netwarden recorded in its state table (its tag alone would prove nothing).
  recordedGrants: new Set([crafted.grant.ruleId as string]),
  staleReferences: [
    {
      groupId: B,
      direction: 'ingress',
      referencedGroupId: 'sg-0peer000000000001',
      summary: 'tcp 3306 from sg-0peer000000000001',
      reason: 'the VPC peering connection pcx-0abc is deleted',
    },
  ],
};

const summaries = (refs: ReadonlyArray<{ summary: string; groupId: string }>) =>
  refs.map((ref) => `${ref.groupId} ${ref.summary}`).sort();

describe('auditAccount on a crafted account', () => {
  const report = auditAccount(input);

  it('finds baseline rules missing and rules outside the baseline, on baselined groups only', () => {
    expect(summaries(report.drift.missing)).toEqual([`${A} tcp 5432 from 10.0.0.0/16`]);
    // The grant (tagged) and the rule a policy exception covers are not drift; group B has no baseline.
    // A netwarden:ignore tag and an expired exception exempt nothing.
    expect(summaries(report.drift.unapproved)).toEqual([
      `${A} tcp 3306 from 10.50.0.0/16`,
      `${A} tcp 5432 from 0.0.0.0/0`,
      `${A} tcp 8443 from 198.51.100.0/24`,
    ]);
  });

  it('counts a rule that only carries a grant tag as unapproved: a tag is not a grant', () => {
    const forged = auditAccount({ ...input, recordedGrants: new Set() });
    expect(summaries(forged.drift.unapproved)).toEqual([
      `${A} tcp 3306 from 10.50.0.0/16`,
      `${A} tcp 5432 from 0.0.0.0/0`,
      `${A} tcp 5432 from 203.0.113.7/32`,
      `${A} tcp 8443 from 198.51.100.0/24`,
    ]);
  });

  it('finds guardrail breaches, with the section that forbids them', () => {
    expect(report.guardrails).toEqual([
      {
        groupId: A,
        groupName: 'rds-postgres-sg',
        ruleId: crafted.world5432.ruleId,
        summary: 'tcp 5432 from 0.0.0.0/0',
        section: 'databases',
      },
    ]);
  });

  it('lists the rules policy exceptions cover, with reason, expiry and place in the file, and flags them nowhere else', () => {
    expect(report.exceptions).toEqual([
      {
        groupId: A,
        groupName: 'rds-postgres-sg',
        ruleId: crafted.breakGlass.ruleId,
        summary: 'tcp 22 from 0.0.0.0/0',
        reason: 'vendor SSH during migration OPS-42',
        guardrailBreach: true,
        exception: 'policy.exceptions[0]',
        expires: '2027-03-31',
      },
    ]);
    const elsewhere = [...report.guardrails, ...report.drift.unapproved, ...report.redundant];
    expect(elsewhere.map((ref) => ref.ruleId)).not.toContain(crafted.breakGlass.ruleId);
  });

  it('lists expired exceptions for renewal or removal, and exceptions that match no rule', () => {
    expect(report.expiredExceptions).toEqual([
      {
        path: 'policy.exceptions[1]',
        groupId: A,
        summary: 'tcp 3306 from 10.50.0.0/16',
        reason: 'batch hosts until CHG-7',
        expires: '2026-01-01',
      },
    ]);
    expect(report.unusedExceptions).toEqual([
      {
        path: 'policy.exceptions[2]',
        groupId: C,
        summary: 'tcp 80 from 10.0.0.0/8',
        reason: 'nothing uses this any more',
        expires: '2027-01-01',
      },
    ]);
  });

  it('does not honour a netwarden:ignore tag: the rule is judged and listed, so that its owner moves it into the policy', () => {
    expect(report.ignoreTagged).toEqual([
      {
        groupId: A,
        groupName: 'rds-postgres-sg',
        ruleId: crafted.tagged.ruleId,
        summary: 'tcp 8443 from 198.51.100.0/24',
        tag: 'vendor console, ticket OPS-9',
      },
    ]);
    expect(report.exceptions.map((entry) => entry.ruleId)).not.toContain(crafted.tagged.ruleId);
  });

  it('lists an approved rule a guardrail forbids as such, not as missing (it is never restored)', () => {
    const forbidden = ruleOf({ groupId: A, ...tcp(5430, 5440), peer: cidr('0.0.0.0/0') });
    const withState = auditAccount({
      ...input,
      extraBaseline: (groupId) => (groupId === A ? [forbidden] : undefined),
    });
    expect(withState.forbiddenBaseline).toEqual([
      {
        groupId: A,
        groupName: 'rds-postgres-sg',
        summary: 'tcp 5430-5440 from 0.0.0.0/0',
        section: 'databases',
      },
    ]);
    expect(summaries(withState.drift.missing)).toEqual([`${A} tcp 5432 from 10.0.0.0/16`]);
  });

  it('finds redundant rules by CIDR and port-range containment, and says which rule covers them', () => {
    const found = Object.fromEntries(report.redundant.map((entry) => [entry.ruleId, entry.coveredBy.ruleId]));
    expect(found).toEqual({
      [crafted.inside.ruleId as string]: crafted.wide.ruleId,
      [crafted.inRange.ruleId as string]: crafted.range.ruleId,
      [crafted.underAll.ruleId as string]: crafted.allTraffic.ruleId,
      [crafted.prefixOne.ruleId as string]: crafted.prefixAll.ruleId,
      [crafted.v6Inside.ruleId as string]: crafted.v6.ruleId,
      // On group A, 0.0.0.0/0 covers the grant's /32: reported, the grant is still not drift.
      [crafted.grant.ruleId as string]: crafted.world5432.ruleId,
    });
  });

  it('does not flag near-misses', () => {
    const flagged = new Set(report.redundant.map((entry) => entry.ruleId));
    for (const nearMiss of [
      crafted.nearMiss, // 10.1.0.0/24 is not inside 10.0.0.0/16
      crafted.otherPort, // same CIDR, other port
      crafted.udpSame, // udp is not covered by tcp
      crafted.overlapOnly, // overlapping port ranges, neither contains the other
      crafted.ingressSameAsEgress, // ingress is not covered by an egress rule
      crafted.otherList, // another prefix list
      crafted.wide,
      crafted.range,
    ])
      expect(flagged.has(nearMiss.ruleId), summarise(nearMiss)).toBe(false);
  });

  it('reports references to deleted groups of this account and what DescribeStaleSecurityGroups says', () => {
    expect(report.staleReferences.map((ref) => [ref.groupId, ref.referencedGroupId, ref.reason])).toEqual([
      [B, DELETED, 'the referenced group does not exist'],
      [B, 'sg-0peer000000000001', 'the VPC peering connection pcx-0abc is deleted'],
    ]);
  });

  it('reports groups attached to nothing, except the undeletable default group', () => {
    expect(report.unattached).toEqual([{ groupId: C, groupName: 'orphan-sg' }]);
  });

  it('counts problems, expired exceptions and ignore tags included, but not exceptions in force', () => {
    // missing, unapproved, redundant, guardrails, stale, unattached, expired exceptions, ignore tags
    expect(auditProblemCount(report)).toBe(1 + 3 + 6 + 1 + 2 + 1 + 1 + 1);
  });

  it('takes baseline rules from an extra source (Terraform state) as well as the policy', () => {
    const withState = auditAccount({
      ...input,
      extraBaseline: (groupId) =>
        groupId === B ? [ruleOf({ groupId: B, ...tcp(3306), peer: cidr('10.0.0.0/16') })] : undefined,
    });
    // B now has a baseline: everything else on it is unapproved, and its approved rule is present.
    expect(withState.drift.missing.filter((ref) => ref.groupId === B)).toEqual([]);
    expect(withState.drift.unapproved.map((ref) => ref.ruleId)).toContain(crafted.nearMiss.ruleId);
    expect(withState.drift.unapproved.map((ref) => ref.ruleId)).not.toContain(crafted.wide.ruleId);
  });

  it('does not call an approved rule redundant when an unapproved wider rule covers it: the wider one is the drift', () => {
    const approvedNarrow = rule(A, { ...tcp(5432), peer: cidr('10.0.0.0/16') });
    const report2 = auditAccount({ ...input, rules: [...input.rules, approvedNarrow] });
    expect(report2.redundant.map((entry) => entry.ruleId)).not.toContain(approvedNarrow.ruleId);
    expect(report2.drift.missing).toEqual([]);
  });
});

describe('auditAccount on a synthetic account', () => {
  it('finds exactly the redundant rules a naive pairwise covers() comparison finds', () => {
    const account = syntheticAccount({ groups: 60, rulesPerGroup: 60, seed: 7 });
    const report = auditAccount({ ...account, staleReferences: [] });
    // Naive O(n²) per group, on groups without a baseline (where no approval rule applies).
    const baselined = new Set(
      account.groups.filter((group) => group.tags['netwarden:protect']).map((g) => g.groupId),
    );
    // netwarden:ignore tags exempt nothing: tagged rules are compared like any other.
    const candidates = account.rules.filter((candidate) => !baselined.has(candidate.groupId));
    const expected = candidates
      .filter((inner) => candidates.some((outer) => outer !== inner && covers(outer, inner)))
      .map((inner) => inner.ruleId)
      .sort();
    const found = report.redundant
      .filter((entry) => !baselined.has(entry.groupId))
      .map((entry) => entry.ruleId)
      .sort();
    expect(expected.length).toBeGreaterThan(50);
    expect(found).toEqual(expected);
  });

  it('is deterministic and covers every category at scale', () => {
    const account = syntheticAccount({ groups: 200, rulesPerGroup: 60 });
    expect(account.rules).toHaveLength(200 * 60);
    expect(syntheticAccount({ groups: 200, rulesPerGroup: 60 }).rules).toEqual(account.rules);
    const report = auditAccount({ ...account, staleReferences: [] });
    expect(report.rules).toBe(12_000);
    for (const count of [
      report.drift.missing.length,
      report.drift.unapproved.length,
      report.redundant.length,
      report.guardrails.length,
      report.unattached.length,
      report.ignoreTagged.length,
    ])
      expect(count).toBeGreaterThan(0);
  });
});
