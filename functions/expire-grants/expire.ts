/**
 * The expire-grants use case, every minute: ONE tag-filtered, paginated DescribeSecurityGroupRules
 * query whatever the number of groups → planSweep → revoke expired and invalid grants by rule id,
 * warn once about grants about to expire → publish one finding per grant acted on.
 *
 * Never forgotten: a grant's state lives in its rule's tags, so a revoke that fails leaves the rule,
 * tags and all, for the next run's query to find. The run processes everything else, then throws so
 * the platform retries (and dead-letters) it.
 */
import type { SecurityGroupPort } from '../../shared/aws/ec2';
import type { RuleTagger } from '../../shared/aws/ec2-tags';
import { awsErrorCode, errorMessage } from '../../shared/errors';
import type { Finding, Publish } from '../../shared/findings/finding';
import { planSweep } from '../../shared/grants/expiry';
import { expiringFinding, revokedFinding } from '../../shared/grants/findings';
import { GRANT_QUERY, GRANT_TAGS, isoSeconds } from '../../shared/grants/tags';
import { effectiveMode } from '../../shared/policy/load';
import type { Mode, Policy } from '../../shared/policy/schema';
import type { Direction, Rule } from '../../shared/rules/rule';

export interface ExpireDeps {
  readonly sg: Pick<SecurityGroupPort, 'describeRulesByFilters' | 'revokeRules'>;
  readonly tagger: RuleTagger;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly modeOverride?: Mode;
  /**
   * Report mode writes nothing, not even the "warned" tag, so what it already reported is remembered
   * here (per Lambda container) to avoid one finding per grant per minute.
   */
  readonly reported?: { has(key: string): boolean; add(key: string): void };
  readonly log?: (message: string, data: Record<string, unknown>) => void;
}

export interface ExpiryOutcome {
  readonly mode: Mode;
  readonly found: number;
  readonly expired: string[];
  readonly invalid: string[];
  readonly alreadyGone: string[];
  readonly warned: string[];
  readonly exempt: string[];
  readonly failed: Array<{ ruleId: string; error: string }>;
}

interface Removal {
  readonly rule: Rule;
  readonly kind: 'grant.expired' | 'grant.invalid';
  readonly why: string;
  readonly details: Record<string, unknown>;
}

// A rule revoked between our query and our CreateTags: nothing left to mark.
const GONE = new Set([
  'InvalidSecurityGroupRuleId.NotFound',
  'InvalidID',
  'InvalidSecurityGroupRuleId.Malformed',
]);

function byGroup(
  removals: Removal[],
): Map<string, { groupId: string; direction: Direction; items: Removal[] }> {
  const groups = new Map<string, { groupId: string; direction: Direction; items: Removal[] }>();
  for (const removal of removals) {
    const key = `${removal.rule.groupId}|${removal.rule.direction}`;
    const entry = groups.get(key) ?? {
      groupId: removal.rule.groupId,
      direction: removal.rule.direction,
      items: [],
    };
    entry.items.push(removal);
    groups.set(key, entry);
  }
  return groups;
}

export async function expireGrants(deps: ExpireDeps): Promise<ExpiryOutcome> {
  const policy = deps.policy.grants;
  const mode = effectiveMode(deps.policy, policy, deps.modeOverride);
  const outcome: ExpiryOutcome = {
    mode,
    found: 0,
    expired: [],
    invalid: [],
    alreadyGone: [],
    warned: [],
    exempt: [],
    failed: [],
  };
  if (!policy) return outcome;

  const rules = await deps.sg.describeRulesByFilters(GRANT_QUERY);
  const now = deps.now();
  const plan = planSweep(rules, now, policy);
  Object.assign(outcome, { found: rules.length, exempt: plan.exempt.map(({ rule }) => rule.ruleId ?? '?') });
  for (const { rule, reason } of plan.exempt)
    deps.log?.('grant exempt (netwarden:ignore)', { ruleId: rule.ruleId, reason });

  const removals: Removal[] = [
    ...plan.revoke.map(
      (grant): Removal => ({
        rule: grant.rule,
        kind: 'grant.expired',
        why: `granted to ${grant.owner} (${grant.reason}) until ${isoSeconds(grant.expiresAt)}`,
        details: { owner: grant.owner, reason: grant.reason, expiresAt: isoSeconds(grant.expiresAt) },
      }),
    ),
    ...plan.invalid.map(
      ({ rule, problems }): Removal => ({
        rule,
        kind: 'grant.invalid',
        why: `carries grant tags that are not valid: ${problems.join('; ')}`,
        details: { problems, owner: rule.tags[GRANT_TAGS.owner], expiresAt: rule.tags[GRANT_TAGS.expiresAt] },
      }),
    ),
  ];
  const findings: Finding[] = [];
  const base = { mode, now };
  const firstTime = (kind: string, rule: Rule) => {
    if (mode === 'enforce' || !deps.reported) return true;
    const key = `${kind}|${rule.ruleId}|${rule.tags[GRANT_TAGS.expiresAt]}`;
    if (deps.reported.has(key)) return false;
    deps.reported.add(key);
    return true;
  };

  for (const { groupId, direction, items } of byGroup(removals).values()) {
    if (mode === 'report') {
      for (const item of items.filter((removal) => firstTime(removal.kind, removal.rule)))
        findings.push(
          revokedFinding(item.rule, {
            ...base,
            kind: item.kind,
            outcome: 'would-act',
            why: item.why,
            details: item.details,
          }),
        );
      continue;
    }
    try {
      const ids = items.map((item) => item.rule.ruleId ?? '');
      const result = await deps.sg.revokeRules(groupId, direction, ids);
      for (const item of items) {
        const id = item.rule.ruleId ?? '';
        const gone = result.alreadyGone.includes(id);
        (gone ? outcome.alreadyGone : item.kind === 'grant.expired' ? outcome.expired : outcome.invalid).push(
          id,
        );
        findings.push(
          revokedFinding(item.rule, {
            ...base,
            kind: item.kind,
            outcome: gone ? 'already-done' : 'acted',
            why: gone ? `${item.why}; the rule was already gone` : item.why,
            details: item.details,
          }),
        );
      }
    } catch (error) {
      // Transient: leave the rules (and their tags) for the next run, and carry on with the rest.
      for (const item of items)
        outcome.failed.push({ ruleId: item.rule.ruleId ?? '?', error: errorMessage(error) });
      deps.log?.('revoke failed; the next run retries', {
        groupId,
        ruleIds: items.map((item) => item.rule.ruleId),
        error: errorMessage(error),
      });
    }
  }

  const warnings = plan.warn.filter((grant) => firstTime('grant.expiring', grant.rule));
  for (const grant of warnings) {
    findings.push(expiringFinding(grant, base));
    outcome.warned.push(grant.ruleId);
  }
  // Publish before marking: a lost mark means a second warning, a mark without a message means none.
  for (const finding of findings) await deps.publish(finding);
  if (mode === 'enforce') {
    for (const grant of warnings) {
      try {
        await deps.tagger.tagRules([grant.ruleId], { [GRANT_TAGS.warnedAt]: isoSeconds(now) });
      } catch (error) {
        if (GONE.has(awsErrorCode(error) ?? '')) continue;
        outcome.failed.push({ ruleId: grant.ruleId, error: errorMessage(error) });
      }
    }
  }
  deps.log?.('grants swept', { ...outcome, failed: outcome.failed.length });
  if (outcome.failed.length > 0) {
    throw new Error(
      `expire-grants: ${outcome.failed.length} grant(s) not settled, retried on the next run: ${outcome.failed.map((failure) => `${failure.ruleId} (${failure.error})`).join(', ')}`,
      { cause: outcome.failed },
    );
  }
  return outcome;
}
