/**
 * planExpiry(grants, now, policy): which grants to revoke (expired: expiresAt <= now), which to warn
 * about (inside warnBefore and not yet warned for this expiry) and which to keep. Pure.
 */
import type { GrantPolicy } from '../policy/schema';
import type { Rule } from '../rules/rule';
import { exceptionReason } from '../sg/decide';
import { type Grant, parseGrant } from './grant';

export interface ExpiryPlan {
  readonly revoke: Grant[];
  readonly warn: Grant[];
  readonly keep: Grant[];
}

export const warnsAt = (grant: Grant, policy: GrantPolicy): number =>
  grant.expiresAt.getTime() - policy.warnBefore;

/**
 * Warned for this expiry: the marker falls inside the current warning window. An extension moves
 * the expiry (and the window) later, so the extended grant is warned about again, once.
 */
export function alreadyWarned(grant: Grant, policy: GrantPolicy): boolean {
  return grant.warnedAt !== undefined && grant.warnedAt.getTime() >= warnsAt(grant, policy);
}

export function planExpiry(grants: ReadonlyArray<Grant>, now: Date, policy: GrantPolicy): ExpiryPlan {
  const plan: ExpiryPlan = { revoke: [], warn: [], keep: [] };
  const time = now.getTime();
  for (const grant of grants) {
    if (grant.expiresAt.getTime() <= time) plan.revoke.push(grant);
    else if (time >= warnsAt(grant, policy) && !alreadyWarned(grant, policy)) plan.warn.push(grant);
    else plan.keep.push(grant);
  }
  return plan;
}

export interface SweepPlan extends ExpiryPlan {
  /** Rules with grant tags that are not a valid grant: drift, revoked like an expired grant. */
  readonly invalid: Array<{ rule: Rule; problems: string[] }>;
  /** Rules tagged netwarden:ignore: left alone (and listed by the weekly audit), on this path too. */
  readonly exempt: Array<{ rule: Rule; reason: string }>;
}

/** Everything the one tag-filtered query returned, sorted into what to do with it. */
export function planSweep(rules: ReadonlyArray<Rule>, now: Date, policy: GrantPolicy): SweepPlan {
  const grants: Grant[] = [];
  const invalid: SweepPlan['invalid'] = [];
  const exempt: SweepPlan['exempt'] = [];
  for (const rule of rules) {
    const exception = exceptionReason(rule);
    if (exception) {
      exempt.push({ rule, reason: exception });
      continue;
    }
    const parsed = parseGrant(rule, policy, now);
    if (parsed.ok) grants.push(parsed.grant);
    else invalid.push({ rule, problems: parsed.problems });
  }
  return { ...planExpiry(grants, now, policy), invalid, exempt };
}
