/**
 * Which mode a policy section runs in. Apart from load.ts (the validator) so that a function asking it
 * does not load the policy schema at cold start: bundles start from the policy validated at build time
 * (shared/policy/startup.ts).
 */
import type { Mode, Policy } from './schema';

/**
 * Report wins wherever it is said, so a section can be held in report mode while the rest enforces.
 * The stage's NETWARDEN_MODE is already the policy's top-level mode (shared/wiring.ts `stagePolicy`),
 * so a stage can hold everything and there is no second way to set it.
 */
export function effectiveMode(policy: Policy, section: { mode?: Mode } | undefined): Mode {
  return policy.mode === 'report' || section?.mode === 'report' ? 'report' : 'enforce';
}
