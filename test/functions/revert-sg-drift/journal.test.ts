/**
 * Every write revert-sg-drift makes is journaled, and `netwarden undo` reverses it, at the wire: the
 * real handler on the simulated account, the budget and the journal in dynalite, undo through the CLI.
 * A storm of untrusted changes meets the shipped budget (20 writes per 10 minutes per account, 5 per
 * group); undo --since puts back exactly what netwarden revoked, except the guardrail breach it refuses
 * to re-open. The rules are compared as DescribeSecurityGroupRules returns them, ids aside (a rule
 * re-created by undo gets a new id).
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main';
import { useUndoDeps } from '../../../cli/undo';
import { ec2Client, elbv2Client } from '../../../shared/aws/clients';
import { ec2SecurityGroups } from '../../../shared/aws/ec2/security-groups';
import { elbv2LoadBalancing } from '../../../shared/aws/elbv2';
import { journalReader } from '../../../shared/aws/state-table/journal';
import type { Finding } from '../../../shared/findings/finding';
import type { CallRecord, CloudTrailEvent } from '../../../simulated-account/account';
import { assumedRole, GROUPS } from '../../../simulated-account/index';
import { tcp } from '../../../simulated-account/permissions';
import { useRevertHandler } from '../../helpers/revert';
import { useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const ec2 = new EC2Client({});
const sim = useSimulation();
const table = useStateTable();
const { actAs, invoke } = useRevertHandler(sim);
/** A deploy role missing from trustedPrincipals: everything it changes is drift. */
const deployer = assumedRole('deploy-ci', 'run-42');
const STORM_GROUPS = [GROUPS.postgres, GROUPS.mysql, GROUPS.redis, GROUPS.docdb] as const;
const PORTS: Record<string, number> = {
  [GROUPS.postgres]: 5432,
  [GROUPS.mysql]: 3306,
  [GROUPS.redis]: 6379,
  [GROUPS.docdb]: 27017,
};

beforeEach(() => {
  // One fixed instant inside one budget window: the test does not depend on how long the storm takes.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(sim.current.account.clock.now());
  const { client, tableName } = table.current;
  useUndoDeps({
    reader: journalReader(client, tableName),
    sg: ec2SecurityGroups(ec2Client()),
    lb: elbv2LoadBalancing(elbv2Client()),
    now: () => new Date(),
    region: 'ap-northeast-2',
    policyPath: 'netwarden.policy.yml',
  });
});
afterEach(() => {
  useUndoDeps(undefined);
  vi.useRealTimers();
});

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

/** The groups' rules as EC2 describes them, ids aside, sorted: what "the estate" means here. */
async function estate(): Promise<string[]> {
  const rules: SecurityGroupRule[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeSecurityGroupRulesCommand({
        Filters: [{ Name: 'group-id', Values: [...STORM_GROUPS] }],
        ...(token ? { NextToken: token } : {}),
      }),
    );
    rules.push(...(page.SecurityGroupRules ?? []));
    token = page.NextToken;
  } while (token);
  return rules
    .map((rule) =>
      JSON.stringify([
        rule.GroupId,
        rule.IsEgress,
        rule.IpProtocol,
        rule.FromPort,
        rule.ToPort,
        rule.CidrIpv4 ?? null,
        rule.CidrIpv6 ?? null,
        rule.ReferencedGroupInfo?.GroupId ?? null,
        rule.PrefixListId ?? null,
        rule.Description ?? null,
        (rule.Tags ?? []).map((tag) => `${tag.Key}=${tag.Value}`).sort(),
      ]),
    )
    .sort();
}

function authorize(groupId: string, permission: IpPermission): Promise<CloudTrailEvent> {
  return actAs(deployer, () =>
    ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] })),
  );
}

/** The writes to security groups (the state table is dynalite's, outside the account's record). */
const ec2Writes = (calls: ReadonlyArray<CallRecord>) =>
  calls.filter((call) => call.write && call.command.includes('SecurityGroup'));

describe('a storm of untrusted changes, then netwarden undo --since', () => {
  it('acts within the budget, and undo restores exactly what it revoked except the guardrail breach', async () => {
    const before = await estate();
    // The breach first, then 7 rounds over 4 groups: 29 changes, more than the budget's 20.
    const events = [await authorize(GROUPS.postgres, tcp(5432, '0.0.0.0/0', 'world'))];
    for (let round = 0; round < 7; round += 1)
      for (const [n, groupId] of STORM_GROUPS.entries())
        events.push(
          await authorize(groupId, tcp(PORTS[groupId] ?? 0, `10.4${n}.${round}.0/24`, `deploy ${round}`)),
        );
    const stormed = await estate();
    expect(stormed).toHaveLength(before.length + 29);

    const mark = sim.current.account.calls.length;
    const findings: Finding[] = [];
    for (const event of events) findings.push(...(await invoke(event)).findings);
    const acted = ec2Writes(sim.current.account.calls.slice(mark));
    // The budget's 20 writes: 5 on each group, the breach among them; the rest held back.
    expect(acted.map((call) => call.command)).toEqual(Array(20).fill('RevokeSecurityGroupIngress'));
    expect(findings.filter((finding) => finding.kind === 'safety.budget-exhausted')).toHaveLength(1);
    const actedFindings = findings.filter((finding) => finding.outcome === 'acted');
    expect(actedFindings).toHaveLength(20);
    // Each acted finding names the id its revoke was journaled under.
    for (const finding of actedFindings) expect(finding.id).toMatch(new RegExp(`^${finding.eventId}/`));

    const run = captured();
    const undoMark = sim.current.account.calls.length;
    expect(await main(['undo', '--since', '15m', '--stage', 'prod', '--yes'], run.io)).toBe(0);
    const undone = ec2Writes(sim.current.account.calls.slice(undoMark));

    // 19 rules re-created, one call each; the world-open 5432 is not among them.
    expect(undone.map((call) => call.command)).toEqual(Array(19).fill('AuthorizeSecurityGroupIngress'));
    expect(JSON.stringify(undone.map((call) => call.input))).not.toContain('0.0.0.0/0');
    expect(run.out.join('\n')).toContain(
      'refused: re-creating tcp 5432 from 0.0.0.0/0 would breach the guardrail forbid[0] of "account-wide-guardrails": undo never re-opens a guardrail breach',
    );
    // Exactly the estate the storm left, less the breach: the untrusted additions back, nothing else.
    const world = stormed.filter((rule) => rule.includes('"0.0.0.0/0"'));
    expect(world).toHaveLength(1);
    expect(await estate()).toEqual(stormed.filter((rule) => !world.includes(rule)));

    // Each reversal is journaled too: a second undo finds nothing left to reverse and makes no call.
    const again = captured();
    const againMark = sim.current.account.calls.length;
    expect(await main(['undo', '--since', '15m', '--stage', 'prod', '--yes'], again.io)).toBe(0);
    expect(ec2Writes(sim.current.account.calls.slice(againMark))).toEqual([]);
    expect(again.out[0]).toMatch(/^undo of the last 15m: 0 to reverse, 20 left as they are/);
  });
});

describe('the restore of an approved rule', () => {
  it('is journaled with its exact call and inverse, and undo of its finding id revokes that rule only', async () => {
    const baseline = [...sim.current.sg.rules.values()].find(
      (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    const event = await actAs(deployer, () =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          SecurityGroupRuleIds: [baseline?.SecurityGroupRuleId ?? ''],
        }),
      ),
    );
    const { findings } = await invoke(event);
    const restored = findings.find((finding) => finding.kind === 'sg.baseline-restored');
    const created = [...sim.current.sg.rules.values()].find(
      (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    expect(created?.SecurityGroupRuleId).not.toBe(baseline?.SecurityGroupRuleId);

    const records = await journalReader(table.current.client, table.current.tableName).byEvent(
      restored?.eventId ?? '',
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      recordedBy: 'netwarden',
      entry: {
        function: 'revert-sg-drift',
        action: 'restore',
        resource: GROUPS.postgres,
        cause: deployer.userIdentity.arn,
        eventId: restored?.eventId,
        region: 'ap-northeast-2',
        finding: { kind: 'sg.baseline-restored', title: restored?.title, id: restored?.id },
        call: {
          service: 'ec2',
          operation: 'AuthorizeSecurityGroupIngress',
          input: {
            GroupId: GROUPS.postgres,
            IpPermissions: [
              {
                IpProtocol: 'tcp',
                FromPort: 5432,
                ToPort: 5432,
                UserIdGroupPairs: [{ GroupId: GROUPS.gateway, Description: 'PostgreSQL from Gateway ONLY' }],
              },
            ],
            TagSpecifications: [
              {
                ResourceType: 'security-group-rule',
                Tags: [{ Key: 'netwarden:restored', Value: 'baseline' }],
              },
            ],
          },
        },
        inverse: {
          service: 'ec2',
          operation: 'RevokeSecurityGroupIngress',
          input: { GroupId: GROUPS.postgres, SecurityGroupRuleIds: [created?.SecurityGroupRuleId] },
        },
      },
    });

    const run = captured();
    const mark = sim.current.account.calls.length;
    expect(await main(['undo', restored?.id ?? '', '--stage', 'prod', '--yes'], run.io)).toBe(0);
    expect(run.out[0]).toBe(
      `undo of finding ${restored?.id}: 1 to reverse, 0 left as they are (newest first)`,
    );
    const undone = ec2Writes(sim.current.account.calls.slice(mark));
    expect(undone.map((call) => [call.command, call.input])).toEqual([
      [
        'RevokeSecurityGroupIngress',
        { GroupId: GROUPS.postgres, SecurityGroupRuleIds: [created?.SecurityGroupRuleId] },
      ],
    ]);
  });
});
