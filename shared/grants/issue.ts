/**
 * Creating one recorded grant for a rule that is already decided (an Undo pressed in Slack re-opens a
 * rule netwarden revoked, as a grant): the same three steps and the same guarantees as grant-access's
 * (functions/grant-access/grant.ts) — a conditional `pending` record first, then Authorize, then the
 * record marked live with the rule id; a failed Authorize discards the record; a record that changed
 * meanwhile gets the new rule revoked at once — so no rule outlives its record and expire-grants
 * closes it on time. Deciding WHETHER the rule may be granted is the caller's job.
 *
 * Both writes pass the gate (shared/safety/gate.ts) as grant-access's do: the Authorize is charged to
 * the blast-radius budget like any new grant (held back, the record is discarded and nothing is
 * granted) and journaled with the revoke by id that removes it; the revoke of a rule no record covers
 * only narrows access, so it is exempt from the budget but journaled.
 */
import { authorizeRulesCall, revokeAuthorizedCall, revokeRulesCall } from '../aws/calls';
import { awsErrorCode, errorMessage, isGone } from '../errors';
import type { SecurityGroups } from '../estate/security-groups';
import { type Rule, summarise } from '../rules/rule';
import { UNGATED, type WriteGate } from '../safety/gate';
import { accessKey, GrantConflict, type GrantRecord, type GrantStore } from './record';
import { grantLabel } from './tags';

export interface IssueDeps {
  readonly sg: Pick<SecurityGroups, 'authorizeRules' | 'revokeRules'>;
  readonly store: Pick<GrantStore, 'get' | 'putPending' | 'markLive' | 'discard'>;
  /** Absent (plain fakes in unit tests): writes pass uncharged and unjournaled. */
  readonly gate?: WriteGate;
  /** The region the writes are made in: journaled with each, so undo runs where it was made. */
  readonly region?: string;
}

/** What the gate charges and journals the grant's writes under. */
export interface IssueOrigin {
  /** The event that caused the grant (a Slack press: its press id). */
  readonly eventId: string;
  /** The account the budget charges (the function's own). */
  readonly account: string;
  /** Who caused it, as verified (a Slack press: `slack:<person> (<Slack user id>)`). */
  readonly cause: string;
  /** The id of the finding that will report the grant: the journal entries carry it. */
  readonly findingId: string;
  /** The finding's title, journaled with each entry. */
  readonly title: string;
  /**
   * What the grant is, in its refusals' words: an Undo re-opens a rule netwarden revoked (the
   * default); a request asked for in Slack is granted, and "nothing to undo" would mislead there.
   */
  readonly kind?: 'undo' | 'request';
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
  origin: IssueOrigin,
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
  const gate = deps.gate ?? UNGATED;
  const request = (planned: string, exempt?: string) => ({
    scope: { account: origin.account, group: groupId },
    ...(deps.region ? { region: deps.region } : {}),
    eventId: origin.eventId,
    cause: origin.cause,
    planned: [planned],
    findingId: origin.findingId,
    ...(exempt ? { exempt } : {}),
  });
  const label = grantLabel(pending);
  let ruleId: string | undefined;
  try {
    const written = await gate.write(
      request(`AuthorizeSecurityGroupIngress ${groupId} ${summarise(access)}`),
      async () => {
        const result = await deps.sg.authorizeRules(groupId, access.direction, [access], label);
        return {
          value: result,
          made:
            result.authorized.length > 0
              ? [
                  {
                    action: 'grant' as const,
                    resource: groupId,
                    call: authorizeRulesCall(groupId, access.direction, [access], label),
                    inverse: revokeAuthorizedCall(
                      groupId,
                      access.direction,
                      result.created ?? [],
                      result.authorized,
                    ),
                  },
                ]
              : [],
          finding: { kind: 'grant.created' as const, title: origin.title },
        };
      },
    );
    if (written.status === 'held') {
      // Past the blast-radius budget: no new access until the window ends, and no record without a rule.
      await deps.store.discard(pending);
      return {
        ok: false,
        problem: `${written.held.note} ${what} was not ${origin.kind === 'request' ? 'granted' : 're-opened'}; retry after ${written.held.until}`,
      };
    }
    const result = written.value;
    ruleId = result.created?.[0]?.ruleId;
    if (result.alreadyPresent.length > 0 || !ruleId)
      throw Object.assign(new Error(`a rule for ${what} appeared meanwhile`), {
        name: 'InvalidPermission.Duplicate',
      });
  } catch (error) {
    await deps.store.discard(pending);
    if (isGone(error, 'security group')) return { ok: false, problem: `group ${groupId} does not exist` };
    if (awsErrorCode(error) === 'InvalidPermission.Duplicate')
      return {
        ok: false,
        problem: `${what} is already allowed by another rule: ${origin.kind === 'request' ? 'nothing was granted' : 'nothing to undo'}`,
      };
    throw new Error(`granting ${what} failed: ${errorMessage(error)}`, { cause: error });
  }
  try {
    return { ok: true, record: await deps.store.markLive(pending, ruleId) };
  } catch (error) {
    if (!(error instanceof GrantConflict)) throw error;
    // The record changed before the rule id was kept: no record covers the rule, so it goes at once.
    const id = ruleId;
    await gate.write(
      request(
        `RevokeSecurityGroupIngress ${groupId} ${id}`,
        'revoking a rule no grant record covers only narrows access',
      ),
      async () => {
        const revoked = await deps.sg.revokeRules(groupId, access.direction, [id]);
        return {
          value: revoked,
          made:
            revoked.revoked.length > 0
              ? [
                  {
                    action: 'revoke' as const,
                    resource: groupId,
                    call: revokeRulesCall(groupId, access.direction, revoked.revoked),
                    inverse: authorizeRulesCall(groupId, access.direction, [access]),
                  },
                ]
              : [],
          finding: {
            kind: 'grant.rejected' as const,
            title: `Grant of ${what} not recorded: the record changed, rule ${id} revoked`,
          },
        };
      },
    );
    return {
      ok: false,
      problem: `the grant record for ${what} changed while granting; rule ${ruleId} was revoked`,
    };
  }
}
