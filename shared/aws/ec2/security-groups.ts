/**
 * Security groups and their rules: the effects revert-sg-drift, grant-access and expire-grants need,
 * and the audits' reads, paging each Describe API in one place. Every effect is idempotent: revoking a rule that is already gone and
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
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { awsErrorCode, isGone } from '../../errors';
import type {
  AuditGroup,
  AuthorizeResult,
  RevokeResult,
  SecurityGroupInventory,
  SecurityGroups,
} from '../../estate/security-groups';
import type { Direction, Rule } from '../../rules/rule';
import { authorizeRulesInput, revokeRulesInput } from '../calls';
import { groupFactsFromSdk, ruleFromSdk } from './rule-shapes';

const PRESENT_CODES = new Set(['InvalidPermission.Duplicate']);

/** DescribeSecurityGroups and DescribeSecurityGroupRules take 5–1000 results a page. */
const PAGE_SIZE = 1000;

/**
 * Every group `input` selects, all pages: the one place DescribeSecurityGroups is paged. MaxResults
 * cannot be combined with explicit GroupIds.
 */
async function pageGroups(
  client: EC2Client,
  input: { GroupIds?: string[]; Filters?: Filter[] },
  pageSize = PAGE_SIZE,
): Promise<SecurityGroup[]> {
  const groups: SecurityGroup[] = [];
  const config = input.GroupIds ? { client } : { client, pageSize };
  for await (const page of paginateDescribeSecurityGroups(config, input))
    groups.push(...(page.SecurityGroups ?? []));
  return groups;
}

/**
 * Every rule `input` selects, all pages: the one place DescribeSecurityGroupRules is paged.
 * MaxResults cannot be combined with explicit rule ids.
 */
async function pageRules(
  client: EC2Client,
  input: { Filters?: Filter[]; SecurityGroupRuleIds?: string[] },
  pageSize = PAGE_SIZE,
): Promise<Rule[]> {
  const rules: Rule[] = [];
  const config = input.SecurityGroupRuleIds ? { client } : { client, pageSize };
  for await (const page of paginateDescribeSecurityGroupRules(config, input))
    for (const rule of page.SecurityGroupRules ?? []) rules.push(ruleFromSdk(rule));
  return rules;
}

export function ec2SecurityGroups(client: EC2Client): SecurityGroups {
  const describeRules = (input: { Filters?: Filter[]; SecurityGroupRuleIds?: string[] }) =>
    pageRules(client, input);

  async function revokeOnce(groupId: string, direction: Direction, ruleIds: string[]): Promise<void> {
    // The journal's record of the call (shared/aws/calls.ts) is this very input.
    const input = revokeRulesInput(groupId, ruleIds);
    if (direction === 'ingress') await client.send(new RevokeSecurityGroupIngressCommand(input));
    else await client.send(new RevokeSecurityGroupEgressCommand(input));
  }

  async function authorizeOnce(
    groupId: string,
    direction: Direction,
    rules: Rule[],
    tags?: Record<string, string>,
  ) {
    // The journal's record of the call (shared/aws/calls.ts) is this very input.
    const input = authorizeRulesInput(groupId, rules, tags);
    const output =
      direction === 'ingress'
        ? await client.send(new AuthorizeSecurityGroupIngressCommand(input))
        : await client.send(new AuthorizeSecurityGroupEgressCommand(input));
    return (output.SecurityGroupRules ?? []).map(ruleFromSdk);
  }

  return {
    async describeGroups(filter = {}) {
      const input = filter.groupIds ? { GroupIds: filter.groupIds } : {};
      return (await pageGroups(client, input)).flatMap((group) => groupFactsFromSdk(group) ?? []);
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
        if (!isGone(error, 'rule')) throw error;
        if (ruleIds.length === 1) return { revoked: [], alreadyGone: [...ruleIds] };
      }
      // One id was gone and AWS refused the whole call: revoke the rest one by one.
      const result: RevokeResult = { revoked: [], alreadyGone: [] };
      for (const ruleId of ruleIds) {
        try {
          await revokeOnce(groupId, direction, [ruleId]);
          result.revoked.push(ruleId);
        } catch (error) {
          if (!isGone(error, 'rule')) throw error;
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

/** EC2 takes at most 200 values in one filter. */
const FILTER_VALUES_PER_CALL = 200;

/** The audits' reads: every group and rule of the account, tag-filtered rules (grants), group names. */
export function ec2SecurityGroupInventory(
  client: EC2Client,
  options: { /** 5–1000 */ pageSize?: number } = {},
): SecurityGroupInventory {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  return {
    async groups() {
      return (await pageGroups(client, {}, pageSize)).flatMap((group): AuditGroup[] => {
        const facts = groupFactsFromSdk(group);
        return facts ? [{ ...facts, ...(group.OwnerId ? { ownerId: group.OwnerId } : {}) }] : [];
      });
    },
    rules: () => pageRules(client, {}, pageSize),
    // EC2 filters accept `*` in values: every rule that has the tag, whatever its value.
    rulesWithTagKey: (keyPattern) =>
      pageRules(client, { Filters: [{ Name: 'tag-key', Values: [keyPattern] }] }, pageSize),
    async groupNames(groupIds) {
      // A group-id filter, not GroupIds: one deleted group would fail the whole GroupIds call.
      const ids = [...new Set(groupIds)];
      const names = new Map<string, string>();
      for (let start = 0; start < ids.length; start += FILTER_VALUES_PER_CALL) {
        const Filters = [{ Name: 'group-id', Values: ids.slice(start, start + FILTER_VALUES_PER_CALL) }];
        for (const group of await pageGroups(client, { Filters }, pageSize))
          if (group.GroupId && group.GroupName) names.set(group.GroupId, group.GroupName);
      }
      return names;
    },
  };
}
