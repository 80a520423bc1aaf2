/**
 * The policy a function starts with (shared/wiring.ts, notify-slack's app mode): netwarden.policy.yml
 * validated by load.ts, so a policy typo fails loudly and never quietly disables a guardrail.
 *
 * In Lambda bundles tools/embed-policy-plugin.cjs replaces this module with the policy as load.ts
 * returned it when the bundle was built (defaults applied, durations in ms, CIDRs canonical). The build
 * stops on a policy load.ts refuses (tools/validate-policy-plugin.cjs, with the very messages), so the
 * shipped policy has been validated by this code already. Validating it again at every cold start
 * could find nothing new and cost each cold start a large part of importing its handler (building the zod
 * schema, parsing, asking Intl about each time zone); a bundle now loads neither the schema nor the
 * YAML parser. One difference: a time zone is checked against the build's Node, not Lambda's.
 * Everything that is not a bundle (tests, the CLI, a POLICY_PATH elsewhere) validates here at run time.
 * A bundle always runs the policy it was built with, whatever POLICY_PATH says, as it always has.
 */
import { loadPolicy } from './load';
import type { Policy } from './schema';

export function startupPolicy(path: string): Policy {
  return loadPolicy(path);
}
