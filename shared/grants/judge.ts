/**
 * revert-sg-drift's judgement of rules carrying grant tags (DecideContext.judgeGrant).
 *
 * Valid-looking tags alone are never trusted, because anyone allowed to add a rule can also tag it:
 * - grant-access's own calls never get here (netwarden ignores its own CloudTrail events);
 * - a rule *added* with grant tags by anyone else is a forged grant unless that principal is a
 *   grantor (`grants.grantors`, e.g. the people who run `netwarden grant` with their own credentials)
 *   and the tags are valid;
 * - a grant *edited* by someone (ModifySecurityGroupRules) stays a grant only while it still grants
 *   exactly the access recorded in `netwarden:grant-access` and its tags are valid.
 * Anything else with grant tags is `invalid-grant`: revoked. Rules without grant tags: undefined.
 */

import type { GrantPolicy } from '../policy/schema';
import type { DecideContext } from '../sg/decide';
import { parseGrant } from './grant';
import { hasGrantTags } from './tags';

type Judge = NonNullable<DecideContext['judgeGrant']>;

export function grantJudge(policy: GrantPolicy | undefined, now: () => Date): Judge {
  return (rule, { action, actor }) => {
    if (!hasGrantTags(rule.tags)) return undefined;
    if (!policy) return { valid: false, problem: 'grant tags, but the policy has no grants section' };
    const parsed = parseGrant(rule, policy, now());
    if (!parsed.ok) return { valid: false, problem: parsed.problems.join('; ') };
    if (action === 'added') {
      return {
        valid: false,
        problem: `grant tags on a rule added by ${actor.display}, who is neither grant-access nor a grantor (grants.grantors)`,
      };
    }
    return { valid: true };
  };
}
