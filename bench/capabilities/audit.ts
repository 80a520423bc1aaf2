/**
 * The weekly audit at scale: 2,500 groups × 60 rules (150,000 rules) in one pass of the pure core.
 * Generation is not timed; the audit is run a few times and the median reported.
 */
import { auditAccount } from '../../shared/checks/audit';
import { syntheticAccount } from '../../test/helpers/synthetic-account';
import { median } from '../measure';

export async function benchAudit(): Promise<unknown> {
  const account = syntheticAccount();
  const times: number[] = [];
  let report: ReturnType<typeof auditAccount> | undefined;
  for (let round = 0; round < 5; round += 1) {
    const start = process.hrtime.bigint();
    report = auditAccount({ ...account, staleReferences: [] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return {
    groups: account.groups.length,
    rules: account.rules.length,
    medianAuditMs: median(times),
    found: {
      missing: report?.drift.missing.length,
      unapproved: report?.drift.unapproved.length,
      redundant: report?.redundant.length,
      guardrails: report?.guardrails.length,
      unattached: report?.unattached.length,
      exceptions: report?.exceptions.length,
    },
  };
}
