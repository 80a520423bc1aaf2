/**
 * The grant-access use case for one verified requester: validate against policy.grants → extend the
 * recorded grant for the same access, or record a new one and create its rule → publish one finding.
 *
 * The record is written first (a conditional put of a `pending` record keyed by the access), then the
 * rule is created, then the record is marked live with the rule id. If Authorize fails the pending
 * record is discarded; if the last step fails the pending record still expires and expire-grants
 * revokes the rule by its access; if the last step finds the record changed (expire-grants closed it),
 * the rule just created is revoked at once: no rule outlives its record. Report mode decides and
 * publishes only: nothing is written.
 */

import { randomUUID } from 'node:crypto';
import { authorizeRulesCall, createTagsCall, revokeAuthorizedCall } from '../../shared/aws/calls';
import { awsErrorCode, errorMessage, isGone } from '../../shared/errors';
import type { RuleTagger, SecurityGroups } from '../../shared/estate/security-groups';
import type { Finding, Publish } from '../../shared/findings/finding';
import { grantedFinding, rejectedFinding } from '../../shared/grants/findings';
import { accessKey, GrantConflict, type GrantRecord, type GrantStore } from '../../shared/grants/record';
import { type GrantRequest, type ValidGrant, validateGrantRequest } from '../../shared/grants/request';
import { grantLabel, isoSeconds } from '../../shared/grants/tags';
import { effectiveMode } from '../../shared/policy/mode';
import { memberAccessOf, policyFor, scopeOf } from '../../shared/policy/organization';
import type { Mode, Policy } from '../../shared/policy/schema';
import { sameAccess, summarise } from '../../shared/rules/rule';
import {
  newFindingId,
  revokeMade,
  UNGATED,
  type WriteGate,
  type WriteRequest,
} from '../../shared/safety/gate';
import type { KillSwitch } from '../../shared/safety/kill-switch';

export interface GrantAccessDeps {
  readonly sg: Pick<
    SecurityGroups,
    'describeGroupRules' | 'describeRulesByIds' | 'authorizeRules' | 'revokeRules'
  >;
  /** Only to keep the label on the rule current when a grant is extended. */
  readonly tagger: RuleTagger;
  readonly store: GrantStore;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
  /** Read for a new grant: while it is on (or unreadable), none is created (shared/safety/kill-switch.ts). */
  readonly killSwitch?: KillSwitch;
  /**
   * Every write passes it (shared/safety/gate.ts): a new grant's rule is charged to the blast-radius
   * budget first; every write (the rule, its label, a revoke) is journaled with its inverse after.
   */
  readonly gate?: WriteGate;
  /** The region the function writes in: journaled with each write, so undo runs where it was made. */
  readonly region?: string;
  /**
   * With an organisation: the security groups and tagger of a member account, through its member role
   * (undefined for an account the policy does not list). A grant for a member is made only through it.
   */
  readonly membersIn?: (account: string) => Pick<GrantAccessDeps, 'sg' | 'tagger'> | undefined;
}

/** The request a write answers: its id (the Function URL's requestId) and the function's account. */
export interface GrantOrigin {
  readonly eventId: string;
  readonly account: string;
}

/** For callers without a Function URL request (tests with plain fakes): a made-up id, no account. */
export const anyOrigin = (): GrantOrigin => ({ eventId: `grant-${randomUUID()}`, account: '' });

/** What the gate charges (unless `exempt`) and journals for a write on `groupId` caused by `requester`. */
export function grantWrite(
  origin: GrantOrigin,
  deps: Pick<GrantAccessDeps, 'region'>,
  how: {
    groupId: string;
    requester: string;
    planned: string[];
    findingId: string;
    exempt?: string;
  },
): WriteRequest {
  return {
    scope: { account: origin.account, group: how.groupId },
    ...(deps.region ? { region: deps.region } : {}),
    eventId: origin.eventId,
    cause: how.requester,
    planned: how.planned,
    findingId: how.findingId,
    ...(how.exempt ? { exempt: how.exempt } : {}),
  };
}

/**
 * 400: the request is malformed; 403: this principal or this group may not; 409: the state forbids it
 * now; 503: netwarden is paused by its kill switch.
 */
export type RejectStatus = 400 | 403 | 409 | 503;

export type GrantOutcome =
  | { status: 'rejected'; httpStatus: RejectStatus; problems: string[]; finding: Finding }
  | {
      status: 'granted' | 'extended';
      mode: Mode;
      groupId: string;
      /** Absent only in report mode for a new grant (nothing was created). */
      ruleId?: string;
      access: string;
      owner: string;
      expiresAt: string;
      finding: Finding;
    };

/**
 * AWS refusals that are the request's fault, not a transient failure: reported, never retried. A group
 * that does not exist is one too, told by isGone (shared/errors.ts holds every "already gone" code).
 */
const REQUEST_ERRORS: Record<string, string> = {
  RulesPerSecurityGroupLimitExceeded: 'has no room for another rule (RulesPerSecurityGroupLimitExceeded)',
  'InvalidPermission.Duplicate': 'already has a rule for this access',
};

export async function rejectRequest(
  request: { group?: string; requester?: string; fields?: Record<string, unknown>; account?: string },
  problems: string[],
  httpStatus: RejectStatus,
  deps: Pick<GrantAccessDeps, 'policy' | 'now' | 'publish' | 'log'>,
): Promise<Extract<GrantOutcome, { status: 'rejected' }>> {
  const mode = effectiveMode(deps.policy, deps.policy.grants);
  const finding = rejectedFinding(request, problems, { mode, now: deps.now() });
  deps.log?.('grant rejected', { problems, group: request.group, requester: request.requester });
  await deps.publish(finding);
  return { status: 'rejected', httpStatus, problems, finding };
}

function granted(
  record: GrantRecord,
  grant: ValidGrant,
  how: { extended: boolean; mode: Mode; actions: string[] },
  deps: GrantAccessDeps,
): Extract<GrantOutcome, { status: 'granted' | 'extended' }> & { finding: Finding } {
  const finding = grantedFinding(record, {
    extended: how.extended,
    outcome: how.mode === 'enforce' ? 'acted' : 'would-act',
    actions: how.actions,
    ttlMs: grant.ttlMs,
    mode: how.mode,
    now: deps.now(),
  });
  return {
    status: how.extended ? 'extended' : 'granted',
    mode: how.mode,
    groupId: record.groupId,
    ...(record.ruleId ? { ruleId: record.ruleId } : {}),
    access: summarise(record.access),
    owner: record.owner,
    expiresAt: isoSeconds(record.expiresAt),
    finding,
  };
}

async function extend(
  record: GrantRecord,
  grant: ValidGrant,
  requester: string,
  mode: Mode,
  deps: GrantAccessDeps,
  origin: GrantOrigin,
) {
  const findingId = newFindingId(origin.eventId);
  let labelled = false;
  // The owner stays who created the grant; who extended it is recorded and named separately.
  const change = {
    issuedAt: grant.issuedAt,
    expiresAt: grant.expiresAt,
    reason: grant.reason,
    extendedBy: requester,
  };
  let extended: GrantRecord = { ...record, ...change };
  if (mode === 'enforce') {
    try {
      extended = await deps.store.extend(record, change);
    } catch (error) {
      if (!(error instanceof GrantConflict)) throw error;
      return rejectRequest(
        { group: record.groupId, requester },
        [`the grant for ${summarise(record.access)} on ${record.groupId} changed while extending it; retry`],
        409,
        deps,
      );
    }
    // The label is for people only; a stale label misleads them but decides nothing. It changes no
    // access, so it is not charged to the budget; it is journaled with the label it replaced.
    const ruleId = record.ruleId ?? '';
    const label = grantLabel(extended);
    await (deps.gate ?? UNGATED)
      .write(
        grantWrite(origin, deps, {
          groupId: record.groupId,
          requester,
          planned: [`CreateTags ${ruleId} (the grant's label)`],
          findingId,
          exempt: "a grant's label changes no access",
        }),
        async () => {
          await deps.tagger.tagRules([ruleId], label);
          return {
            value: undefined,
            made: [
              {
                action: 'tag',
                resource: record.groupId,
                call: createTagsCall([ruleId], label),
                inverse: createTagsCall([ruleId], grantLabel(record)),
              },
            ],
            finding: { kind: 'grant.extended', title: `Grant label of ${ruleId} updated` },
          };
        },
      )
      .then((outcome) => {
        labelled = outcome.status === 'written';
      })
      .catch((error: unknown) =>
        deps.log?.('grant label not updated', { ruleId: record.ruleId, error: errorMessage(error) }),
      );
  }
  const outcome = granted(
    extended,
    grant,
    { extended: true, mode, actions: [`UpdateItem grant ${record.groupId} ${accessKey(record.access)}`] },
    deps,
  );
  const finding = { ...outcome.finding, eventId: origin.eventId, ...(labelled ? { id: findingId } : {}) };
  await deps.publish(finding);
  return { ...outcome, finding };
}

/**
 * The pending record changed before the rule id could be recorded (expire-grants closed it, or another
 * writer replaced it): the rule just created is covered by no record, and no expiry would ever remove
 * it. It is revoked at once, by the id Authorize returned, and the request fails saying so.
 */
async function undoUnrecordedRule(
  pending: GrantRecord,
  ruleId: string,
  context: { group?: string; requester: string; fields?: Record<string, unknown>; account?: string },
  deps: GrantAccessDeps,
  origin: GrantOrigin,
): Promise<GrantOutcome> {
  const what = `${summarise(pending.access)} on ${pending.groupId}`;
  const { groupId, access } = pending;
  try {
    // Only narrows access: never held back by the budget, journaled like every write.
    await (deps.gate ?? UNGATED).write(
      grantWrite(origin, deps, {
        groupId,
        requester: context.requester,
        planned: [`RevokeSecurityGroupIngress ${groupId} ${ruleId}`],
        findingId: newFindingId(origin.eventId),
        exempt: 'revoking a rule no grant record covers only narrows access',
      }),
      async () => {
        const result = await deps.sg.revokeRules(groupId, access.direction, [ruleId]);
        return {
          value: result,
          made: revokeMade('revoke', groupId, access.direction, result.revoked, [access]),
          finding: {
            kind: 'grant.rejected' as const,
            title: `Grant request rejected on ${groupId}: the record changed, rule ${ruleId} revoked`,
          },
        };
      },
    );
  } catch (error) {
    // The rule stays with no record: fail loudly so the caller and the logs say which rule to remove.
    throw new Error(
      `the grant record for ${what} changed before rule ${ruleId} was recorded, and revoking ${ruleId} failed: remove it by hand (${errorMessage(error)})`,
      { cause: error },
    );
  }
  deps.log?.('grant record changed while granting; the new rule was revoked', {
    ruleId,
    groupId: pending.groupId,
  });
  return rejectRequest(
    context,
    [
      `the grant record for ${what} changed (closed or replaced) before rule ${ruleId} could be recorded; rule ${ruleId} was revoked so no access stays unrecorded: nothing was granted, retry`,
    ],
    409,
    deps,
  );
}

const ACCOUNT_ID = /^\d{12}$/;

/** Where a grant is made: netwarden's own account, or a member's through its role, with that account's policy. */
type Place =
  | { ok: true; account?: string; deps: GrantAccessDeps; origin: GrantOrigin }
  | { ok: false; problem: string };

/**
 * The account a request names, as the policy knows it. The field is no credential: it only chooses
 * where, and the policy for that account (its selectors) decides what may be granted there; an account
 * the policy does not list is refused before any call.
 */
export function placeOf(account: string | undefined, deps: GrantAccessDeps, origin: GrantOrigin): Place {
  const own = origin.account;
  const organization = deps.policy.organization;
  const named = account?.trim();
  if (account === undefined || (named !== '' && named === own)) {
    // The central account: the policy's entries whose selectors name it (all of it without an organisation).
    const scope = scopeOf(deps.policy, own, own) ?? { id: own, name: own, central: true };
    return { ok: true, deps: { ...deps, policy: policyFor(deps.policy, scope) }, origin };
  }
  if (!named || !ACCOUNT_ID.test(named))
    return { ok: false, problem: `account ${JSON.stringify(account)} is not an AWS account id (12 digits)` };
  if (!organization)
    return {
      ok: false,
      problem: `account ${named} is not this deployment's account (${own || 'its own'}): without an organization section in the policy, grants are made only in the account netwarden runs in`,
    };
  const access = memberAccessOf(deps.policy, named, 'grant-access');
  const scope = scopeOf(deps.policy, named, own);
  if (!access || !scope)
    return {
      ok: false,
      problem: `account ${named} is not an account of the policy's organisation ${organization.id} (policy.organization.accounts lists ${organization.accounts.map((member) => member.id).join(', ') || 'none'})`,
    };
  const member = deps.membersIn?.(named);
  // A deployment fault, not the request's: the function was wired without member roles.
  if (!member) throw new Error(`grant-access cannot reach member account ${named}: no member role wired`);
  return {
    ok: true,
    account: named,
    deps: { ...deps, ...member, policy: policyFor(deps.policy, scope) },
    // Journaled in the member account the rule is in, so that undo acts there.
    origin: { ...origin, account: named },
  };
}

export async function grantAccess(
  request: GrantRequest,
  requester: string,
  central: GrantAccessDeps,
  centralOrigin: GrantOrigin = anyOrigin(),
): Promise<GrantOutcome> {
  const place = placeOf(request.account, central, centralOrigin);
  if (!place.ok)
    return rejectRequest(
      { ...(request.group ? { group: request.group } : {}), requester, fields: { ...request } },
      [place.problem],
      400,
      central,
    );
  const { deps, origin, account } = place;
  const policy = deps.policy.grants;
  if (!policy && central.policy.grants)
    return rejectRequest(
      { ...(request.group ? { group: request.group } : {}), requester, fields: { ...request } },
      [
        `grants do not apply in account ${account ?? (origin.account || 'central')}: policy.grants selects other accounts (grants.accounts / grants.ous)`,
      ],
      403,
      central,
    );
  const now = deps.now();
  const validation = validateGrantRequest(request, policy, now, requester);
  const context = {
    ...(request.group ? { group: request.group } : {}),
    ...(account ? { account } : {}),
    requester,
    fields: { ...request },
  };
  if (!validation.ok) {
    const group = request.group?.trim() ?? '';
    const notGrantable = validation.problems.some((problem) =>
      problem.startsWith(`group ${group} is not grantable`),
    );
    return rejectRequest(context, validation.problems, notGrantable ? 403 : 400, deps);
  }
  const grant = validation.grant;
  const groupId = grant.rule.groupId;
  const mode = effectiveMode(deps.policy, policy);

  const [record, present] = await Promise.all([
    deps.store.get(groupId, accessKey(grant.rule), account),
    deps.sg.describeGroupRules(groupId),
  ]);
  const existing = present.find((rule) => rule.direction === 'ingress' && sameAccess(rule, grant.rule));
  const open = record && record.status !== 'closed' ? record : undefined;
  if (open?.status === 'live' && existing && existing.ruleId === open.ruleId)
    return extend(open, grant, requester, mode, deps, origin);
  if (open?.status === 'pending')
    return rejectRequest(
      context,
      [
        `a grant for ${summarise(grant.rule)} on ${groupId} is being created (pending since ${isoSeconds(open.createdAt)}); retry in a minute`,
      ],
      409,
      deps,
    );
  if (existing)
    return rejectRequest(
      context,
      [
        `access ${summarise(grant.rule)} on ${groupId} is already allowed by rule ${existing.ruleId ?? '?'}, which is not a grant netwarden recorded`,
      ],
      409,
      deps,
    );

  // A record for this access may remain: closed, or live with its rule removed outside netwarden.
  const { description: _description, ...access } = grant.rule;
  const fields = {
    groupId,
    ...(account ? { account } : {}),
    access,
    owner: requester,
    reason: grant.reason,
    issuedAt: grant.issuedAt,
    expiresAt: grant.expiresAt,
    createdAt: now,
  };
  const planned: GrantRecord = { ...fields, status: 'live', version: 0 };
  const label = grantLabel(planned);
  const actions = [
    `PutItem grant ${groupId} ${accessKey(access)}`,
    `AuthorizeSecurityGroupIngress ${groupId} ${summarise(access)}`,
  ];
  if (mode === 'report') {
    const outcome = granted(planned, grant, { extended: false, mode, actions }, deps);
    await deps.publish(outcome.finding);
    return outcome;
  }

  let pending: GrantRecord;
  try {
    pending = await deps.store.putPending(fields, record);
  } catch (error) {
    if (!(error instanceof GrantConflict)) throw error;
    return rejectRequest(
      context,
      [
        `another request recorded a grant for ${summarise(access)} on ${groupId} at the same time; retry to extend it`,
      ],
      409,
      deps,
    );
  }
  let ruleId: string | undefined;
  const findingId = newFindingId(origin.eventId);
  const title = granted(planned, grant, { extended: false, mode, actions }, deps).finding.title;
  try {
    const written = await (deps.gate ?? UNGATED).write(
      grantWrite(origin, deps, { groupId, requester, planned: [actions[1] ?? ''], findingId }),
      async () => {
        const result = await deps.sg.authorizeRules(groupId, 'ingress', [grant.rule], label);
        const created = result.created ?? [];
        return {
          value: result,
          made:
            result.authorized.length > 0
              ? [
                  {
                    action: 'grant' as const,
                    resource: groupId,
                    call: authorizeRulesCall(groupId, 'ingress', [grant.rule], label),
                    inverse: revokeAuthorizedCall(groupId, 'ingress', created, result.authorized),
                  },
                ]
              : [],
          finding: { kind: 'grant.created' as const, title },
        };
      },
    );
    if (written.status === 'held') {
      // Past the blast-radius budget: no new access until the window ends.
      await deps.store.discard(pending);
      return rejectRequest(
        context,
        [`${written.held.note} No grant was created; retry after ${written.held.until}`],
        503,
        deps,
      );
    }
    const result = written.value;
    ruleId = result.created?.[0]?.ruleId;
    if (result.alreadyPresent.length > 0 || !ruleId)
      throw Object.assign(new Error(`the rule for ${summarise(access)} appeared while granting it`), {
        name: 'InvalidPermission.Duplicate',
      });
  } catch (error) {
    // Nothing was granted: the pending record must not outlive the failure.
    await deps.store.discard(pending);
    const problem = isGone(error, 'security group')
      ? 'does not exist'
      : REQUEST_ERRORS[awsErrorCode(error) ?? ''];
    if (!problem)
      throw new Error(`granting ${summarise(access)} on ${groupId} failed: ${errorMessage(error)}`, {
        cause: error,
      });
    return rejectRequest(context, [`group ${groupId} ${problem}: ${errorMessage(error)}`], 409, deps);
  }
  let live: GrantRecord;
  try {
    live = await deps.store.markLive(pending, ruleId);
  } catch (error) {
    if (!(error instanceof GrantConflict)) throw error;
    return undoUnrecordedRule(pending, ruleId, context, deps, origin);
  }
  deps.log?.('grant created', { groupId, ruleId, expiresAt: isoSeconds(live.expiresAt), owner: requester });
  const outcome = granted(live, grant, { extended: false, mode, actions }, deps);
  // The id its rule was journaled under: `netwarden undo <id>` revokes the grant's rule.
  const finding = { ...outcome.finding, eventId: origin.eventId, id: findingId };
  await deps.publish(finding);
  return { ...outcome, finding };
}
