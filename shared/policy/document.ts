/**
 * Reads the policy document: YAML text → plain data, before validation. Lambda bundles never load
 * it: they start from the policy validated when the bundle was built (shared/policy/startup.ts), so
 * no YAML parser is loaded at cold start, and a file that is not YAML fails the build
 * (tools/validate-policy-plugin.cjs).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { PolicyError } from './errors';

export function parseYaml(text: string, source: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw new PolicyError(`${source}: not valid YAML: ${(error as Error).message}`, { cause: error });
  }
}

/** The policy file's text, unparsed; a file that cannot be read fails with its path and why. */
export function readPolicyText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyError(`cannot read the policy file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function readPolicyDocument(path: string): unknown {
  return parseYaml(readPolicyText(path), path);
}
