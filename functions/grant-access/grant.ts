/**
 * The grant-access use case (the Lambda and `netwarden grant` both call it): validate against
 * policy.grants → extend the live grant for the same access, or create the ingress rule with its
 * grant tags in the same Authorize call → publish one finding. Report mode decides and publishes only.
 */
import type { SecurityGroupPort } from '../../shared/aws/ec2';
import type { RuleTagger } from '../../shared/aws/ec2-tags';
import { awsErrorCode, errorMessage } from '../../shared/errors';
import type { Finding, Publish } from '../../shared/findings/finding';
import { grantedFinding, rejectedFinding } from '../../shared/grants/findings';
import { grantTags } from '../../shared/grants/grant';
import { type GrantRequest, type ValidGrant, validateGrantRequest } from '../../shared/grants/request';
import { hasGrantTags, isoSeconds } from '../../shared/grants/tags';
import { effectiveMode } from '../../shared/policy/load';
import type { Mode, Policy } from '../../shared/policy/schema';
import { type Rule, sameAccess, summarise } from '../../shared/rules/rule';
import { parseGrantEvent } from './schema';

export interface GrantAccessDeps {
  readonly sg: Pick<SecurityGroupPort, 'describeRulesByFilters' | 'authorizeRules'>;
  readonly tagger: RuleTagger;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly modeOverride?: Mode;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
}

export type GrantOutcome =
  | { status: 'rejected'; problems: string[]; finding: Finding }
  | {
      status: 'granted' | 'extended';
      mode: Mode;
      groupId: string;
      /** Absent only in report mode for a new grant (nothing was created). */
      ruleId?: string;
      access: string;
      expiresAt: string;
      finding: Finding;
    };

/** AWS refusals that are the request's fault, not a transient failure: reported, never retried. */
const REQUEST_ERRORS: Record<string, string> = {
  'InvalidGroup.NotFound': 'does not exist',
  RulesPerSecurityGroupLimitExceeded: 'has no room for another rule (RulesPerSecurityGroupLimitExceeded)',
};

async function reject(
  request: GrantRequest,
  problems: string[],
  deps: GrantAccessDeps,
): Promise<GrantOutcome> {
  const mode = effectiveMode(deps.policy, deps.policy.grants, deps.modeOverride);
  const finding = rejectedFinding(request, problems, { mode, now: deps.now() });
  deps.log?.('grant rejected', { problems, group: request.group });
  await deps.publish(finding);
  return { status: 'rejected', problems, finding };
}

async function extend(
  existing: Rule,
  grant: ValidGrant,
  mode: Mode,
  deps: GrantAccessDeps,
): Promise<GrantOutcome> {
  const ruleId = existing.ruleId ?? '';
  const tags = grantTags({ ...grant, rule: existing });
  if (mode === 'enforce') await deps.tagger.tagRules([ruleId], tags);
  const finding = grantedFinding(
    { ...grant, ruleId },
    {
      extended: true,
      outcome: mode === 'enforce' ? 'acted' : 'would-act',
      actions: [`CreateTags ${ruleId} ${Object.keys(tags).join(',')}`],
      mode,
      now: deps.now(),
    },
  );
  await deps.publish(finding);
  return {
    status: 'extended',
    mode,
    groupId: existing.groupId,
    ruleId,
    access: summarise(existing),
    expiresAt: isoSeconds(grant.expiresAt),
    finding,
  };
}

export async function grantAccess(raw: unknown, deps: GrantAccessDeps): Promise<GrantOutcome> {
  const shape = parseGrantEvent(raw);
  if (!shape.ok) return reject({}, shape.problems, deps);
  const request = shape.request;
  const validation = validateGrantRequest(request, deps.policy.grants, deps.now());
  if (!validation.ok) return reject(request, validation.problems, deps);
  const grant = validation.grant;
  const mode = effectiveMode(deps.policy, deps.policy.grants, deps.modeOverride);

  const present = await deps.sg.describeRulesByFilters([{ Name: 'group-id', Values: [grant.rule.groupId] }]);
  const existing = present.find((rule) => rule.direction === 'ingress' && sameAccess(rule, grant.rule));
  if (existing && hasGrantTags(existing.tags)) return extend(existing, grant, mode, deps);
  if (existing) {
    return reject(
      request,
      [
        `access ${summarise(grant.rule)} on ${grant.rule.groupId} is already allowed by rule ${existing.ruleId ?? '?'}, which is not a grant`,
      ],
      deps,
    );
  }

  const tags = grantTags(grant);
  let ruleId: string | undefined;
  if (mode === 'enforce') {
    try {
      const result = await deps.sg.authorizeRules(grant.rule.groupId, 'ingress', [grant.rule], tags);
      ruleId = result.created?.[0]?.ruleId;
      if (result.alreadyPresent.length > 0 || !ruleId)
        throw new Error(
          `the rule for ${summarise(grant.rule)} appeared while granting it; retry to extend it instead`,
        );
    } catch (error) {
      const problem = REQUEST_ERRORS[awsErrorCode(error) ?? ''];
      if (!problem)
        throw new Error(
          `granting ${summarise(grant.rule)} on ${grant.rule.groupId} failed: ${errorMessage(error)}`,
          { cause: error },
        );
      return reject(request, [`group ${grant.rule.groupId} ${problem}: ${errorMessage(error)}`], deps);
    }
  }
  const finding = grantedFinding(
    { ...grant, ...(ruleId ? { ruleId } : {}) },
    {
      extended: false,
      outcome: mode === 'enforce' ? 'acted' : 'would-act',
      actions: [
        `AuthorizeSecurityGroupIngress ${grant.rule.groupId} ${summarise(grant.rule)} with ${Object.keys(tags).join(',')}`,
      ],
      mode,
      now: deps.now(),
    },
  );
  deps.log?.('grant created', {
    groupId: grant.rule.groupId,
    ruleId,
    expiresAt: isoSeconds(grant.expiresAt),
    mode,
  });
  await deps.publish(finding);
  return {
    status: 'granted',
    mode,
    groupId: grant.rule.groupId,
    ...(ruleId ? { ruleId } : {}),
    access: summarise(grant.rule),
    expiresAt: isoSeconds(grant.expiresAt),
    finding,
  };
}
