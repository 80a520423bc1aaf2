/**
 * Reading rules by id when some may be gone. Kept apart from security-groups.ts, which imports the
 * EC2 client at module load: the use cases that call this import it statically, and must not pull the
 * SDK into a handler's cold start (the client is loaded on first use, see lazy.ts).
 */
import { awsErrorCode } from '../../errors';
import type { Rule } from '../../rules/rule';
import type { SecurityGroupPort } from './security-groups';

/** What DescribeSecurityGroupRules answers when an id it was given does not exist (any more). */
const GONE_CODES = new Set(['InvalidSecurityGroupRuleId.NotFound', 'InvalidPermission.NotFound']);

/**
 * The rules that still exist among `ruleIds`, by id: one DescribeSecurityGroupRules for the batch. AWS
 * refuses the whole read when one id is gone, so only then are the ids read one by one.
 */
export async function presentRulesByIds(
  sg: Pick<SecurityGroupPort, 'describeRulesByIds'>,
  ruleIds: string[],
): Promise<Map<string, Rule>> {
  const present = new Map<string, Rule>();
  const keep = (rules: Rule[]) => {
    for (const rule of rules) if (rule.ruleId) present.set(rule.ruleId, rule);
  };
  if (ruleIds.length === 0) return present;
  try {
    keep(await sg.describeRulesByIds(ruleIds));
    return present;
  } catch (error) {
    if (!GONE_CODES.has(awsErrorCode(error) ?? '')) throw error;
    if (ruleIds.length === 1) return present;
  }
  for (const ruleId of ruleIds) {
    try {
      keep(await sg.describeRulesByIds([ruleId]));
    } catch (error) {
      if (!GONE_CODES.has(awsErrorCode(error) ?? '')) throw error;
    }
  }
  return present;
}
