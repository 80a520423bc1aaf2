/**
 * The expire-grants use case, every minute: ONE query of the state table's expiry index finds the
 * grants due or inside their warning window (never a scan of EC2, never a read of tags) → planExpiry →
 * revoke exactly the recorded rule ids → close the records; warn once about grants about to expire.
 *
 * A rule carrying grant tags without a record is not a grant: this function never sees it, so tagging
 * a rule can never make it revocable, and removing the tags from a grant never makes it permanent.
 *
 * Never forgotten: a record is closed only after its rule is revoked (or found gone), so a revoke that
 * fails leaves the record for the next run. The run settles everything else, then throws so the
 * platform retries (and dead-letters) it. Report mode decides the same and writes nothing, neither to
 * EC2 nor to the table.
 */
import type { SecurityGroupPort } from '../../shared/aws/ec2';
import { errorMessage } from '../../shared/errors';
import type { Finding, Publish } from '../../shared/findings/finding';
import { planExpiry } from '../../shared/grants/expiry';
import { closedFinding, expiringFinding } from '../../shared/grants/findings';
import { GrantConflict, type GrantRecord, type GrantStore } from '../../shared/grants/record';
import { GRANT_TAGS, isoSeconds } from '../../shared/grants/tags';
import { effectiveMode } from '../../shared/policy/load';
import type { Mode, Policy } from '../../shared/policy/schema';
import { sameAccess, summarise } from '../../shared/rules/rule';

export interface ExpireDeps {
  readonly store: Pick<GrantStore, 'expiringBy' | 'close' | 'markWarned'>;
  readonly sg: Pick<SecurityGroupPort, 'revokeRules' | 'describeGroupRules'>;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly modeOverride?: Mode;
  /**
   * Report mode writes nothing, not even the "warned" marker, so what it already reported is
   * remembered here (per Lambda container) to avoid one finding per grant per minute.
   */
  readonly reported?: { has(key: string): boolean; add(key: string): void };
  readonly log?: (message: string, data: Record<string, unknown>) => void;
}

export interface ExpiryOutcome {
  readonly mode: Mode;
  /** Records the query returned (due or inside their warning window). */
  readonly found: number;
  readonly expired: string[];
  readonly alreadyGone: string[];
  readonly warned: string[];
  readonly failed: Array<{ grant: string; error: string }>;
}

const labelOf = (record: GrantRecord) =>
  record.ruleId ?? `pending ${summarise(record.access)} on ${record.groupId}`;

/**
 * A pending record has no rule id: grant-access stopped between Authorize and recording the id. The
 * rule it created is the one with the recorded access AND netwarden's label (set in the same
 * Authorize call); a rule at that access without the label is someone else's and is left alone.
 */
async function ruleIdOfPending(record: GrantRecord, deps: ExpireDeps): Promise<string | undefined> {
  const rules = await deps.sg.describeGroupRules(record.groupId);
  const rule = rules.find(
    (candidate) =>
      sameAccess(candidate, record.access) && candidate.tags[GRANT_TAGS.owner] === record.owner.slice(0, 256),
  );
  return rule?.ruleId;
}

export async function expireGrants(deps: ExpireDeps): Promise<ExpiryOutcome> {
  const policy = deps.policy.grants;
  const mode = effectiveMode(deps.policy, policy, deps.modeOverride);
  const outcome: ExpiryOutcome = { mode, found: 0, expired: [], alreadyGone: [], warned: [], failed: [] };
  if (!policy) return outcome;

  const now = deps.now();
  const records = await deps.store.expiringBy(new Date(now.getTime() + policy.warnBefore));
  Object.assign(outcome, { found: records.length });
  const plan = planExpiry(records, now, policy);
  const base = { mode, now };
  const findings: Finding[] = [];
  const firstTime = (kind: string, record: GrantRecord) => {
    if (mode === 'enforce' || !deps.reported) return true;
    const key = `${kind}|${record.groupId}|${record.access.peer.type}|${summarise(record.access)}|${record.expiresAt.toISOString()}`;
    if (deps.reported.has(key)) return false;
    deps.reported.add(key);
    return true;
  };
  const why = (record: GrantRecord) =>
    `granted to ${record.owner} (${record.reason}) until ${isoSeconds(record.expiresAt)}`;

  for (const record of plan.revoke) {
    if (mode === 'report') {
      if (firstTime('grant.expired', record))
        findings.push(
          closedFinding(record, { ...base, kind: 'grant.expired', outcome: 'would-act', why: why(record) }),
        );
      continue;
    }
    try {
      const ruleId = record.ruleId ?? (await ruleIdOfPending(record, deps));
      // Grants are ingress rules (grant-access creates nothing else); revoked by id, never by tag.
      const result = ruleId
        ? await deps.sg.revokeRules(record.groupId, record.access.direction, [ruleId])
        : { revoked: [], alreadyGone: [] };
      const gone = !ruleId || result.alreadyGone.length > 0;
      await deps.store.close(record, {
        at: now,
        why: gone ? 'expired; its rule was already gone' : 'expired; revoked',
      });
      (gone ? outcome.alreadyGone : outcome.expired).push(labelOf(record));
      findings.push(
        gone
          ? closedFinding(record, {
              ...base,
              kind: 'grant.gone',
              outcome: 'already-done',
              why: `${why(record)}; its rule ${ruleId ?? '(never recorded)'} was already gone, removed outside netwarden: the record is closed`,
              ...(ruleId ? { ruleId } : {}),
            })
          : closedFinding(record, {
              ...base,
              kind: 'grant.expired',
              outcome: 'acted',
              why: why(record),
              ruleId,
            }),
      );
    } catch (error) {
      // Transient (or another writer got there first): the record stays open for the next run.
      outcome.failed.push({ grant: labelOf(record), error: errorMessage(error) });
      deps.log?.('revoke failed; the next run retries', {
        groupId: record.groupId,
        ruleId: record.ruleId,
        error: errorMessage(error),
      });
    }
  }

  const warnings = plan.warn.filter((record) => firstTime('grant.expiring', record));
  for (const record of warnings) {
    findings.push(expiringFinding(record, base));
    outcome.warned.push(labelOf(record));
  }
  // Publish before marking: a lost mark means a second warning, a mark without a message means none.
  for (const finding of findings) await deps.publish(finding);
  if (mode === 'enforce') {
    for (const record of warnings) {
      try {
        await deps.store.markWarned(record, now);
      } catch (error) {
        // Extended or closed meanwhile: the new state decides the next warning.
        if (error instanceof GrantConflict) continue;
        outcome.failed.push({ grant: labelOf(record), error: errorMessage(error) });
      }
    }
  }
  deps.log?.('grants swept', { ...outcome, failed: outcome.failed.length });
  if (outcome.failed.length > 0) {
    throw new Error(
      `expire-grants: ${outcome.failed.length} grant(s) not settled, retried on the next run: ${outcome.failed.map((failure) => `${failure.grant} (${failure.error})`).join(', ')}`,
      { cause: outcome.failed },
    );
  }
  return outcome;
}
