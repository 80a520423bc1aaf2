/**
 * Listing and revoking grants (GET /grants, DELETE /grants/<rule-id>). Both read the state table, never
 * tags: only a rule recorded there as a grant can be revoked here, so this route can never remove a
 * Terraform or baseline rule, whatever tags someone put on it.
 */

import { presentRulesByIds } from '../../shared/aws/ec2/rules-by-id';
import type { SecurityGroups } from '../../shared/estate/security-groups';
import type { Finding, Publish } from '../../shared/findings/finding';
import { closedFinding, movedFinding } from '../../shared/grants/findings';
import type { GrantRecord, GrantStore } from '../../shared/grants/record';
import { isoSeconds } from '../../shared/grants/tags';
import { effectiveMode } from '../../shared/policy/mode';
import type { Policy } from '../../shared/policy/schema';
import { sameAccess, summarise } from '../../shared/rules/rule';
import { newFindingId, revokeMade, UNGATED, type WriteGate } from '../../shared/safety/gate';
import { anyOrigin, type GrantOrigin, grantWrite } from './grant';

export interface ManageDeps {
  readonly sg: Pick<SecurityGroups, 'revokeRules' | 'describeRulesByIds'>;
  readonly store: Pick<GrantStore, 'open' | 'close'>;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  /** Revoking only narrows access: never held back by the budget, journaled like every write. */
  readonly gate?: WriteGate;
  readonly region?: string;
  /** A member account's security groups through its member role: a member's grant is revoked there. */
  readonly membersIn?: (account: string) => Pick<ManageDeps, 'sg'> | undefined;
}

export interface ListedGrant {
  readonly ruleId?: string;
  /** The member account the grant is in; absent: netwarden's own. */
  readonly account?: string;
  readonly status: GrantRecord['status'];
  readonly groupId: string;
  readonly access: string;
  readonly owner: string;
  readonly reason: string;
  readonly expiresAt: string;
  readonly msLeft: number;
}

export async function listGrants(deps: Pick<ManageDeps, 'store' | 'now'>): Promise<ListedGrant[]> {
  const now = deps.now().getTime();
  return (await deps.store.open()).map((record) => ({
    ...(record.ruleId ? { ruleId: record.ruleId } : {}),
    ...(record.account ? { account: record.account } : {}),
    status: record.status,
    groupId: record.groupId,
    access: summarise(record.access),
    owner: record.owner,
    reason: record.reason,
    expiresAt: isoSeconds(record.expiresAt),
    msLeft: record.expiresAt.getTime() - now,
  }));
}

export type RevokeOutcome =
  | { status: 'not-a-grant'; message: string }
  | {
      status: 'revoked' | 'already-gone' | 'would-revoke' | 'moved';
      ruleId: string;
      groupId: string;
      access: string;
      finding: Finding;
    };

/** Any listed requester may revoke any grant: revoking only narrows access, and on-call colleagues clean up. */
export async function revokeGrant(
  ruleId: string,
  requester: string,
  central: ManageDeps,
  centralOrigin: GrantOrigin = anyOrigin(),
): Promise<RevokeOutcome> {
  const record = (await central.store.open()).find((candidate) => candidate.ruleId === ruleId);
  if (!record)
    return {
      status: 'not-a-grant',
      message: `rule ${ruleId} is not a grant netwarden recorded; only grants can be revoked here`,
    };
  // A member's grant is read and revoked in that member, through its role, and journaled there.
  const member = record.account ? central.membersIn?.(record.account) : undefined;
  if (record.account && !member)
    throw new Error(
      `grant ${ruleId} is recorded in account ${record.account}, which grant-access cannot reach (no member role for it)`,
    );
  const deps = member ? { ...central, ...member } : central;
  const origin = record.account ? { ...centralOrigin, account: record.account } : centralOrigin;
  const mode = effectiveMode(deps.policy, deps.policy.grants);
  const now = deps.now();
  // Read the rule first (both modes): a rule modified to other access is no longer this grant, and
  // revoking it by id could delete approved access someone moved onto it.
  const current = (await presentRulesByIds(deps.sg, [ruleId])).get(ruleId);
  if (current && !sameAccess(current, record.access)) {
    if (mode === 'enforce')
      await deps.store.close(record, {
        at: now,
        why: `its rule ${ruleId} was modified to allow ${summarise(current)}: not revoked`,
      });
    const finding = movedFinding(record, current, {
      mode,
      now,
      outcome: 'no-action',
      closedBy: `${requester} asked to revoke it before its expiry`,
    });
    await deps.publish(finding);
    return { status: 'moved', ruleId, groupId: record.groupId, access: summarise(record.access), finding };
  }
  let outcome: Finding['outcome'] = current ? 'would-act' : 'already-done';
  const findingId = newFindingId(origin.eventId);
  let journaled = false;
  const why = `revoked before its expiry (${isoSeconds(record.expiresAt)}) by ${requester}`;
  if (mode === 'enforce') {
    const { groupId, access } = record;
    const written = current
      ? await (deps.gate ?? UNGATED).write(
          grantWrite(origin, deps, {
            groupId,
            requester,
            planned: [`RevokeSecurityGroupIngress ${groupId} ${ruleId}`],
            findingId,
            exempt: 'revoking a grant only narrows access',
          }),
          async () => {
            const result = await deps.sg.revokeRules(groupId, access.direction, [ruleId]);
            return {
              value: result,
              made: revokeMade('revoke', groupId, access.direction, result.revoked, [current]),
              finding: { kind: 'grant.revoked' as const, title: `Grant ${ruleId} on ${groupId} ${why}` },
            };
          },
        )
      : undefined;
    const revoked = written?.status === 'written' ? written.value.revoked : [];
    journaled = written?.status === 'written' && written.findingId !== undefined;
    outcome = revoked.length > 0 ? 'acted' : 'already-done';
    await deps.store.close(record, { at: now, why: `revoked before its expiry by ${requester}` });
  }
  const finding = {
    ...closedFinding(record, { kind: 'grant.revoked', outcome, mode, now, why }),
    eventId: origin.eventId,
    ...(journaled ? { id: findingId } : {}),
  };
  await deps.publish(finding);
  const status =
    outcome === 'acted' ? 'revoked' : outcome === 'already-done' ? 'already-gone' : 'would-revoke';
  return { status, ruleId, groupId: record.groupId, access: summarise(record.access), finding };
}
