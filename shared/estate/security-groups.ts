/**
 * The security-group part of the estate: what revert-sg-drift, grant-access and expire-grants ask of
 * EC2 and change in it, and what the audits read of every group. shared/aws/ec2/ implements these;
 * tests pass the simulated account or plain fakes.
 */
import type { GroupFacts } from '../policy/match';
import type { Direction, Rule } from '../rules/rule';

/** An EC2 filter (`group-id`, `tag-key`, …): the values may use `*` as a wildcard. */
export interface RuleFilter {
  Name: string;
  Values: string[];
}

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

export interface SecurityGroups {
  /** By id only: a group name is unique per VPC only, so netwarden never resolves one. */
  describeGroups(filter?: { groupIds?: string[] }): Promise<GroupFacts[]>;
  describeGroupRules(groupId: string): Promise<Rule[]>;
  describeRulesByIds(ruleIds: string[]): Promise<Rule[]>;
  describeRulesByFilters(filters: RuleFilter[]): Promise<Rule[]>;
  revokeRules(groupId: string, direction: Direction, ruleIds: string[]): Promise<RevokeResult>;
  authorizeRules(
    groupId: string,
    direction: Direction,
    rules: Rule[],
    tags?: Record<string, string>,
  ): Promise<AuthorizeResult>;
}

export interface RuleTagger {
  /** Creates or overwrites these tags on the rules (CreateTags is an upsert). */
  tagRules(ruleIds: string[], tags: Record<string, string>): Promise<void>;
}

export type AuditGroup = GroupFacts & { readonly ownerId?: string };

export interface SecurityGroupInventory {
  groups(): Promise<AuditGroup[]>;
  rules(): Promise<Rule[]>;
  /** Rules carrying any tag whose key matches `keyPattern` (`*` a wildcard, as EC2 filters take it). */
  rulesWithTagKey(keyPattern: string): Promise<Rule[]>;
  /** Names of the groups that still exist (a deleted group is simply absent), for the digest. */
  groupNames(groupIds: ReadonlyArray<string>): Promise<Map<string, string>>;
}

/** A rule that references a group that is gone, or a group across a peering that is gone. */
export interface StaleReference {
  readonly groupId: string;
  readonly groupName?: string;
  readonly direction: 'ingress' | 'egress';
  readonly referencedGroupId: string;
  readonly summary: string;
  /** Why it is stale: the referenced group is deleted, or the peering it crossed is gone. */
  readonly reason: string;
}

export interface NetworkReferences {
  /** DescribeStaleSecurityGroups for each VPC. */
  staleReferences(vpcIds: ReadonlyArray<string>): Promise<StaleReference[]>;
  /** Every group id used by a network interface (one full paginated DescribeNetworkInterfaces). */
  attachedGroupIds(): Promise<Set<string>>;
}
