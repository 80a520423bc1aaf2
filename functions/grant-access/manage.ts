/**
 * Listing and revoking grants by hand (`netwarden grants`, `netwarden revoke <rule-id>`). Listing is
 * the same one tag-filtered query expire-grants runs; revoking refuses anything that is not a grant.
 */
import type { SecurityGroupPort } from '../../shared/aws/ec2';
import { awsErrorCode, errorMessage } from '../../shared/errors';
import type { Finding, Publish } from '../../shared/findings/finding';
import { revokedFinding } from '../../shared/grants/findings';
import { type Grant, parseGrant } from '../../shared/grants/grant';
import { GRANT_QUERY, GRANT_TAGS, hasGrantTags } from '../../shared/grants/tags';
import { effectiveMode } from '../../shared/policy/load';
import type { Mode, Policy } from '../../shared/policy/schema';
import type { Rule } from '../../shared/rules/rule';

export interface ManageDeps {
  readonly sg: Pick<SecurityGroupPort, 'describeRulesByFilters' | 'describeRulesByIds' | 'revokeRules'>;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly modeOverride?: Mode;
}

export interface GrantListing {
  readonly grants: Array<{ grant: Grant; msLeft: number }>;
  readonly invalid: Array<{ rule: Rule; problems: string[] }>;
}

export async function listGrants(deps: Pick<ManageDeps, 'sg' | 'now' | 'policy'>): Promise<GrantListing> {
  const policy = deps.policy.grants;
  const rules = await deps.sg.describeRulesByFilters(GRANT_QUERY);
  const now = deps.now();
  const listing: GrantListing = { grants: [], invalid: [] };
  for (const rule of rules) {
    const parsed = policy
      ? parseGrant(rule, policy, now)
      : { ok: false as const, problems: ['the policy has no grants section'] };
    if (parsed.ok)
      listing.grants.push({ grant: parsed.grant, msLeft: parsed.grant.expiresAt.getTime() - now.getTime() });
    else listing.invalid.push({ rule, problems: parsed.problems });
  }
  listing.grants.sort((a, b) => a.msLeft - b.msLeft);
  return listing;
}

export type RevokeOutcome =
  | { status: 'not-found' | 'not-a-grant'; message: string }
  | { status: 'revoked' | 'already-gone' | 'would-revoke'; rule: Rule; finding: Finding };

const NOT_FOUND = new Set(['InvalidSecurityGroupRuleId.NotFound', 'InvalidSecurityGroupRuleId.Malformed']);

export async function revokeGrant(ruleId: string, by: string, deps: ManageDeps): Promise<RevokeOutcome> {
  let rule: Rule | undefined;
  try {
    [rule] = await deps.sg.describeRulesByIds([ruleId]);
  } catch (error) {
    if (!NOT_FOUND.has(awsErrorCode(error) ?? '')) throw error;
    return { status: 'not-found', message: `rule ${ruleId} does not exist: ${errorMessage(error)}` };
  }
  if (!rule) return { status: 'not-found', message: `rule ${ruleId} does not exist` };
  // Only grants: this command must never become a way to remove a Terraform or baseline rule.
  if (!hasGrantTags(rule.tags))
    return {
      status: 'not-a-grant',
      message: `rule ${ruleId} is not a grant (it has no netwarden:grant-* tags); only grants can be revoked here`,
    };
  const mode = effectiveMode(deps.policy, deps.policy.grants, deps.modeOverride);
  let outcome: Finding['outcome'] = 'would-act';
  if (mode === 'enforce') {
    const result = await deps.sg.revokeRules(rule.groupId, rule.direction, [ruleId]);
    outcome = result.revoked.length > 0 ? 'acted' : 'already-done';
  }
  const finding = revokedFinding(rule, {
    kind: 'grant.revoked',
    outcome,
    mode,
    now: deps.now(),
    why: `revoked before its expiry by ${by}`,
    details: { owner: rule.tags[GRANT_TAGS.owner], expiresAt: rule.tags[GRANT_TAGS.expiresAt] },
  });
  await deps.publish(finding);
  const status =
    outcome === 'acted' ? 'revoked' : outcome === 'already-done' ? 'already-gone' : 'would-revoke';
  return { status, rule, finding };
}
