/**
 * The weekly audit at scale: 2,500 groups × 60 rules (150,000 rules) in one pass of the pure core.
 * Generation is not timed; the audit is run a few times and the median reported.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { auditAccount } from '../../shared/audits/security-group-audit';
import { toIpPermission } from '../../shared/aws/ec2/rule-shapes';
import { ec2SecurityGroupInventory } from '../../shared/aws/ec2/security-groups';
import { createSimulatedAccount } from '../../simulated-account/index';
import { syntheticAccount } from '../../test/helpers/synthetic-account';
import { median } from '../measure';

export async function benchAudit(): Promise<unknown> {
  const account = syntheticAccount();
  const times: number[] = [];
  let report: ReturnType<typeof auditAccount> | undefined;
  for (let round = 0; round < 5; round += 1) {
    const start = process.hrtime.bigint();
    report = auditAccount({ ...account, staleReferences: [] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const pages = await auditPages(account);
  const medianAuditMs = median(times);
  return {
    groups: account.groups.length,
    rules: account.rules.length,
    medianAuditMs,
    apiPages: pages,
    found: {
      missing: report?.drift.missing.length,
      unapproved: report?.drift.unapproved.length,
      redundant: report?.redundant.length,
      guardrails: report?.guardrails.length,
      unattached: report?.unattached.length,
      exceptions: report?.exceptions.length,
    },
    targets: [
      {
        target: `weekly audit of ${account.rules.length.toLocaleString('en')} rules analysed in under 2 s`,
        actual: `${Math.round(medianAuditMs)} ms; read in ${pages.DescribeSecurityGroups} + ${pages.DescribeSecurityGroupRules} pages`,
        pass: medianAuditMs < 2000,
      },
    ],
  };
}

/**
 * The describe pages the weekly check needs to read that account: the synthetic groups and rules are
 * put into the simulated account and read through the check's own adapter (1,000 per page).
 */
async function auditPages(account: ReturnType<typeof syntheticAccount>): Promise<Record<string, number>> {
  const sim = createSimulatedAccount({ seed: false });
  try {
    for (const group of account.groups) {
      sim.sg.groups.set(group.groupId, {
        GroupId: group.groupId,
        GroupName: group.groupName,
        VpcId: 'vpc-0a1b2c3d4e5f60001',
        Tags: Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value })),
      });
    }
    account.rules.forEach((rule, index) => {
      const id = rule.ruleId ?? `sgr-${index.toString(16).padStart(17, '0')}`;
      const permission = toIpPermission(rule);
      sim.sg.rules.set(id, {
        SecurityGroupRuleId: id,
        GroupId: rule.groupId,
        IsEgress: rule.direction === 'egress',
        IpProtocol: rule.protocol,
        FromPort: rule.fromPort,
        ToPort: rule.toPort,
        ...(permission.IpRanges ? { CidrIpv4: permission.IpRanges[0]?.CidrIp } : {}),
        ...(permission.Ipv6Ranges ? { CidrIpv6: permission.Ipv6Ranges[0]?.CidrIpv6 } : {}),
        ...(permission.PrefixListIds ? { PrefixListId: permission.PrefixListIds[0]?.PrefixListId } : {}),
        ...(permission.UserIdGroupPairs
          ? { ReferencedGroupInfo: { GroupId: permission.UserIdGroupPairs[0]?.GroupId } }
          : {}),
        Tags: Object.entries(rule.tags).map(([Key, Value]) => ({ Key, Value })),
      });
    });
    const reads = ec2SecurityGroupInventory(new EC2Client({}));
    await reads.groups();
    await reads.rules();
    const count = (command: string) => sim.account.calls.filter((call) => call.command === command).length;
    return {
      DescribeSecurityGroups: count('DescribeSecurityGroups'),
      DescribeSecurityGroupRules: count('DescribeSecurityGroupRules'),
    };
  } finally {
    sim.restore();
  }
}
