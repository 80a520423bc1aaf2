/**
 * A digest published as one finding (kind `check.daily` / `check.weekly`) so notify-slack posts it:
 * the digest travels as data in `details.digest` and notify-slack renders it with `digestBlocks`.
 */
import type { Finding } from '../findings/finding';
import { type Digest, isClean, summaryLine, worstSeverity } from './digest';

export function checkFinding(
  digest: Digest,
  now: Date,
  context: { account?: string; region?: string } = {},
): Finding {
  return {
    kind: `check.${digest.check}`,
    severity: isClean(digest) ? 'info' : worstSeverity(digest),
    title: summaryLine(digest),
    // True in every stage: the checks only read, whatever mode the stage's remediations run in.
    mode: 'report',
    outcome: 'no-action',
    time: now.toISOString(),
    ...(context.account ? { account: context.account } : {}),
    ...(context.region ? { region: context.region } : {}),
    why: `the ${digest.check} operations checklist`,
    actions: [],
    details: { digest },
  };
}
