/**
 * planExpiry(records, now, policy): which recorded grants to revoke (expiresAt <= now), which to warn
 * about (inside warnBefore and not yet warned for this expiry) and which to keep. Pure; the records
 * come from a query of the state table, never from tags.
 */
import type { GrantPolicy } from '../policy/schema';
import type { GrantRecord } from './record';

export interface ExpiryPlan {
  readonly revoke: GrantRecord[];
  readonly warn: GrantRecord[];
  readonly keep: GrantRecord[];
}

export const warnsAt = (grant: GrantRecord, policy: GrantPolicy): number =>
  grant.expiresAt.getTime() - policy.warnBefore;

/**
 * Warned for this expiry: the marker falls inside the current warning window. An extension clears
 * the marker and moves the window, so the extended grant is warned about again, once.
 */
export function alreadyWarned(grant: GrantRecord, policy: GrantPolicy): boolean {
  return grant.warnedAt !== undefined && grant.warnedAt.getTime() >= warnsAt(grant, policy);
}

export function planExpiry(grants: ReadonlyArray<GrantRecord>, now: Date, policy: GrantPolicy): ExpiryPlan {
  const plan: ExpiryPlan = { revoke: [], warn: [], keep: [] };
  const time = now.getTime();
  for (const grant of grants) {
    if (grant.expiresAt.getTime() <= time) plan.revoke.push(grant);
    else if (time >= warnsAt(grant, policy) && !alreadyWarned(grant, policy)) plan.warn.push(grant);
    else plan.keep.push(grant);
  }
  return plan;
}
