/**
 * Loads netwarden.policy.yml. An invalid policy fails loudly at cold start with every problem listed
 * as `path: what was expected, found what` — a policy typo must never quietly disable a guardrail.
 */
import type * as z from 'zod';
import { parseYaml, readPolicyDocument } from './document';
import { PolicyError } from './errors';
import { guardrailConflicts, type PolicyIssue } from './guardrail-conflicts';
import { type Mode, Policy } from './schema';

export { PolicyError };

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function formatPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    root,
  );
}

function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `root` names the input in each path (`policy.grants.maxTtl`, `requestParameters.groupId`). */
export function formatIssues(
  issues: ReadonlyArray<z.core.$ZodIssue | PolicyIssue>,
  input: unknown,
  root = 'policy',
): string {
  return issues
    .map((issue) => {
      if ('code' in issue && issue.code === 'unrecognized_keys') {
        return `${formatPath(root, issue.path)}: expected only known keys, found unknown key(s) ${issue.keys.join(', ')}`;
      }
      const found = describeFound(valueAt(input, issue.path));
      return `${formatPath(root, issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}, found ${found}`;
    })
    .join('\n');
}

/** Validates a parsed policy document; every problem is listed as `path: expected …, found …`. */
export function validatePolicy(raw: unknown, source = 'netwarden.policy.yml'): Policy {
  const result = Policy.safeParse(raw);
  if (!result.success)
    throw new PolicyError(`${source} is invalid:\n${formatIssues(result.error.issues, raw)}`);
  // Checked only once every part is well-formed, as a schema refinement would be.
  const conflicts = guardrailConflicts(result.data.securityGroups);
  if (conflicts.length > 0) throw new PolicyError(`${source} is invalid:\n${formatIssues(conflicts, raw)}`);
  return result.data;
}

export function parsePolicy(text: string, source = 'netwarden.policy.yml'): Policy {
  return validatePolicy(parseYaml(text, source), source);
}

export function loadPolicy(path: string): Policy {
  return validatePolicy(readPolicyDocument(path), path);
}

/**
 * Report wins wherever it is said, so a section can be held in report mode while the rest enforces.
 * The stage's NETWARDEN_MODE is already the policy's top-level mode (shared/wiring.ts `stagePolicy`),
 * so a stage can hold everything and there is no second way to set it.
 */
export function effectiveMode(policy: Policy, section: { mode?: Mode } | undefined): Mode {
  return policy.mode === 'report' || section?.mode === 'report' ? 'report' : 'enforce';
}
