/**
 * EC2 network reads for the weekly audit: stale security-group references per VPC and the groups
 * network interfaces use. Paginated with NextToken.
 */
import {
  type EC2Client,
  paginateDescribeNetworkInterfaces,
  paginateDescribeStaleSecurityGroups,
  type StaleIpPermission,
} from '@aws-sdk/client-ec2';
import type { NetworkReferences, StaleReference } from '../../estate/security-groups';
import { describePorts, normalisePorts, normaliseProtocol } from '../../rules/rule';

interface PageSizes {
  /** DescribeNetworkInterfaces: 5–1000. */
  pageSize?: number;
  /** DescribeStaleSecurityGroups: 5–255. */
  stalePageSize?: number;
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

export function ec2NetworkReferences(client: EC2Client, options: PageSizes = {}): NetworkReferences {
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
