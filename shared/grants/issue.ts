/**
 * Creating one recorded grant for a rule that is already decided (an Undo pressed in Slack re-opens a
 * rule netwarden revoked, as a grant): the same three steps and the same guarantees as grant-access's
 * (functions/grant-access/grant.ts) — a conditional `pending` record first, then Authorize, then the
 * record marked live with the rule id; a failed Authorize discards the record; a record that changed
 * meanwhile gets the new rule revoked at once — so no rule outlives its record and expire-grants
 * closes it on time. Deciding WHETHER the rule may be granted is the caller's job.
 */
import { awsErrorCode, errorMessage, isGone } from '../errors';
import type { SecurityGroups } from '../estate/security-groups';
import { type Rule, summarise } from '../rules/rule';
import { accessKey, GrantConflict, type GrantRecord, type GrantStore } from './record';
import { grantLabel } from './tags';

export interface IssueDeps {
  readonly sg: Pick<SecurityGroups, 'authorizeRules' | 'revokeRules'>;
  readonly store: Pick<GrantStore, 'get' | 'putPending' | 'markLive' | 'discard'>;
}

export type Issued = { ok: true; record: GrantRecord } | { ok: false; problem: string };

export async function issueGrant(
  grant: {
    readonly access: Rule;
    readonly owner: string;
    readonly reason: string;
    readonly issuedAt: Date;
    readonly expiresAt: Date;
  },
  deps: IssueDeps,
): Promise<Issued> {
  const { access } = grant;
  const groupId = access.groupId;
  const what = `${summarise(access)} on ${groupId}`;
  const existing = await deps.store.get(groupId, accessKey(access));
  if (existing && existing.status !== 'closed')
    return { ok: false, problem: `a grant for ${what} is already ${existing.status}` };
  const fields = { groupId, ...grant, createdAt: grant.issuedAt };
  let pending: GrantRecord;
  try {
    pending = await deps.store.putPending(fields, existing);
  } catch (error) {
    if (!(error instanceof GrantConflict)) throw error;
    return { ok: false, problem: `another request recorded a grant for ${what} at the same time` };
  }
  let ruleId: string | undefined;
  try {
    const result = await deps.sg.authorizeRules(groupId, access.direction, [access], grantLabel(pending));
    ruleId = result.created?.[0]?.ruleId;
    if (result.alreadyPresent.length > 0 || !ruleId)
      throw Object.assign(new Error(`a rule for ${what} appeared meanwhile`), {
        name: 'InvalidPermission.Duplicate',
      });
  } catch (error) {
    await deps.store.discard(pending);
    if (isGone(error, 'security group')) return { ok: false, problem: `group ${groupId} does not exist` };
    if (awsErrorCode(error) === 'InvalidPermission.Duplicate')
      return { ok: false, problem: `${what} is already allowed by another rule: nothing to undo` };
    throw new Error(`granting ${what} failed: ${errorMessage(error)}`, { cause: error });
  }
  try {
    return { ok: true, record: await deps.store.markLive(pending, ruleId) };
  } catch (error) {
    if (!(error instanceof GrantConflict)) throw error;
    // The record changed before the rule id was kept: no record covers the rule, so it goes at once.
    await deps.sg.revokeRules(groupId, access.direction, [ruleId]);
    return {
      ok: false,
      problem: `the grant record for ${what} changed while granting; rule ${ruleId} was revoked`,
    };
  }
}
