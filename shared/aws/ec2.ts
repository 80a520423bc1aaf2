/**
 * Security-group effects. Every call is idempotent: revoking a rule that is already gone and
 * authorising one that already exists are "done", not errors (Cloud Custodian #9656).
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  type EC2Client,
  type Filter,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type TagSpecification,
} from '@aws-sdk/client-ec2';
import { awsErrorCode } from '../errors';
import type { GroupFacts } from '../policy/match';
import { groupFactsFromSdk, ruleFromSdk, toIpPermission } from '../rules/normalise';
import type { Direction, Rule } from '../rules/rule';

const GONE_CODES = new Set(['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound']);
const PRESENT_CODES = new Set(['InvalidPermission.Duplicate']);

export interface RevokeResult {
  revoked: string[];
  alreadyGone: string[];
}
export interface AuthorizeResult {
  authorized: Rule[];
  alreadyPresent: Rule[];
  /** The rules as AWS created them, with their sgr- ids and tags (when the response carries them). */
  created?: Rule[];
}

export interface SecurityGroupPort {
  /** By id only: a group name is unique per VPC only, so netwarden never resolves one. */
  describeGroups(filter?: { groupIds?: string[] }): Promise<GroupFacts[]>;
  describeGroupRules(groupId: string): Promise<Rule[]>;
  describeRulesByIds(ruleIds: string[]): Promise<Rule[]>;
  describeRulesByFilters(filters: Filter[]): Promise<Rule[]>;
  revokeRules(groupId: string, direction: Direction, ruleIds: string[]): Promise<RevokeResult>;
  authorizeRules(
    groupId: string,
    direction: Direction,
    rules: Rule[],
    tags?: Record<string, string>,
  ): Promise<AuthorizeResult>;
}

const PAGE = { pageSize: 1000 } as const;

export function securityGroupPort(client: EC2Client): SecurityGroupPort {
  async function describeRules(input: {
    Filters?: Filter[];
    SecurityGroupRuleIds?: string[];
  }): Promise<Rule[]> {
    const rules: Rule[] = [];
    // MaxResults cannot be combined with explicit rule ids.
    const config = input.SecurityGroupRuleIds ? { client } : { client, ...PAGE };
    for await (const page of paginateDescribeSecurityGroupRules(config, input)) {
      for (const rule of page.SecurityGroupRules ?? []) rules.push(ruleFromSdk(rule));
    }
    return rules;
  }

  async function revokeOnce(groupId: string, direction: Direction, ruleIds: string[]): Promise<void> {
    const input = { GroupId: groupId, SecurityGroupRuleIds: ruleIds };
    if (direction === 'ingress') await client.send(new RevokeSecurityGroupIngressCommand(input));
    else await client.send(new RevokeSecurityGroupEgressCommand(input));
  }

  async function authorizeOnce(
    groupId: string,
    direction: Direction,
    rules: Rule[],
    tags?: Record<string, string>,
  ) {
    const tagSpecifications: TagSpecification[] | undefined =
      tags && Object.keys(tags).length > 0
        ? [
            {
              ResourceType: 'security-group-rule',
              Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ]
        : undefined;
    const input = {
      GroupId: groupId,
      IpPermissions: rules.map(toIpPermission),
      TagSpecifications: tagSpecifications,
    };
    const output =
      direction === 'ingress'
        ? await client.send(new AuthorizeSecurityGroupIngressCommand(input))
        : await client.send(new AuthorizeSecurityGroupEgressCommand(input));
    return (output.SecurityGroupRules ?? []).map(ruleFromSdk);
  }

  return {
    async describeGroups(filter = {}) {
      const groups: GroupFacts[] = [];
      const input = filter.groupIds ? { GroupIds: filter.groupIds } : {};
      const config = filter.groupIds ? { client } : { client, ...PAGE };
      for await (const page of paginateDescribeSecurityGroups(config, input)) {
        for (const group of page.SecurityGroups ?? []) {
          const facts = groupFactsFromSdk(group);
          if (facts) groups.push(facts);
        }
      }
      return groups;
    },

    describeGroupRules: (groupId) => describeRules({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
    describeRulesByIds: (ruleIds) => describeRules({ SecurityGroupRuleIds: ruleIds }),
    describeRulesByFilters: (filters) => describeRules({ Filters: filters }),

    async revokeRules(groupId, direction, ruleIds) {
      if (ruleIds.length === 0) return { revoked: [], alreadyGone: [] };
      try {
        await revokeOnce(groupId, direction, ruleIds);
        return { revoked: [...ruleIds], alreadyGone: [] };
      } catch (error) {
        if (!GONE_CODES.has(awsErrorCode(error) ?? '')) throw error;
        if (ruleIds.length === 1) return { revoked: [], alreadyGone: [...ruleIds] };
      }
      // One id was gone and AWS refused the whole call: revoke the rest one by one.
      const result: RevokeResult = { revoked: [], alreadyGone: [] };
      for (const ruleId of ruleIds) {
        try {
          await revokeOnce(groupId, direction, [ruleId]);
          result.revoked.push(ruleId);
        } catch (error) {
          if (!GONE_CODES.has(awsErrorCode(error) ?? '')) throw error;
          result.alreadyGone.push(ruleId);
        }
      }
      return result;
    },

    async authorizeRules(groupId, direction, rules, tags) {
      if (rules.length === 0) return { authorized: [], alreadyPresent: [] };
      try {
        const created = await authorizeOnce(groupId, direction, rules, tags);
        return { authorized: [...rules], alreadyPresent: [], created };
      } catch (error) {
        if (!PRESENT_CODES.has(awsErrorCode(error) ?? '')) throw error;
        if (rules.length === 1) return { authorized: [], alreadyPresent: [...rules] };
      }
      // One rule already existed and AWS refused the whole call: add the rest one by one.
      const result: AuthorizeResult = { authorized: [], alreadyPresent: [], created: [] };
      for (const rule of rules) {
        try {
          result.created?.push(...(await authorizeOnce(groupId, direction, [rule], tags)));
          result.authorized.push(rule);
        } catch (error) {
          if (!PRESENT_CODES.has(awsErrorCode(error) ?? '')) throw error;
          result.alreadyPresent.push(rule);
        }
      }
      return result;
    },
  };
}
