/**
 * The expire-grants use case, every minute: ONE query of the state table's expiry index finds the
 * grants due or inside their warning window (never a scan of EC2, never a read of tags) → planExpiry →
 * read the due rules by id (one call) → revoke exactly the recorded rule ids that still allow the
 * recorded access → close the records; warn once about grants about to expire. A recorded id that now
 * allows other access (ModifySecurityGroupRules) is not revoked: grant.moved.
 *
 * A rule carrying grant tags without a record is not a grant: this function never sees it, so tagging
 * a rule can never make it revocable, and removing the tags from a grant never makes it permanent.
 *
 * Never forgotten: a record is closed only after its rule is revoked (or found gone), so a revoke that
 * fails leaves the record for the next run. The run settles everything else, then throws so the
 * platform retries (and dead-letters) it. Report mode decides the same and writes nothing, neither to
 * EC2 nor to the table.
 */

import { presentRulesByIds } from '../../shared/aws/ec2/rules-by-id';
import { errorMessage } from '../../shared/errors';
import type { SecurityGroups } from '../../shared/estate/security-groups';
import type { Finding, Publish } from '../../shared/findings/finding';
import type { RepeatGate } from '../../shared/findings/repeats';
import { planExpiry } from '../../shared/grants/expiry';
import { closedFinding, expiringFinding, movedFinding } from '../../shared/grants/findings';
import { GrantConflict, type GrantRecord, type GrantStore } from '../../shared/grants/record';
import { isoSeconds } from '../../shared/grants/tags';
import { effectiveMode } from '../../shared/policy/mode';
import type { Mode, Policy } from '../../shared/policy/schema';
import { type Rule, sameAccess, summarise } from '../../shared/rules/rule';
import { newFindingId, revokeMade, UNGATED, type WriteGate } from '../../shared/safety/gate';

export interface ExpireDeps {
  readonly store: Pick<GrantStore, 'expiringBy' | 'close' | 'markWarned'>;
  readonly sg: Pick<SecurityGroups, 'revokeRules' | 'describeGroupRules' | 'describeRulesByIds'>;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  /**
   * Report mode writes nothing, not even the "warned" marker, so what it already reported is
   * remembered here (in the state table, so a cold start does not repeat it) to avoid one finding per
   * grant per minute.
   */
  readonly reported?: RepeatGate;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
  /**
   * Every revoke passes it (shared/safety/gate.ts): closing access is never held back by the budget
   * (`exempt`), and is journaled with its inverse like every write.
   */
  readonly gate?: WriteGate;
  /** The schedule's event that started this run: its id, account and region are journaled. */
  readonly run?: { readonly eventId: string; readonly account: string; readonly region: string };
  /**
   * With an organisation: the security groups of a member account, through its member role. A grant
   * recorded with an account is settled there; without this, such a grant fails (and stays open for
   * the next run) rather than being revoked in the wrong account.
   */
  readonly sgIn?: (account: string) => ExpireDeps['sg'] | undefined;
}

export interface ExpiryOutcome {
  readonly mode: Mode;
  /** Records the query returned (due or inside their warning window). */
  readonly found: number;
  readonly expired: string[];
  readonly alreadyGone: string[];
  /** Closed without a revoke: the recorded rule id now allows other access (grant.moved). */
  readonly moved: string[];
  readonly warned: string[];
  readonly failed: Array<{ grant: string; error: string }>;
}

const labelOf = (record: GrantRecord) =>
  record.ruleId ?? `pending ${summarise(record.access)} on ${record.groupId}`;

/**
 * A pending record younger than this is left alone: grant-access may still be between its conditional
 * put and Authorize (its timeout is 30 s). Closing it then would let Authorize create a rule that no
 * record covers. Two minutes is the timeout plus a wide margin for clock skew and retries.
 */
export const PENDING_GRACE_MS = 2 * 60_000;

/**
 * A pending record has no rule id: grant-access stopped between Authorize and recording the id. EC2
 * allows one rule per access, so the rule with the recorded access IS the one it created. Found by
 * access alone, never by a tag: anyone can delete or copy netwarden's label.
 */
async function ruleOfPending(record: GrantRecord, deps: ExpireDeps): Promise<Rule | undefined> {
  const rules = await deps.sg.describeGroupRules(record.groupId);
  return rules.find((candidate) => sameAccess(candidate, record.access));
}

/** What to do with a due record, decided from the rule as it is now (the same read in both modes). */
type Settlement =
  | { readonly kind: 'revoke'; readonly ruleId: string }
  | { readonly kind: 'gone'; readonly ruleId?: string }
  | { readonly kind: 'moved'; readonly rule: Rule };

function settlementOf(record: GrantRecord, present: ReadonlyMap<string, Rule>): Settlement {
  const ruleId = record.ruleId;
  const rule = ruleId ? present.get(ruleId) : undefined;
  if (!ruleId || !rule) return { kind: 'gone', ...(ruleId ? { ruleId } : {}) };
  // ModifySecurityGroupRules keeps the id and changes the access: that rule is not the grant any more.
  return sameAccess(rule, record.access) ? { kind: 'revoke', ruleId } : { kind: 'moved', rule };
}

/** One run's state, shared by its steps: what it decided so far and the findings it will publish. */
interface Sweep {
  readonly deps: ExpireDeps;
  readonly mode: Mode;
  readonly now: Date;
  readonly outcome: ExpiryOutcome;
  readonly findings: Finding[];
  /**
   * Whether this news about this grant is told now: always in enforce mode (the record's state says
   * what was told), once per grant and kind in report mode, which writes nothing to the record.
   */
  readonly firstTime: (kind: string, record: GrantRecord) => Promise<boolean>;
}

export async function expireGrants(deps: ExpireDeps): Promise<ExpiryOutcome> {
  const policy = deps.policy.grants;
  const mode = effectiveMode(deps.policy, policy);
  const outcome: ExpiryOutcome = {
    mode,
    found: 0,
    expired: [],
    alreadyGone: [],
    moved: [],
    warned: [],
    failed: [],
  };
  if (!policy) return outcome;

  const now = deps.now();
  const records = await deps.store.expiringBy(new Date(now.getTime() + policy.warnBefore));
  Object.assign(outcome, { found: records.length });
  const plan = planExpiry(records, now, policy);
  const sweep: Sweep = { deps, mode, now, outcome, findings: [], firstTime: firstTimeGate(deps, mode, now) };

  await settleDue(dueNow(plan.revoke, sweep), sweep);
  const warnings = await warn(plan.warn, sweep);
  // Publish before marking: a lost mark means a second warning, a mark without a message means none.
  for (const finding of sweep.findings) await deps.publish(finding);
  if (mode === 'enforce') await markWarned(warnings, sweep);

  deps.log?.('grants swept', { ...outcome, failed: outcome.failed.length });
  if (outcome.failed.length > 0) {
    throw new Error(
      `expire-grants: ${outcome.failed.length} grant(s) not settled, retried on the next run: ${outcome.failed.map((failure) => `${failure.grant} (${failure.error})`).join(', ')}`,
      { cause: outcome.failed },
    );
  }
  return outcome;
}

function firstTimeGate(deps: ExpireDeps, mode: Mode, now: Date): Sweep['firstTime'] {
  return async (kind, record) => {
    if (mode === 'enforce' || !deps.reported) return true;
    const key = `${kind}|${record.groupId}|${record.access.peer.type}|${summarise(record.access)}|${record.expiresAt.toISOString()}`;
    return deps.reported.shouldPublish(key, 'reported', now);
  };
}

const why = (record: GrantRecord) =>
  `granted to ${record.owner} (${record.reason}) until ${isoSeconds(record.expiresAt)}`;

/** The due records, less pending ones too young to settle (see PENDING_GRACE_MS). */
function dueNow(records: ReadonlyArray<GrantRecord>, sweep: Sweep): GrantRecord[] {
  return records.filter((record) => {
    const young =
      record.status === 'pending' && sweep.now.getTime() - record.createdAt.getTime() < PENDING_GRACE_MS;
    if (young)
      sweep.deps.log?.('pending grant too young to settle; the next run looks again', {
        grant: labelOf(record),
      });
    return !young;
  });
}

/**
 * Settles each due grant on its own: a failure (transient, or another writer got there first) leaves
 * its record open for the next run and is counted, and the rest are still settled.
 */
async function settleDue(due: ReadonlyArray<GrantRecord>, sweep: Sweep): Promise<void> {
  // Each account's grants in that account: a record without one is the central account's.
  const accounts = [...new Set(due.map((record) => record.account))];
  for (const account of accounts) {
    const here = due.filter((record) => record.account === account);
    const sg = account === undefined ? sweep.deps.sg : sweep.deps.sgIn?.(account);
    if (!sg) {
      for (const record of here)
        sweep.outcome.failed.push({
          grant: labelOf(record),
          error: `recorded in account ${account}, which this function cannot reach (no member role for it)`,
        });
      continue;
    }
    await settleIn(here, { ...sweep, deps: { ...sweep.deps, sg } });
  }
}

async function settleIn(due: ReadonlyArray<GrantRecord>, sweep: Sweep): Promise<void> {
  // The recorded rules as they are now: one read for the batch, so a modified rule is never revoked.
  let present = new Map<string, Rule>();
  let readError: string | undefined;
  try {
    present = await presentRulesByIds(
      sweep.deps.sg,
      due.flatMap((record) => (record.ruleId ? [record.ruleId] : [])),
    );
  } catch (error) {
    readError = errorMessage(error);
  }

  for (const record of due) {
    try {
      if (record.ruleId && readError !== undefined) throw new Error(`reading its rule failed: ${readError}`);
      const pendingRule = record.ruleId ? undefined : await ruleOfPending(record, sweep.deps);
      const settlement: Settlement = pendingRule?.ruleId
        ? { kind: 'revoke', ruleId: pendingRule.ruleId }
        : settlementOf(record, present);
      if (settlement.kind === 'moved') await closeMoved(record, settlement.rule, sweep);
      else await expire(record, settlement, sweep);
    } catch (error) {
      sweep.outcome.failed.push({ grant: labelOf(record), error: errorMessage(error) });
      sweep.deps.log?.('revoke failed; the next run retries', {
        groupId: record.groupId,
        ruleId: record.ruleId,
        error: errorMessage(error),
      });
    }
  }
}

/** The recorded rule id now allows other access: the record is closed, the rule is not revoked. */
async function closeMoved(record: GrantRecord, rule: Rule, sweep: Sweep): Promise<void> {
  const { deps, mode, now } = sweep;
  if (!(await sweep.firstTime('grant.moved', record))) return;
  if (mode === 'enforce')
    await deps.store.close(record, {
      at: now,
      why: `its rule ${record.ruleId} was modified to allow ${summarise(rule)}: not revoked`,
    });
  sweep.outcome.moved.push(labelOf(record));
  sweep.findings.push(
    movedFinding(record, rule, {
      mode,
      now,
      outcome: 'no-action',
      closedBy: `expire-grants at the grant's expiry (${isoSeconds(record.expiresAt)})`,
    }),
  );
}

/** Revokes the grant's rule (enforce mode) unless it is gone already, then closes its record. */
async function expire(
  record: GrantRecord,
  settlement: Exclude<Settlement, { kind: 'moved' }>,
  sweep: Sweep,
): Promise<void> {
  const { deps, mode, now } = sweep;
  let gone = settlement.kind === 'gone';
  let findingId: string | undefined;
  if (mode === 'enforce' && settlement.kind === 'revoke') {
    // Grants are ingress rules (grant-access creates nothing else); revoked by id, never by tag.
    const { groupId, access } = record;
    const ruleId = settlement.ruleId;
    const run = deps.run ?? { eventId: `expire-${now.toISOString()}`, account: '', region: '' };
    const written = await (deps.gate ?? UNGATED).write(
      {
        // Journaled in the account the rule is in, so that undo acts there.
        scope: { account: record.account ?? run.account, group: groupId },
        ...(run.region ? { region: run.region } : {}),
        eventId: run.eventId,
        cause: `schedule (expire-grants): the grant of ${record.owner} expired at ${isoSeconds(record.expiresAt)}`,
        planned: [`RevokeSecurityGroupIngress ${groupId} ${ruleId}`],
        findingId: newFindingId(run.eventId),
        exempt: 'closing an expired grant only narrows access',
      },
      async () => {
        const result = await deps.sg.revokeRules(groupId, access.direction, [ruleId]);
        return {
          value: result,
          made: revokeMade('expire', groupId, access.direction, result.revoked, [access]),
          finding: {
            kind: 'grant.expired' as const,
            title: `Grant ${ruleId} on ${groupId} expired: ${summarise(access)} revoked`,
          },
        };
      },
    );
    if (written.status === 'written') {
      gone = written.value.alreadyGone.length > 0;
      findingId = written.findingId;
    }
  }
  const kind = gone ? 'grant.gone' : 'grant.expired';
  if (!(await sweep.firstTime(kind, record))) return;
  if (mode === 'enforce')
    await deps.store.close(record, {
      at: now,
      why: gone ? 'expired; its rule was already gone' : 'expired; revoked',
    });
  (gone ? sweep.outcome.alreadyGone : sweep.outcome.expired).push(labelOf(record));
  const ruleId = settlement.ruleId;
  sweep.findings.push(
    gone
      ? closedFinding(record, {
          mode,
          now,
          kind: 'grant.gone',
          outcome: 'already-done',
          why: `${why(record)}; its rule ${ruleId ?? '(never recorded)'} was already gone, removed outside netwarden: the record ${mode === 'enforce' ? 'is' : 'would be'} closed`,
          ...(ruleId ? { ruleId } : {}),
        })
      : {
          ...closedFinding(record, {
            mode,
            now,
            kind: 'grant.expired',
            outcome: mode === 'enforce' ? 'acted' : 'would-act',
            why: why(record),
            ...(ruleId ? { ruleId } : {}),
          }),
          ...(deps.run ? { eventId: deps.run.eventId } : {}),
          ...(findingId ? { id: findingId } : {}),
        },
  );
}

/** The grants about to expire whose warning is told now; their findings join the run's. */
async function warn(records: ReadonlyArray<GrantRecord>, sweep: Sweep): Promise<GrantRecord[]> {
  const warnings: GrantRecord[] = [];
  for (const record of records) if (await sweep.firstTime('grant.expiring', record)) warnings.push(record);
  for (const record of warnings) {
    sweep.findings.push(expiringFinding(record, { mode: sweep.mode, now: sweep.now }));
    sweep.outcome.warned.push(labelOf(record));
  }
  return warnings;
}

/** Marks each warned record, after its warning was published. */
async function markWarned(warnings: ReadonlyArray<GrantRecord>, sweep: Sweep): Promise<void> {
  for (const record of warnings) {
    try {
      await sweep.deps.store.markWarned(record, sweep.now);
    } catch (error) {
      // Extended or closed meanwhile: the new state decides the next warning.
      if (error instanceof GrantConflict) continue;
      sweep.outcome.failed.push({ grant: labelOf(record), error: errorMessage(error) });
    }
  }
}
