/**
 * EC2's SDK shapes ↔ the Rule model: a `DescribeSecurityGroupRules` result becomes a `Rule`, a `Rule`
 * becomes the `IpPermission` that creates it. Here, not in shared/rules/, so that only shared/aws/
 * knows the SDK's types; the checks on each field are the same as for every other source of rules.
 */
import type { IpPermission, SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { GroupFacts } from '../../policy/match';
import { peerFromFields, protocolOf, RuleShapeError, tagsFromList } from '../../rules/normalise';
import { normalisePorts, type Rule } from '../../rules/rule';

/** What the policy selects a group by; undefined for a group without an id (never seen in practice). */
export function groupFactsFromSdk(group: SecurityGroup): GroupFacts | undefined {
  if (!group.GroupId) return undefined;
  return {
    groupId: group.GroupId,
    ...(group.GroupName ? { groupName: group.GroupName } : {}),
    ...(group.VpcId ? { vpcId: group.VpcId } : {}),
    tags: tagsFromList(group.Tags ?? []),
  };
}

/** A `DescribeSecurityGroupRules` result. */
export function ruleFromSdk(rule: SecurityGroupRule): Rule {
  const field = `SecurityGroupRule ${rule.SecurityGroupRuleId ?? '(no id)'}`;
  if (!rule.GroupId) throw new RuleShapeError(`${field}: expected GroupId, found none`);
  const protocol = protocolOf(rule.IpProtocol, `${field}.IpProtocol`);
  return {
    groupId: rule.GroupId,
    direction: rule.IsEgress ? 'egress' : 'ingress',
    protocol,
    ...normalisePorts(protocol, rule.FromPort, rule.ToPort),
    peer: peerFromFields(
      {
        cidrIpv4: rule.CidrIpv4,
        cidrIpv6: rule.CidrIpv6,
        prefixListId: rule.PrefixListId,
        groupId: rule.ReferencedGroupInfo?.GroupId,
        userId: rule.ReferencedGroupInfo?.UserId,
      },
      field,
    ),
    ...(rule.SecurityGroupRuleId ? { ruleId: rule.SecurityGroupRuleId } : {}),
    ...(rule.Description ? { description: rule.Description } : {}),
    tags: tagsFromList(rule.Tags ?? []),
  };
}

/** The SDK `IpPermission` that creates exactly this rule (used to restore a baseline rule or grant). */
export function toIpPermission(rule: Rule): IpPermission {
  const ports =
    rule.fromPort === -1 && rule.toPort === -1 && rule.protocol === '-1'
      ? {}
      : { FromPort: rule.fromPort, ToPort: rule.toPort };
  const description = rule.description ? { Description: rule.description } : {};
  const permission: IpPermission = { IpProtocol: rule.protocol, ...ports };
  switch (rule.peer.type) {
    case 'ipv4':
      return { ...permission, IpRanges: [{ CidrIp: rule.peer.cidr, ...description }] };
    case 'ipv6':
      return { ...permission, Ipv6Ranges: [{ CidrIpv6: rule.peer.cidr, ...description }] };
    case 'prefix-list':
      return { ...permission, PrefixListIds: [{ PrefixListId: rule.peer.prefixListId, ...description }] };
    case 'security-group':
      return {
        ...permission,
        UserIdGroupPairs: [
          {
            GroupId: rule.peer.groupId,
            ...(rule.peer.userId ? { UserId: rule.peer.userId } : {}),
            ...description,
          },
        ],
      };
  }
}
