/**
 * EC2 reads for the checks: every group and rule (the audit), tag-filtered rules (grants), stale
 * references per VPC and the groups network interfaces use. All paginated with NextToken.
 */
import {
  type EC2Client,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  paginateDescribeStaleSecurityGroups,
  type StaleIpPermission,
} from '@aws-sdk/client-ec2';
import type { StaleReference } from '../audits/audit';
import type { AuditGroup, NetworkReads, SecurityGroupReads } from '../audits/ports';
import { groupFactsFromSdk, ruleFromSdk } from '../rules/normalise';
import { describePorts, normalisePorts, normaliseProtocol } from '../rules/rule';

interface PageSizes {
  /** DescribeSecurityGroups / Rules / NetworkInterfaces: 5–1000. */
  pageSize?: number;
  /** DescribeStaleSecurityGroups: 5–255. */
  stalePageSize?: number;
}

/** EC2 takes at most 200 values in one filter. */
const FILTER_VALUES_PER_CALL = 200;

export function securityGroupReads(client: EC2Client, options: PageSizes = {}): SecurityGroupReads {
  const config = { client, pageSize: options.pageSize ?? 1000 };
  const rules = async (input: { Filters?: Array<{ Name: string; Values: string[] }> }) => {
    const result = [];
    for await (const page of paginateDescribeSecurityGroupRules(config, input))
      for (const rule of page.SecurityGroupRules ?? []) result.push(ruleFromSdk(rule));
    return result;
  };
  return {
    async groups() {
      const groups: AuditGroup[] = [];
      for await (const page of paginateDescribeSecurityGroups(config, {}))
        for (const group of page.SecurityGroups ?? []) {
          const facts = groupFactsFromSdk(group);
          if (facts) groups.push({ ...facts, ...(group.OwnerId ? { ownerId: group.OwnerId } : {}) });
        }
      return groups;
    },
    rules: () => rules({}),
    // EC2 filters accept `*` in values: every rule that has the tag, whatever its value.
    rulesWithTagKey: (keyPattern) => rules({ Filters: [{ Name: 'tag-key', Values: [keyPattern] }] }),
    async groupNames(groupIds) {
      // A group-id filter, not GroupIds: one deleted group would fail the whole GroupIds call.
      const ids = [...new Set(groupIds)];
      const names = new Map<string, string>();
      for (let start = 0; start < ids.length; start += FILTER_VALUES_PER_CALL) {
        const Filters = [{ Name: 'group-id', Values: ids.slice(start, start + FILTER_VALUES_PER_CALL) }];
        for await (const page of paginateDescribeSecurityGroups(config, { Filters }))
          for (const group of page.SecurityGroups ?? [])
            if (group.GroupId && group.GroupName) names.set(group.GroupId, group.GroupName);
      }
      return names;
    },
  };
}

function staleOf(
  groupId: string,
  direction: 'ingress' | 'egress',
  permission: StaleIpPermission,
): StaleReference[] {
  const protocol = normaliseProtocol(permission.IpProtocol ?? '-1') ?? permission.IpProtocol ?? '-1';
  const ports = describePorts({
    groupId,
    direction,
    protocol,
    ...normalisePorts(protocol, permission.FromPort, permission.ToPort),
    peer: { type: 'ipv4', cidr: '' },
    tags: {},
  });
  return (permission.UserIdGroupPairs ?? []).map((pair) => ({
    groupId,
    direction,
    referencedGroupId: pair.GroupId ?? pair.GroupName ?? '?',
    summary: `${ports} ${direction === 'ingress' ? 'from' : 'to'} ${pair.GroupId ?? pair.GroupName ?? '?'}`,
    reason: pair.VpcPeeringConnectionId
      ? `stale: the peering ${pair.VpcPeeringConnectionId} is ${pair.PeeringStatus ?? 'gone'}`
      : 'stale: the referenced group is gone',
  }));
}

export function networkReads(client: EC2Client, options: PageSizes = {}): NetworkReads {
  return {
    async staleReferences(vpcIds) {
      const result: StaleReference[] = [];
      for (const vpcId of vpcIds) {
        for await (const page of paginateDescribeStaleSecurityGroups(
          { client, pageSize: options.stalePageSize ?? 255 },
          { VpcId: vpcId },
        )) {
          for (const group of page.StaleSecurityGroupSet ?? []) {
            const groupId = group.GroupId ?? '?';
            for (const permission of group.StaleIpPermissions ?? [])
              result.push(...staleOf(groupId, 'ingress', permission));
            for (const permission of group.StaleIpPermissionsEgress ?? [])
              result.push(...staleOf(groupId, 'egress', permission));
          }
        }
      }
      return result;
    },
    async attachedGroupIds() {
      // One full paginated listing beats one filtered call per group (2,500 groups = 2,500 calls).
      const ids = new Set<string>();
      for await (const page of paginateDescribeNetworkInterfaces(
        { client, pageSize: options.pageSize ?? 1000 },
        {},
      ))
        for (const eni of page.NetworkInterfaces ?? [])
          for (const group of eni.Groups ?? []) if (group.GroupId) ids.add(group.GroupId);
      return ids;
    },
  };
}
