/**
 * Carrying out one decision (or, in report mode, only saying what would be done), shared by the
 * CloudTrail rule events (revert.ts) and the re-examination of a group that became protected again
 * (reexamine.ts), so both act and report exactly alike.
 */
import type { SecurityGroupPort } from '../../shared/aws/ec2';
import type { Finding } from '../../shared/findings/finding';
import { effectiveMode } from '../../shared/policy/load';
import type { Mode, Policy, SecurityGroupPolicy } from '../../shared/policy/schema';
import type { SgEvent } from '../../shared/sg/change';
import type { SgDecision } from '../../shared/sg/decide';
import { sgFinding } from '../../shared/sg/findings';

export type ActingDecision = Exclude<SgDecision, { type: 'ignore' }>;

/** Report wins if any section protecting the group says so. */
export function modeFor(
  policy: Policy,
  sections: ReadonlyArray<SecurityGroupPolicy>,
  modeOverride: Mode | undefined,
): Mode {
  return sections.reduce<Mode>(
    (current, section) => (effectiveMode(policy, section, modeOverride) === 'report' ? 'report' : current),
    effectiveMode(policy, undefined, modeOverride),
  );
}

export async function carryOut(
  decision: ActingDecision,
  event: SgEvent,
  mode: Mode,
  deps: { readonly sg: SecurityGroupPort; readonly now: () => Date },
): Promise<Finding> {
  const now = deps.now();
  if (decision.type === 'report') return sgFinding(decision, event, 'no-action', mode, now);
  if (mode === 'report') return sgFinding(decision, event, 'would-act', mode, now);
  if (decision.type === 'revoke') {
    const ruleIds = decision.rules.map((rule) => rule.ruleId).filter((id): id is string => id !== undefined);
    const result = await deps.sg.revokeRules(decision.groupId, decision.direction, ruleIds);
    const outcome = result.revoked.length > 0 ? 'acted' : 'already-done';
    return sgFinding(decision, event, outcome, mode, now, {
      details: { revoked: result.revoked, alreadyGone: result.alreadyGone },
    });
  }
  const result = await deps.sg.authorizeRules(decision.groupId, decision.direction, decision.rules, {
    'netwarden:restored': 'baseline',
  });
  const outcome = result.authorized.length > 0 ? 'acted' : 'already-done';
  return sgFinding(decision, event, outcome, mode, now, {
    details: { restored: result.authorized.length, alreadyPresent: result.alreadyPresent.length },
  });
}
