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
 *
 * Outside a bundle one process can start a handler many times: the tests load each handler afresh for
 * every test (a new module registry is a new container), and reading, parsing and validating the same
 * file each time was a large part of their CPU time. What the validator returns depends only on the
 * text (the path appears only in its refusals), so the first policy validated from an exact text is
 * kept for the process (on globalThis: a module registry loaded afresh forgets its own variables) and
 * handed to every later start from that text, whatever file it is in (tests write the same text to
 * many temporary files). It is deeply frozen, so no start can change what another is given; the file
 * is read every time, so an edited file is validated anew, and a policy that fails is never kept.
 */
import { readPolicyText } from './document';
import { parsePolicy } from './load';
import type { Policy } from './schema';

const VALIDATED = Symbol.for('netwarden.validatedStartupPolicies');
type Validated = Map<string, Policy>;

function validatedPolicies(): Validated {
  const holder = globalThis as typeof globalThis & { [VALIDATED]?: Validated };
  holder[VALIDATED] ??= new Map();
  return holder[VALIDATED];
}

/**
 * Freezes every plain object and array in the policy. A Date (an exception's `expires`) is frozen too,
 * but its time could still be set: no code calls a Date setter on the policy.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

export function startupPolicy(path: string): Policy {
  const text = readPolicyText(path);
  const known = validatedPolicies().get(text);
  if (known) return known;
  // The same messages as loadPolicy: the source named in them is the path.
  const policy = deepFreeze(parsePolicy(text, path));
  validatedPolicies().set(text, policy);
  return policy;
}
