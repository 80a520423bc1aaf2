// esbuild plugin (registered in tools/esbuild-plugins.cjs): every bundle starts from the policy as the
// functions' own validator returned it when the bundle was built, in place of shared/policy/startup.ts
// (whose comment says why), so a cold start loads neither the YAML parser nor the policy schema.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { isDeepStrictEqual } = require('node:util');
const { runInThisContext } = require('node:vm');

/**
 * `value` as a JavaScript expression that builds an equal value: JSON, and Dates (an exception's
 * `expires`). Anything else (undefined, a function, a Map, NaN, -0, a class instance) is refused with
 * where it is, rather than embedded as something else.
 */
function policySource(value, at = 'policy') {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0))
    return JSON.stringify(value);
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return `new Date(${JSON.stringify(value.toISOString())})`;
  if (Array.isArray(value))
    return `[${value.map((item, index) => policySource(item, `${at}[${index}]`)).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${policySource(item, `${at}.${key}`)}`)
      .join(',')}}`;
  const what =
    typeof value === 'object' && value !== null
      ? Object.prototype.toString.call(value)
      : `${typeof value} ${Object.is(value, -0) ? '-0' : String(value)}`;
  throw new Error(`${at}: cannot embed ${what} in a bundle`);
}

/**
 * The validated policy as module source, checked to rebuild a value deeply and strictly equal to what
 * the validator returned (same types, same prototypes, same Dates): what the bundle runs is what was
 * validated, or the build stops.
 */
function embeddedPolicySource(policy) {
  const source = policySource(policy);
  if (!isDeepStrictEqual(runInThisContext(`(${source})`), policy))
    throw new Error('the validated policy does not rebuild equal from its embedded form');
  return source;
}

/** The functions' own validator (shared/policy/load.ts), through tsx, as tools/validate-policy-plugin.cjs loads it. */
function validatedPolicy(path) {
  const tsx = require('tsx/cjs/api');
  // The source name the functions use (POLICY_PATH), so a refusal reads as theirs word for word.
  return tsx
    .require('../shared/policy/load.ts', __filename)
    .parsePolicy(readFileSync(path, 'utf8'), 'netwarden.policy.yml');
}

const embedPolicyPlugin = {
  name: 'netwarden-embed-policy',
  setup(build) {
    build.onLoad({ filter: /shared[\\/]policy[\\/]startup\.ts$/ }, () => {
      const path = join(process.cwd(), 'netwarden.policy.yml');
      let source;
      try {
        source = embeddedPolicySource(validatedPolicy(path));
      } catch (error) {
        return {
          errors: [{ text: error instanceof Error ? error.message : String(error) }],
          watchFiles: [path],
        };
      }
      const contents = [
        '// netwarden.policy.yml as shared/policy/load.ts validated it when this bundle was built',
        '// (tools/embed-policy-plugin.cjs): defaults applied, no YAML parser and no schema at cold start.',
        "import type { Policy } from './schema';",
        `const VALIDATED: Policy = ${source};`,
        'export function startupPolicy(_path: string): Policy { return VALIDATED; }',
      ].join('\n');
      return { loader: 'ts', contents, watchFiles: [path] };
    });
  },
};

module.exports = { embedPolicyPlugin, embeddedPolicySource, policySource, validatedPolicy };
