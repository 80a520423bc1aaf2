/**
 * The exact AWS calls netwarden's writes make, and the calls that reverse them, as the journal keeps
 * them (shared/safety/journal.ts): service, operation and the input the SDK sends. The EC2 adapter
 * builds its security-group writes from these same functions, so what the journal says was called is
 * what was sent. No SDK code runs here (the SDK's types only): use cases import it to describe their
 * writes without loading a client.
 */
import type { IpPermission, TagSpecification } from '@aws-sdk/client-ec2';
import type { Direction, Rule } from '../rules/rule';
import type { AwsCall } from '../safety/journal';
import { toIpPermission } from './ec2/rule-shapes';

const side = (direction: Direction) => (direction === 'ingress' ? 'Ingress' : 'Egress');

/** The input of a revoke by rule ids, as the EC2 adapter sends it. */
export const revokeRulesInput = (groupId: string, ruleIds: ReadonlyArray<string>) => ({
  GroupId: groupId,
  SecurityGroupRuleIds: [...ruleIds],
});

export function revokeRulesCall(
  groupId: string,
  direction: Direction,
  ruleIds: ReadonlyArray<string>,
): AwsCall {
  return {
    service: 'ec2',
    operation: `RevokeSecurityGroup${side(direction)}`,
    input: revokeRulesInput(groupId, ruleIds),
  };
}

/** The input of an authorize, as the EC2 adapter sends it. */
export function authorizeRulesInput(
  groupId: string,
  rules: ReadonlyArray<Rule>,
  tags?: Readonly<Record<string, string>>,
): { GroupId: string; IpPermissions: IpPermission[]; TagSpecifications?: TagSpecification[] } {
  const tagList = Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  return {
    GroupId: groupId,
    IpPermissions: rules.map(toIpPermission),
    ...(tagList.length > 0
      ? { TagSpecifications: [{ ResourceType: 'security-group-rule' as const, Tags: tagList }] }
      : {}),
  };
}

export function authorizeRulesCall(
  groupId: string,
  direction: Direction,
  rules: ReadonlyArray<Rule>,
  tags?: Readonly<Record<string, string>>,
): AwsCall {
  return {
    service: 'ec2',
    operation: `AuthorizeSecurityGroup${side(direction)}`,
    input: authorizeRulesInput(groupId, rules, tags),
  };
}

/** What reverses authorizing `rules`: revoking the rules AWS created, by id when their ids are known. */
export function revokeAuthorizedCall(
  groupId: string,
  direction: Direction,
  created: ReadonlyArray<Rule>,
  rules: ReadonlyArray<Rule>,
): AwsCall {
  const ids = created.map((rule) => rule.ruleId).filter((id): id is string => id !== undefined);
  if (ids.length === created.length && ids.length > 0) return revokeRulesCall(groupId, direction, ids);
  return {
    service: 'ec2',
    operation: `RevokeSecurityGroup${side(direction)}`,
    input: { GroupId: groupId, IpPermissions: rules.map(toIpPermission) },
  };
}

export const createTagsCall = (
  resources: ReadonlyArray<string>,
  tags: Readonly<Record<string, string>>,
): AwsCall => ({
  service: 'ec2',
  operation: 'CreateTags',
  input: { Resources: [...resources], Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
});

export const deleteTagsCall = (resources: ReadonlyArray<string>, keys: ReadonlyArray<string>): AwsCall => ({
  service: 'ec2',
  operation: 'DeleteTags',
  input: { Resources: [...resources], Tags: keys.map((Key) => ({ Key })) },
});

export const instancesCall = (
  operation: 'StartInstances' | 'StopInstances' | 'RebootInstances',
  id: string,
): AwsCall => ({
  service: 'ec2',
  operation,
  input: { InstanceIds: [id] },
});

export const targetsCall = (
  operation: 'RegisterTargets' | 'DeregisterTargets',
  targetGroupArn: string,
  target: { readonly id: string; readonly port: number },
): AwsCall => ({
  service: 'elbv2',
  operation,
  input: { TargetGroupArn: targetGroupArn, Targets: [{ Id: target.id, Port: target.port }] },
});
