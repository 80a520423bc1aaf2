// esbuild plugin (registered in tools/esbuild-plugins.cjs): `osls package` and `osls deploy` stop on a
// policy the functions would refuse at cold start, with the very messages they would log.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * The functions' own validator (shared/policy/load.ts: the schema and its cross-checks), loaded
 * through tsx so that the build and the Lambda judge the file with one piece of code.
 */
function policyValidator() {
  const tsx = require('tsx/cjs/api');
  return tsx.require('../shared/policy/load.ts', __filename);
}

const validatePolicyPlugin = {
  name: 'netwarden-validate-policy',
  setup(build) {
    build.onStart(() => {
      const path = join(process.cwd(), 'netwarden.policy.yml');
      try {
        // The source name the functions use (POLICY_PATH), so the messages match theirs word for word.
        policyValidator().parsePolicy(readFileSync(path, 'utf8'), 'netwarden.policy.yml');
        return undefined;
      } catch (error) {
        return { errors: [{ text: error instanceof Error ? error.message : String(error) }] };
      }
    });
  },
};

module.exports = { validatePolicyPlugin };
