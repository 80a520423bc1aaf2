/**
 * Loads netwarden.policy.yml. An invalid policy fails loudly at cold start with every problem listed
 * as `path: what was expected, found what` — a policy typo must never quietly disable a guardrail.
 */
import { formatIssues } from '../events/issues';
import { parseYaml, readPolicyDocument } from './document';
import { PolicyError } from './errors';
import { guardrailConflicts } from './guardrail-conflicts';
import { organizationIssues } from './organization';
import { Policy } from './schema';

export { PolicyError };

/** Validates a parsed policy document; every problem is listed as `path: expected …, found …`. */
export function validatePolicy(raw: unknown, source = 'netwarden.policy.yml'): Policy {
  const result = Policy.safeParse(raw);
  if (!result.success)
    throw new PolicyError(`${source} is invalid:\n${formatIssues(result.error.issues, raw)}`);
  // Checked only once every part is well-formed, as a schema refinement would be.
  const conflicts = [...organizationIssues(result.data), ...guardrailConflicts(result.data.securityGroups)];
  if (conflicts.length > 0) throw new PolicyError(`${source} is invalid:\n${formatIssues(conflicts, raw)}`);
  return result.data;
}

export function parsePolicy(text: string, source = 'netwarden.policy.yml'): Policy {
  return validatePolicy(parseYaml(text, source), source);
}

export function loadPolicy(path: string): Policy {
  return validatePolicy(readPolicyDocument(path), path);
}
