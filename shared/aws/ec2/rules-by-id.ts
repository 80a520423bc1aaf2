/**
 * Reading rules by id when some may be gone. Kept apart from security-groups.ts, which imports the
 * EC2 client at module load: the use cases that call this import it statically, and must not pull the
 * SDK into a handler's cold start (the client is loaded on first use, see lazy.ts).
 */
import { isGone } from '../../errors';
import type { SecurityGroups } from '../../estate/security-groups';
import type { Rule } from '../../rules/rule';

/**
 * The rules that still exist among `ruleIds`, by id: one DescribeSecurityGroupRules for the batch. AWS
 * refuses the whole read when one id is gone, so only then are the ids read one by one.
 */
export async function presentRulesByIds(
  sg: Pick<SecurityGroups, 'describeRulesByIds'>,
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
    if (!isGone(error, 'rule')) throw error;
    if (ruleIds.length === 1) return present;
  }
  for (const ruleId of ruleIds) {
    try {
      keep(await sg.describeRulesByIds([ruleId]));
    } catch (error) {
      if (!isGone(error, 'rule')) throw error;
    }
  }
  return present;
}
