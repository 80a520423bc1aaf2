/**
 * EC2 security groups and rules in the simulated account, with the behaviours netwarden depends on:
 * sgr- ids, canonical CIDRs, InvalidPermission.Duplicate on an exact duplicate,
 * InvalidPermission.NotFound / InvalidSecurityGroupRuleId.NotFound on revoking what is gone,
 * filters, MaxResults and NextToken — and a CloudTrail event for every write.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  type AuthorizeSecurityGroupIngressCommandInput,
  CreateTagsCommand,
  type CreateTagsCommandInput,
  DeleteTagsCommand,
  type DeleteTagsCommandInput,
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandInput,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  EC2Client,
  type IpPermission,
  ModifySecurityGroupRulesCommand,
  type ModifySecurityGroupRulesCommandInput,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type RevokeSecurityGroupIngressCommandInput,
  type SecurityGroup,
  type SecurityGroupRule,
  type Tag,
} from '@aws-sdk/client-ec2';
import { canonicalCidr } from '../shared/rules/cidr';
import { normaliseProtocol } from '../shared/rules/rule';
import type { SimulatedAccount } from './account';
import { awsError, SimulatedAwsError } from './errors';
import { matchesFilters, page, tagFilterValue } from './paging';

export interface SecurityGroupState {
  readonly groups: Map<string, SecurityGroup>;
  readonly rules: Map<string, SecurityGroupRule>;
  /** Rules per direction and address family, as AWS counts them (60 by default). */
  rulesPerGroupLimit: number;
}

type Direction = 'ingress' | 'egress';

function peerOf(rule: SecurityGroupRule): string {
  return rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? rule.ReferencedGroupInfo?.GroupId ?? '?';
}

function accessKey(rule: SecurityGroupRule): string {
  return [rule.GroupId, rule.IsEgress, rule.IpProtocol, rule.FromPort, rule.ToPort, peerOf(rule)].join('|');
}

function protocolName(raw: string | undefined): string {
  const protocol = normaliseProtocol(raw ?? '-1');
  if (protocol === undefined)
    throw awsError('InvalidParameterValue', `Invalid value '${raw}' for IP protocol`);
  return protocol;
}

function canonical(cidr: string, field: string): string {
  const value = canonicalCidr(cidr);
  if (value === undefined)
    throw awsError('InvalidParameterValue', `Value (${cidr}) for parameter ${field} is invalid`);
  return value;
}

/** The rules an IpPermission creates: one per source, as AWS does. */
function expand(
  permission: IpPermission,
  groupId: string,
  direction: Direction,
  ownerId: string,
): SecurityGroupRule[] {
  const protocol = protocolName(permission.IpProtocol);
  const ports =
    protocol === '-1'
      ? { FromPort: -1, ToPort: -1 }
      : { FromPort: permission.FromPort ?? -1, ToPort: permission.ToPort ?? -1 };
  const base = {
    GroupId: groupId,
    GroupOwnerId: ownerId,
    IsEgress: direction === 'egress',
    IpProtocol: protocol,
    ...ports,
  };
  const describe = (description?: string) => (description ? { Description: description } : {});
  return [
    ...(permission.IpRanges ?? []).map((range) => ({
      ...base,
      CidrIpv4: canonical(range.CidrIp ?? '', 'CidrIp'),
      ...describe(range.Description),
    })),
    ...(permission.Ipv6Ranges ?? []).map((range) => ({
      ...base,
      CidrIpv6: canonical(range.CidrIpv6 ?? '', 'CidrIpv6'),
      ...describe(range.Description),
    })),
    ...(permission.PrefixListIds ?? []).map((list) => ({
      ...base,
      PrefixListId: list.PrefixListId ?? '',
      ...describe(list.Description),
    })),
    ...(permission.UserIdGroupPairs ?? []).map((pair) => ({
      ...base,
      ReferencedGroupInfo: { GroupId: pair.GroupId ?? '', UserId: pair.UserId ?? ownerId },
      ...describe(pair.Description),
    })),
  ];
}

function ctList<T>(items: T[]): { items: T[] } | Record<string, never> {
  return items.length > 0 ? { items } : {};
}

/** An SDK IpPermission as CloudTrail records it in requestParameters (lowerCamel, `{items}` lists). */
function ctPermission(permission: IpPermission) {
  const describe = (description?: string) => (description ? { description } : {});
  return {
    ipProtocol: permission.IpProtocol,
    ...(permission.FromPort !== undefined ? { fromPort: permission.FromPort } : {}),
    ...(permission.ToPort !== undefined ? { toPort: permission.ToPort } : {}),
    groups: ctList(
      (permission.UserIdGroupPairs ?? []).map((pair) => ({
        groupId: pair.GroupId,
        ...describe(pair.Description),
      })),
    ),
    ipRanges: ctList(
      (permission.IpRanges ?? []).map((range) => ({ cidrIp: range.CidrIp, ...describe(range.Description) })),
    ),
    ipv6Ranges: ctList(
      (permission.Ipv6Ranges ?? []).map((range) => ({
        cidrIpv6: range.CidrIpv6,
        ...describe(range.Description),
      })),
    ),
    prefixListIds: ctList(
      (permission.PrefixListIds ?? []).map((list) => ({
        prefixListId: list.PrefixListId,
        ...describe(list.Description),
      })),
    ),
  };
}

/** A rule as the Authorize response (`referencedGroupInfo`) or Revoke response (flat `referencedGroupId`) shows it. */
function ctRule(rule: SecurityGroupRule, flavour: 'authorize' | 'revoke') {
  const peer = rule.CidrIpv4
    ? { cidrIpv4: rule.CidrIpv4 }
    : rule.CidrIpv6
      ? { cidrIpv6: rule.CidrIpv6 }
      : rule.PrefixListId
        ? { prefixListId: rule.PrefixListId }
        : flavour === 'authorize'
          ? {
              referencedGroupInfo: {
                groupId: rule.ReferencedGroupInfo?.GroupId,
                userId: rule.ReferencedGroupInfo?.UserId,
              },
            }
          : { referencedGroupId: rule.ReferencedGroupInfo?.GroupId };
  return {
    ...(flavour === 'authorize' ? { groupOwnerId: rule.GroupOwnerId } : {}),
    groupId: rule.GroupId,
    securityGroupRuleId: rule.SecurityGroupRuleId,
    isEgress: rule.IsEgress,
    ipProtocol: rule.IpProtocol,
    fromPort: rule.FromPort,
    toPort: rule.ToPort,
    ...peer,
    ...(rule.Description ? { description: rule.Description } : {}),
    ...(flavour === 'authorize' && rule.Tags && rule.Tags.length > 0
      ? { tagSet: { items: rule.Tags.map((tag) => ({ key: tag.Key, value: tag.Value })) } }
      : {}),
  };
}

function duplicateMessage(rule: SecurityGroupRule): string {
  const ports =
    rule.IpProtocol === '-1'
      ? 'ALL'
      : `${(rule.IpProtocol ?? '').toUpperCase()}, from port: ${rule.FromPort}, to port: ${rule.ToPort}`;
  return `the specified rule "peer: ${peerOf(rule)}, ${ports}, ALLOW" already exists`;
}

export function installSecurityGroups(account: SimulatedAccount): SecurityGroupState {
  const state: SecurityGroupState = { groups: new Map(), rules: new Map(), rulesPerGroupLimit: 60 };

  const groupOrThrow = (input: { GroupId?: string; GroupName?: string }): SecurityGroup => {
    const group = input.GroupId
      ? state.groups.get(input.GroupId)
      : [...state.groups.values()].find((candidate) => candidate.GroupName === input.GroupName);
    if (!group)
      throw awsError(
        'InvalidGroup.NotFound',
        `The security group '${input.GroupId ?? input.GroupName}' does not exist`,
      );
    return group;
  };

  /** Emits the CloudTrail record of a write, success or failure, then rethrows failures. */
  const withTrail = <T>(
    eventName: string,
    request: Record<string, unknown>,
    run: () => { result: T; response: Record<string, unknown> },
  ): T => {
    try {
      const { result, response } = run();
      account.emit(eventName, request, { responseElements: response });
      return result;
    } catch (error) {
      if (error instanceof SimulatedAwsError)
        account.emit(eventName, request, { errorCode: error.code, errorMessage: error.message });
      throw error;
    }
  };

  const authorize = (direction: Direction) => (input: AuthorizeSecurityGroupIngressCommandInput) => {
    const eventName =
      direction === 'ingress' ? 'AuthorizeSecurityGroupIngress' : 'AuthorizeSecurityGroupEgress';
    const flat = input.CidrIp !== undefined || input.IpProtocol !== undefined;
    const permissions: IpPermission[] = flat
      ? [
          {
            IpProtocol: input.IpProtocol,
            FromPort: input.FromPort,
            ToPort: input.ToPort,
            IpRanges: [{ CidrIp: input.CidrIp }],
          },
        ]
      : (input.IpPermissions ?? []);
    const tags = (input.TagSpecifications ?? [])
      .filter((spec) => spec.ResourceType === 'security-group-rule')
      .flatMap((spec) => spec.Tags ?? []);
    const request = {
      ...(input.GroupId ? { groupId: input.GroupId } : { groupName: input.GroupName }),
      ipPermissions: flat ? {} : ctList(permissions.map(ctPermission)),
      ...(flat
        ? {
            ipProtocol: input.IpProtocol,
            fromPort: input.FromPort,
            toPort: input.ToPort,
            cidrIp: input.CidrIp,
          }
        : {}),
      ...(tags.length > 0
        ? {
            tagSpecificationSet: {
              items: [
                {
                  resourceType: 'security-group-rule',
                  tags: tags.map((tag) => ({ key: tag.Key, value: tag.Value })),
                },
              ],
            },
          }
        : {}),
    };
    return withTrail(eventName, request, () => {
      const group = groupOrThrow(input);
      const candidates = permissions.flatMap((permission) =>
        expand(permission, group.GroupId ?? '', direction, account.accountId),
      );
      const existing = new Set([...state.rules.values()].map(accessKey));
      for (const rule of candidates) {
        if (existing.has(accessKey(rule)))
          throw awsError('InvalidPermission.Duplicate', duplicateMessage(rule));
        existing.add(accessKey(rule));
      }
      const inDirection = [...state.rules.values()].filter(
        (rule) => rule.GroupId === group.GroupId && rule.IsEgress === (direction === 'egress'),
      );
      if (inDirection.length + candidates.length > state.rulesPerGroupLimit) {
        throw awsError(
          'RulesPerSecurityGroupLimitExceeded',
          'The maximum number of rules per security group has been reached.',
        );
      }
      const created = candidates.map((rule) => {
        const id = account.newId('sgr');
        const withId: SecurityGroupRule = {
          ...rule,
          SecurityGroupRuleId: id,
          SecurityGroupRuleArn: `arn:aws:ec2:${account.region}:${account.accountId}:security-group-rule/${id}`,
          Tags: tags.map((tag) => ({ ...tag })),
        };
        state.rules.set(id, withId);
        return withId;
      });
      return {
        result: { Return: true, SecurityGroupRules: created },
        response: {
          _return: true,
          securityGroupRuleSet: { items: created.map((rule) => ctRule(rule, 'authorize')) },
        },
      };
    });
  };

  const revoke = (direction: Direction) => (input: RevokeSecurityGroupIngressCommandInput) => {
    const eventName = direction === 'ingress' ? 'RevokeSecurityGroupIngress' : 'RevokeSecurityGroupEgress';
    const byId = (input.SecurityGroupRuleIds ?? []).length > 0;
    const request = {
      ...(input.GroupId ? { groupId: input.GroupId } : { groupName: input.GroupName }),
      ...(byId
        ? {
            securityGroupRuleIds: {
              items: (input.SecurityGroupRuleIds ?? []).map((id) => ({ securityGroupRuleId: id })),
            },
            ipPermissions: {},
          }
        : { ipPermissions: ctList((input.IpPermissions ?? []).map(ctPermission)) }),
    };
    return withTrail(eventName, request, () => {
      const group = groupOrThrow(input);
      let targets: SecurityGroupRule[];
      if (byId) {
        targets = (input.SecurityGroupRuleIds ?? []).map((id) => {
          const rule = state.rules.get(id);
          if (!rule || rule.GroupId !== group.GroupId || rule.IsEgress !== (direction === 'egress')) {
            throw awsError(
              'InvalidSecurityGroupRuleId.NotFound',
              `The security group rule ID '${id}' does not exist`,
            );
          }
          return rule;
        });
      } else {
        const wanted = (input.IpPermissions ?? []).flatMap((permission) =>
          expand(permission, group.GroupId ?? '', direction, account.accountId),
        );
        targets = wanted.map((rule) => {
          const match = [...state.rules.values()].find((present) => accessKey(present) === accessKey(rule));
          if (!match)
            throw awsError(
              'InvalidPermission.NotFound',
              'The specified rule does not exist in this security group.',
            );
          return match;
        });
      }
      for (const rule of targets) state.rules.delete(rule.SecurityGroupRuleId ?? '');
      return {
        result: { Return: true, RevokedSecurityGroupRules: targets.map((rule) => ({ ...rule })) },
        response: {
          _return: true,
          revokedSecurityGroupRuleSet: { items: targets.map((rule) => ctRule(rule, 'revoke')) },
        },
      };
    });
  };

  account.handle(EC2Client, AuthorizeSecurityGroupIngressCommand, authorize('ingress'));
  account.handle(EC2Client, AuthorizeSecurityGroupEgressCommand, authorize('egress'));
  account.handle(EC2Client, RevokeSecurityGroupIngressCommand, revoke('ingress'));
  account.handle(EC2Client, RevokeSecurityGroupEgressCommand, revoke('egress'));

  account.handle(
    EC2Client,
    ModifySecurityGroupRulesCommand,
    (input: ModifySecurityGroupRulesCommandInput) => {
      const items = (input.SecurityGroupRules ?? []).map((item, index) => ({
        SecurityGroupRuleId: item.SecurityGroupRuleId,
        tag: index + 1,
        SecurityGroupRule: item.SecurityGroupRule,
      }));
      const request = {
        ModifySecurityGroupRulesRequest: {
          GroupId: input.GroupId,
          SecurityGroupRule: items.length === 1 ? items[0] : items,
        },
      };
      return withTrail('ModifySecurityGroupRules', request, () => {
        const group = groupOrThrow({ GroupId: input.GroupId ?? '' });
        for (const item of input.SecurityGroupRules ?? []) {
          const current = state.rules.get(item.SecurityGroupRuleId ?? '');
          if (!current || current.GroupId !== group.GroupId) {
            throw awsError(
              'InvalidSecurityGroupRuleId.NotFound',
              `The security group rule ID '${item.SecurityGroupRuleId}' does not exist`,
            );
          }
          const body = item.SecurityGroupRule ?? {};
          const protocol = protocolName(body.IpProtocol);
          const updated: SecurityGroupRule = {
            SecurityGroupRuleId: current.SecurityGroupRuleId,
            SecurityGroupRuleArn: current.SecurityGroupRuleArn,
            GroupId: current.GroupId,
            GroupOwnerId: current.GroupOwnerId,
            IsEgress: current.IsEgress,
            Tags: current.Tags,
            IpProtocol: protocol,
            FromPort: protocol === '-1' ? -1 : (body.FromPort ?? -1),
            ToPort: protocol === '-1' ? -1 : (body.ToPort ?? -1),
            ...(body.CidrIpv4 ? { CidrIpv4: canonical(body.CidrIpv4, 'CidrIpv4') } : {}),
            ...(body.CidrIpv6 ? { CidrIpv6: canonical(body.CidrIpv6, 'CidrIpv6') } : {}),
            ...(body.PrefixListId ? { PrefixListId: body.PrefixListId } : {}),
            ...(body.ReferencedGroupId
              ? { ReferencedGroupInfo: { GroupId: body.ReferencedGroupId, UserId: account.accountId } }
              : {}),
            ...(body.Description ? { Description: body.Description } : {}),
          };
          state.rules.set(current.SecurityGroupRuleId ?? '', updated);
        }
        return {
          result: { Return: true },
          response: {
            ModifySecurityGroupRulesResponse: {
              xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
              return: true,
            },
          },
        };
      });
    },
  );

  account.handle(EC2Client, DescribeSecurityGroupsCommand, (input: DescribeSecurityGroupsCommandInput) => {
    let groups = [...state.groups.values()];
    if (input.GroupIds && input.GroupIds.length > 0) {
      groups = input.GroupIds.map((id) => groupOrThrow({ GroupId: id }));
    }
    if (input.GroupNames && input.GroupNames.length > 0) {
      groups = input.GroupNames.map((name) => groupOrThrow({ GroupName: name }));
    }
    const filtered = groups.filter((group) =>
      matchesFilters(group, input.Filters, (item, name) => {
        if (name === 'group-id') return item.GroupId;
        if (name === 'group-name') return item.GroupName;
        if (name === 'vpc-id') return item.VpcId;
        return tagFilterValue(item.Tags, name);
      }),
    );
    const result = page(filtered, input, { min: 5, max: 1000, default: 1000 });
    return {
      SecurityGroups: result.items.map((group) => structuredClone(group)),
      ...(result.NextToken ? { NextToken: result.NextToken } : {}),
    };
  });

  account.handle(
    EC2Client,
    DescribeSecurityGroupRulesCommand,
    (input: DescribeSecurityGroupRulesCommandInput) => {
      let rules = [...state.rules.values()];
      if (input.SecurityGroupRuleIds && input.SecurityGroupRuleIds.length > 0) {
        rules = input.SecurityGroupRuleIds.map((id) => {
          const rule = state.rules.get(id);
          if (!rule)
            throw awsError(
              'InvalidSecurityGroupRuleId.NotFound',
              `The security group rule ID '${id}' does not exist`,
            );
          return rule;
        });
      }
      const filtered = rules.filter((rule) =>
        matchesFilters(rule, input.Filters, (item, name) => {
          if (name === 'group-id') return item.GroupId;
          if (name === 'security-group-rule-id') return item.SecurityGroupRuleId;
          return tagFilterValue(item.Tags, name);
        }),
      );
      const result = page(filtered, input, { min: 5, max: 1000, default: 1000 });
      return {
        SecurityGroupRules: result.items.map((rule) => structuredClone(rule)),
        ...(result.NextToken ? { NextToken: result.NextToken } : {}),
      };
    },
  );

  account.taggables.set('sg', (id) => state.groups.get(id) && (state.groups.get(id)?.Tags ?? []));
  account.taggables.set('sgr', (id) => state.rules.get(id) && (state.rules.get(id)?.Tags ?? []));
  installTagging(account);
  return state;
}

function tagsOf(account: SimulatedAccount, id: string): Tag[] {
  const tags = account.taggables.get(id.split('-')[0] ?? '')?.(id);
  if (!tags) throw awsError('InvalidID', `The ID '${id}' is not valid or does not exist`);
  return tags;
}

/** The CloudTrail requestParameters of CreateTags / DeleteTags. */
function ctTagRequest(input: { Resources?: string[]; Tags?: Array<{ Key?: string; Value?: string }> }) {
  return {
    resourcesSet: { items: (input.Resources ?? []).map((resourceId) => ({ resourceId })) },
    // An empty list is `{}` in CloudTrail (a DeleteTags naming no tag).
    tagSet:
      (input.Tags ?? []).length === 0
        ? {}
        : {
            items: (input.Tags ?? []).map((tag) => ({
              key: tag.Key,
              ...(tag.Value !== undefined ? { value: tag.Value } : {}),
            })),
          },
  };
}

/** Records the CloudTrail event of a tagging call (success or failure), as AWS does. */
function tagging(
  account: SimulatedAccount,
  eventName: string,
  input: CreateTagsCommandInput | DeleteTagsCommandInput,
  run: () => void,
) {
  try {
    run();
    account.emit(eventName, ctTagRequest(input), { responseElements: { _return: true } });
    return {};
  } catch (error) {
    account.emit(eventName, ctTagRequest(input), {
      errorCode: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    throw error;
  }
}

/** CreateTags / DeleteTags for every registered taggable resource (rules, groups, instances…). */
function installTagging(account: SimulatedAccount): void {
  account.handle(EC2Client, CreateTagsCommand, (input: CreateTagsCommandInput) =>
    tagging(account, 'CreateTags', input, () => {
      for (const id of input.Resources ?? []) {
        const tags = tagsOf(account, id);
        for (const tag of input.Tags ?? []) {
          const existing = tags.find((candidate) => candidate.Key === tag.Key);
          if (existing) existing.Value = tag.Value;
          else tags.push({ Key: tag.Key, Value: tag.Value });
        }
      }
    }),
  );
  account.handle(EC2Client, DeleteTagsCommand, (input: DeleteTagsCommandInput) =>
    tagging(account, 'DeleteTags', input, () => {
      for (const id of input.Resources ?? []) {
        const tags = tagsOf(account, id);
        // Without a tag list, EC2 deletes every user tag (not the reserved aws: ones).
        if ((input.Tags ?? []).length === 0) {
          const kept = tags.filter((tag) => tag.Key?.startsWith('aws:'));
          tags.splice(0, tags.length, ...kept);
        }
        for (const tag of input.Tags ?? []) {
          const index = tags.findIndex(
            (candidate) =>
              candidate.Key === tag.Key && (tag.Value === undefined || candidate.Value === tag.Value),
          );
          if (index >= 0) tags.splice(index, 1);
        }
      }
    }),
  );
}
