/**
 * Protection cannot be switched off quietly. Removing or changing a protection tag is a critical
 * finding whoever does it (CloudTrail does not say what the tag was, so netwarden does not re-tag); a
 * tag event forgets the group's cached facts at once; putting the tag back makes netwarden re-examine
 * all the group's rules with one read and act on what was added meanwhile. The account-wide guardrails
 * of the shipped policy hold on groups with no tag at all.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { describe, expect, it, vi } from 'vitest';
import {
  describeDecision,
  type RevertDeps,
  type RevertOutcome,
} from '../../../functions/revert-sg-drift/revert';
import { ec2SecurityGroups } from '../../../shared/aws/ec2/security-groups';
import { protectedGroups, recentEvents } from '../../../shared/sg/protected-groups';
import {
  assumedRole,
  consoleUser,
  GROUPS,
  type Identity,
  netwardenRole,
  terraform,
} from '../../../simulated-account/index';
import { tcp } from '../../../simulated-account/permissions';
import { SELF_ROLES, testPolicy } from '../../helpers/audits';
import { revertEvent, SIMULATED_HOME, useRevertHandler } from '../../helpers/revert';
import { useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const ec2 = new EC2Client({});
const sim = useSimulation();
// The event ledger (exactly-once per event) lives in the state table.
useStateTable();
const { actAs, invoke, reload, usePolicy } = useRevertHandler(sim);
const mallory = consoleUser('mallory@example.com', '198.51.100.66');
const tagCall = (identity: Identity, command: CreateTagsCommand | DeleteTagsCommand) =>
  actAs(identity, () => ec2.send(command as CreateTagsCommand));
const authorize = (identity: Identity, groupId: string, permission: IpPermission) =>
  actAs(identity, () =>
    ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] })),
  );

const unprotect = (groupId: string) =>
  new DeleteTagsCommand({ Resources: [groupId], Tags: [{ Key: 'netwarden:protect' }] });
const protect = (groupId: string) =>
  new CreateTagsCommand({ Resources: [groupId], Tags: [{ Key: 'netwarden:protect', Value: 'true' }] });
const ipv6Open = (port: number): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  Ipv6Ranges: [{ CidrIpv6: '::/0' }],
});

const rulesOf = (groupId: string) =>
  [...sim.current.sg.rules.values()].filter((rule) => rule.GroupId === groupId);
const ruleIdOf = (groupId: string, match: (rule: ReturnType<typeof rulesOf>[number]) => boolean) =>
  rulesOf(groupId).find(match)?.SecurityGroupRuleId;

const TRUST_ANY_TERRAFORM_ROLE: [string, string] = [
  '  - arn:aws:iam::111122223333:role/terraform-ci',
  '  - arn:aws:iam::*:role/terraform-*',
];

describe('a protection tag removed or changed', () => {
  it('is critical when a console user deletes it, without a single AWS call', async () => {
    const event = await tagCall(mallory, unprotect(GROUPS.postgres));

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['report:protection-removed']);
    // Only the finding's publish: no EC2 read, no write.
    expect(calls.all.map((call) => `${call.service}.${call.command}`)).toEqual(['SNS.Publish']);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'sg.protection-removed',
      severity: 'critical',
      mode: 'enforce',
      outcome: 'no-action',
      actions: [],
      resource: { type: 'security-group', id: GROUPS.postgres },
      actor: { viaConsole: true, sourceIp: '198.51.100.66' },
      title: `Protection tag removed from ${GROUPS.postgres}: "gateway-front-door" no longer applies`,
      why: expect.stringContaining(
        `${GROUPS.postgres}: tag netwarden:protect deleted, so policy section "gateway-front-door" no longer selects it`,
      ),
    });
    // Says what still guards the group whatever its tags.
    expect(findings[0]?.why).toContain('Still applying: "account-wide-guardrails", "rds-postgres".');
  });

  it('is reported once when the same event is delivered twice', async () => {
    const event = await tagCall(mallory, unprotect(GROUPS.postgres));

    await invoke(event);
    const again = await invoke(event);

    expect(again.result.status).toBe('redelivered');
    expect(again.findings).toEqual([]);
    expect(again.calls.all).toEqual([]);
  });

  it('is critical when a DeleteTags names no tag, which deletes every tag of the group', async () => {
    const event = await tagCall(mallory, new DeleteTagsCommand({ Resources: [GROUPS.redis] }));
    expect(sim.current.sg.groups.get(GROUPS.redis)?.Tags).toEqual([]);
    // CloudTrail names no tag for such a call.
    expect((event.detail.requestParameters as { tagSet: unknown }).tagSet).toEqual({});

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['report:protection-removed']);
    expect(calls.all.map((call) => `${call.service}.${call.command}`)).toEqual(['SNS.Publish']);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'sg.protection-removed',
      severity: 'critical',
      resource: { type: 'security-group', id: GROUPS.redis },
      title: `Protection tag removed from ${GROUPS.redis}: "gateway-front-door" no longer applies`,
      why: expect.stringContaining(
        `${GROUPS.redis}: tag netwarden:protect deleted (the call named no tag, so it deleted every tag), so policy section "gateway-front-door" no longer selects it`,
      ),
    });
  });

  it('is critical when the tag is set to another value', async () => {
    const off = await tagCall(
      mallory,
      new CreateTagsCommand({
        Resources: [GROUPS.redis],
        Tags: [{ Key: 'netwarden:protect', Value: 'false' }],
      }),
    );

    const { result, findings } = await invoke(off);

    expect(result.decisions).toEqual(['report:protection-removed']);
    expect(findings[0]).toMatchObject({ kind: 'sg.protection-removed', severity: 'critical' });
  });

  it('is critical whoever removes it: Terraform, a trusted principal, and netwarden’s own role too', async () => {
    const byTerraform = await tagCall(terraform(), unprotect(GROUPS.postgres));
    // netwarden's roles may not tag groups at all (serverless.yml): such a change is its role misused.
    const bySelf = await tagCall(
      netwardenRole('revert-sg-drift', 'test'),
      new CreateTagsCommand({ Resources: [GROUPS.mysql], Tags: [{ Key: 'netwarden:protect', Value: 'no' }] }),
    );

    const terraformRun = await invoke(byTerraform);
    const selfRun = await invoke(bySelf);

    expect(terraformRun.result.decisions).toEqual(['report:protection-removed']);
    expect(terraformRun.findings[0]).toMatchObject({
      kind: 'sg.protection-removed',
      severity: 'critical',
      why: expect.stringContaining(
        'The principal is trusted for rule changes; switching protection off is reported all the same.',
      ),
    });
    expect(selfRun.result.decisions).toEqual(['report:protection-removed']);
    expect(selfRun.findings[0]).toMatchObject({ kind: 'sg.protection-removed', severity: 'critical' });
  });

  it('ignores other tags and failed calls, without an AWS call', async () => {
    const other = await tagCall(
      mallory,
      new CreateTagsCommand({ Resources: [GROUPS.postgres], Tags: [{ Key: 'Owner', Value: 'db-team' }] }),
    );
    const failed = await tagCall(mallory, unprotect(GROUPS.postgres));
    (failed.detail as { errorCode?: string }).errorCode = 'Client.UnauthorizedOperation';

    const otherRun = await invoke(other);
    const failedRun = await invoke(failed);

    expect(otherRun.result.decisions).toEqual(['ignore:not-a-protection-tag']);
    expect(failedRun.result.decisions).toEqual(['ignore:failed-call']);
    expect([...otherRun.calls.all, ...failedRun.calls.all]).toEqual([]);
  });

  it('reports a malformed tag event as unprocessable', async () => {
    const event = await tagCall(mallory, unprotect(GROUPS.postgres));
    (event.detail as { requestParameters: unknown }).requestParameters = { resourcesSet: 'sg-1' };

    const { result, findings } = await invoke(event);

    expect(result.status).toBe('unprocessable');
    expect(findings[0]).toMatchObject({
      kind: 'unprocessable',
      why: expect.stringContaining('requestParameters'),
    });
  });
});

describe('cached group facts', () => {
  it('are forgotten at once by a tag event on the group, whatever the tag', async () => {
    // The first event reads the (protected) group's facts and caches them.
    await invoke(await authorize(mallory, GROUPS.redis, tcp(8443, '10.9.0.0/16')));
    const cached = await invoke(await authorize(mallory, GROUPS.redis, tcp(8444, '10.9.0.0/16')));
    expect(cached.calls.reads).toEqual([]);

    await invoke(
      await tagCall(
        mallory,
        new CreateTagsCommand({ Resources: [GROUPS.redis], Tags: [{ Key: 'Owner', Value: 'cache-team' }] }),
      ),
    );
    const after = await invoke(await authorize(mallory, GROUPS.redis, tcp(8445, '10.9.0.0/16')));

    expect(after.calls.reads).toEqual(['DescribeSecurityGroups']);
  });

  it('are never kept for a group that only guardrails-only sections select: every event reads them', async () => {
    await invoke(await authorize(mallory, GROUPS.legacyApp, tcp(8443, '10.9.0.0/16')));

    const second = await invoke(await authorize(mallory, GROUPS.legacyApp, tcp(8444, '10.9.0.0/16')));

    expect(second.result.decisions).toEqual(['ignore:guardrails-only']);
    expect(second.calls.reads).toEqual(['DescribeSecurityGroups']);
  });

  it('in another warm container cannot hide a drift rule added after the tag was put back', async () => {
    // Two containers of revert-sg-drift, each with its own caches; each sees only the events it handles.
    const container = (): RevertDeps => {
      const policy = testPolicy();
      const sg = ec2SecurityGroups(new EC2Client({}));
      return {
        sg,
        publish: async () => {},
        now: sim.current.account.clock.now,
        policy,
        selfRoles: SELF_ROLES,
        protectedGroups: protectedGroups(policy, sg, sim.current.account.clock.now),
        recent: recentEvents(),
        home: SIMULATED_HOME,
        grants: { get: async () => undefined },
      };
    };
    const [a, b] = [container(), container()];
    const decisionsOf = (outcome: RevertOutcome) =>
      outcome.status === 'decided' || outcome.status === 'tags'
        ? outcome.decisions.map(describeDecision)
        : [outcome.status];

    await revertEvent(await tagCall(mallory, unprotect(GROUPS.redis)), a);
    // B judges a benign rule while the tag is off: only the account-wide guardrails apply.
    const benign = await revertEvent(await authorize(mallory, GROUPS.redis, tcp(6379, '10.20.60.0/24')), b);
    expect(decisionsOf(benign)).toEqual(['ignore:guardrails-only']);
    // A sees the tag put back and re-examines the group: nothing new to find yet.
    await revertEvent(await tagCall(mallory, protect(GROUPS.redis)), a);
    sim.current.account.clock.advance(30_000);

    const drift = await revertEvent(await authorize(mallory, GROUPS.redis, tcp(6379, '10.0.0.0/9')), b);

    expect(decisionsOf(drift)).toEqual(['revoke:drift']);
    expect(rulesOf(GROUPS.redis).some((rule) => rule.CidrIpv4 === '10.0.0.0/9')).toBe(false);
  });
});

describe('a protection tag put back', () => {
  it('re-examines all the group’s rules with one read, and revokes what was added while it was off', async () => {
    await invoke(await tagCall(mallory, unprotect(GROUPS.redis)));
    // Only the account-wide guardrails apply now, and they do not forbid 8080 from anywhere.
    const meanwhile = await invoke(await authorize(mallory, GROUPS.redis, ipv6Open(8080)));
    expect(meanwhile.result.decisions).toEqual(['ignore:guardrails-only']);
    const added = ruleIdOf(GROUPS.redis, (rule) => rule.CidrIpv6 === '::/0');

    const { result, calls, findings } = await invoke(await tagCall(mallory, protect(GROUPS.redis)));

    expect(result.decisions).toEqual([
      'reexamine:protection-restored',
      'ignore:approved',
      'revoke:guardrail',
    ]);
    // The group's facts afresh, then all its rules at once: one DescribeSecurityGroupRules.
    expect(calls.reads.filter((read) => read === 'DescribeSecurityGroupRules')).toHaveLength(1);
    // (and the Terraform state, a baseline for the drift judgement, which approves the gateway's rule).
    expect(calls.reads).toEqual(['DescribeSecurityGroups', 'GetObject', 'DescribeSecurityGroupRules']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.redis,
      SecurityGroupRuleIds: [added],
    });
    expect(rulesOf(GROUPS.redis).some((rule) => rule.CidrIpv6 === '::/0')).toBe(false);
    expect(findings.map((finding) => finding.kind)).toEqual([
      'sg.guardrail-breach',
      'sg.protection-restored',
    ]);
    expect(findings[0]).toMatchObject({
      severity: 'critical',
      outcome: 'acted',
      rules: [{ summary: 'tcp 8080 from ::/0', ruleId: added }],
      why: expect.stringMatching(
        /^CreateTags by mallory@example\.com .* made sg-0db00000000006379 protected again \("account-wide-guardrails", "gateway-front-door"\), so netwarden re-examined all 2 of its rules; who added them is unknown: .*forbidden by forbid\[2\] of "gateway-front-door"/,
      ),
    });
    expect(findings[1]).toMatchObject({
      severity: 'info',
      outcome: 'acted',
      title: `Protection back on ${GROUPS.redis}: 2 rules re-examined, 1 finding`,
      why: expect.stringContaining('1 change made, 0 findings for a human to check'),
      actions: [`RevokeSecurityGroupIngress ${GROUPS.redis} ${added}`],
    });
  });

  it('in report mode reports what enforce mode would do, and writes nothing', async () => {
    vi.stubEnv('NETWARDEN_MODE', 'report');
    await reload();
    await invoke(await tagCall(mallory, unprotect(GROUPS.redis)));
    await invoke(await authorize(mallory, GROUPS.redis, ipv6Open(8080)));

    const { result, calls, findings } = await invoke(await tagCall(mallory, protect(GROUPS.redis)));

    expect(result.decisions).toEqual([
      'reexamine:protection-restored',
      'ignore:approved',
      'revoke:guardrail',
    ]);
    expect(calls.writes).toEqual([]);
    expect(rulesOf(GROUPS.redis).some((rule) => rule.CidrIpv6 === '::/0')).toBe(true);
    expect(findings).toMatchObject([
      { kind: 'sg.guardrail-breach', outcome: 'would-act', mode: 'report' },
      { kind: 'sg.protection-restored', outcome: 'would-act', mode: 'report' },
    ]);
  });

  it('revokes drift added meanwhile where a baseline says what is approved, and restores approved rules removed meanwhile', async () => {
    // A tag-selected section that judges drift against a baseline.
    await usePolicy([
      [
        '  - name: gateway-front-door # every group tagged for protection: the NLB, the gateway, the databases\n    select: { tags: { "netwarden:protect": "true" } }\n',
        '  - name: gateway-front-door\n    select: { tags: { "netwarden:protect": "true" } }\n    baseline:\n      - { direction: ingress, protocol: tcp, ports: 6379, source: sg-0c0ffee0000000002 }\n',
      ],
    ]);
    await invoke(await tagCall(mallory, unprotect(GROUPS.redis)));
    const approved = ruleIdOf(GROUPS.redis, (rule) => rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway);
    await actAs(mallory, () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.redis,
          IpPermissions: [tcp(6379, '10.77.0.0/16')],
        }),
      ),
    );
    const drift = ruleIdOf(GROUPS.redis, (rule) => rule.CidrIpv4 === '10.77.0.0/16');
    const { RevokeSecurityGroupIngressCommand } = await import('@aws-sdk/client-ec2');
    await actAs(mallory, () =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.redis,
          SecurityGroupRuleIds: [approved ?? ''],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(await tagCall(mallory, protect(GROUPS.redis)));

    expect(result.decisions).toEqual(['reexamine:protection-restored', 'revoke:drift', 'restore:baseline']);
    expect(calls.reads.filter((read) => read === 'DescribeSecurityGroupRules')).toHaveLength(1);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress', 'AuthorizeSecurityGroupIngress']);
    expect(calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.redis,
      SecurityGroupRuleIds: [drift],
    });
    expect(rulesOf(GROUPS.redis).map((rule) => rule.ReferencedGroupInfo?.GroupId ?? rule.CidrIpv4)).toEqual([
      GROUPS.gateway,
    ]);
    expect(findings.map((finding) => finding.kind)).toEqual([
      'sg.drift',
      'sg.baseline-restored',
      'sg.protection-restored',
    ]);
  });

  it('reports, never revokes, rules that breach no guardrail where no baseline says what is approved', async () => {
    // The NLB group: Terraform's rules, no baseline (the policy names no Terraform state here), and a
    // rule added while it was unprotected. Revoking what nobody approved could take the NLB down.
    await usePolicy([
      [
        'terraformState:\n  - { bucket: netwarden-demo-tfstate, key: gateway/terraform.tfstate }',
        'terraformState: []',
      ],
    ]);
    await invoke(await tagCall(mallory, unprotect(GROUPS.nlb)));
    await invoke(await authorize(mallory, GROUPS.nlb, tcp(8443, '10.9.0.0/16')));
    const added = ruleIdOf(GROUPS.nlb, (rule) => rule.CidrIpv4 === '10.9.0.0/16');

    const { result, calls, findings } = await invoke(await tagCall(mallory, protect(GROUPS.nlb)));

    expect(result.decisions.filter((decision) => !decision.startsWith('ignore:'))).toEqual([
      'reexamine:protection-restored',
      'report:unverifiable-change',
    ]);
    expect(calls.writes).toEqual([]);
    const report = findings.find((finding) => finding.kind === 'sg.unverified-change');
    expect(report).toMatchObject({ outcome: 'no-action', actions: [] });
    expect(report?.rules).toContainEqual({ summary: 'tcp 8443 from 10.9.0.0/16', ruleId: added });
    expect(report?.why).toContain('no baseline says whether they are approved');
  });
});

describe('the issue’s scenario: terraform-evil, trusted by a prefix glob', () => {
  it('cannot switch protection off quietly, open 6379 to the world, and have it stay open', async () => {
    await usePolicy([TRUST_ANY_TERRAFORM_ROLE]);
    const evil = assumedRole('terraform-evil', 'apply-1', { sourceIp: '203.0.113.99' });

    // 1. Deletes the protection tag: critical, although the principal is trusted.
    const removed = await invoke(await tagCall(evil, unprotect(GROUPS.redis)));
    expect(removed.result.decisions).toEqual(['report:protection-removed']);
    expect(removed.findings).toMatchObject([{ kind: 'sg.protection-removed', severity: 'critical' }]);

    // 2. Opens 6379 to the world: the account-wide guardrail revokes it, tag or no tag, trusted or not.
    const opened = await invoke(await authorize(evil, GROUPS.redis, tcp(6379, '0.0.0.0/0')));
    expect(opened.result.decisions).toEqual(['revoke:guardrail']);
    expect(opened.calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(opened.findings[0]?.why).toContain('forbidden by forbid[0] of "account-wide-guardrails"');
    expect(rulesOf(GROUPS.redis).some((rule) => rule.CidrIpv4 === '0.0.0.0/0')).toBe(false);

    // 3. Puts the tag back: one read of all the group's rules, and nothing left to find.
    const back = await invoke(await tagCall(evil, protect(GROUPS.redis)));
    expect(back.result.decisions[0]).toBe('reexamine:protection-restored');
    expect(back.calls.reads.filter((read) => read === 'DescribeSecurityGroupRules')).toHaveLength(1);
    expect(back.calls.writes).toEqual([]);
    expect(back.findings.at(-1)).toMatchObject({ kind: 'sg.protection-restored' });
  });
});

describe('the shipped policy on a group with no tag at all', () => {
  it.each([
    [5432, '0.0.0.0/0'],
    [6379, '0.0.0.0/0'],
  ])('revokes tcp %i from %s, whoever adds it', async (port, cidr) => {
    expect(rulesOf(GROUPS.legacyApp).length).toBeGreaterThan(0);
    const byConsole = await invoke(await authorize(mallory, GROUPS.legacyApp, tcp(port, cidr)));
    const byTerraform = await invoke(await authorize(terraform(), GROUPS.legacyApp, tcp(port, cidr)));

    for (const run of [byConsole, byTerraform]) {
      expect(run.result.decisions).toEqual(['revoke:guardrail']);
      expect(run.calls.writes).toEqual(['RevokeSecurityGroupIngress']);
      expect(run.findings[0]).toMatchObject({ kind: 'sg.guardrail-breach', severity: 'critical' });
    }
    expect(rulesOf(GROUPS.legacyApp).some((rule) => rule.CidrIpv4 === cidr)).toBe(false);
  });

  it('revokes 5432 opened to 2000::/3, every global IPv6 address, though it is not ::/0', async () => {
    const event = await authorize(mallory, GROUPS.legacyApp, {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      Ipv6Ranges: [{ CidrIpv6: '2000::/3' }],
    });
    const added = ruleIdOf(GROUPS.legacyApp, (rule) => rule.CidrIpv6 === '2000::/3');

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.legacyApp,
      SecurityGroupRuleIds: [added],
    });
    expect(findings).toMatchObject([
      {
        kind: 'sg.guardrail-breach',
        severity: 'critical',
        why: expect.stringContaining('forbidden by forbid[2] of "account-wide-guardrails"'),
      },
    ]);
    expect(rulesOf(GROUPS.legacyApp).some((rule) => rule.CidrIpv6 === '2000::/3')).toBe(false);
  });

  it('revokes 22 opened to 0.0.0.0/1 + 128.0.0.0/1, the whole IPv4 internet in two halves', async () => {
    const event = await authorize(mallory, GROUPS.legacyApp, {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }],
    });
    const halves = ['0.0.0.0/1', '128.0.0.0/1'].map((cidr) =>
      ruleIdOf(GROUPS.legacyApp, (rule) => rule.CidrIpv4 === cidr),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.legacyApp,
      SecurityGroupRuleIds: halves,
    });
    expect(findings).toMatchObject([{ kind: 'sg.guardrail-breach', severity: 'critical' }]);
    expect(rulesOf(GROUPS.legacyApp).some((rule) => rule.CidrIpv4?.endsWith('/1'))).toBe(false);
  });

  it('leaves alone what is narrower than the threshold: 5432 from a /32 of IPv6, 22 from a /8', async () => {
    const v6 = await invoke(
      await authorize(mallory, GROUPS.legacyApp, {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }],
      }),
    );
    const v4 = await invoke(await authorize(mallory, GROUPS.legacyApp, tcp(22, '10.0.0.0/8')));

    expect([...v6.result.decisions, ...v4.result.decisions]).toEqual([
      'ignore:guardrails-only',
      'ignore:guardrails-only',
    ]);
    expect([...v6.calls.writes, ...v4.calls.writes]).toEqual([]);
  });
});
