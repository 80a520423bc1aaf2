// A local osls plugin (serverless.yml `plugins`): `osls package` and `osls deploy` stop when the
// deployment's organisation parameters disagree with the policy's organization section, before
// anything is built. The parameters are read as osls resolved them (custom.netwarden in serverless.yml:
// --param flags, then the stage's params, then the defaults); the comparison is the functions' own code
// (shared/policy/organization.ts deployParamProblems), loaded through tsx like the policy gate.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

function load(path) {
  const tsx = require('tsx/cjs/api');
  return tsx.require(path, __filename);
}

class OrganizationParamsPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:initialize': () => this.check(),
      'before:deploy:deploy': () => this.check(),
    };
  }

  check() {
    const { servicePath } = this.serverless.config;
    const params = this.serverless.service.custom?.netwarden ?? {};
    const { parsePolicy } = load('../shared/policy/load.ts');
    const { deployParamProblems } = load('../shared/policy/organization.ts');
    const policy = parsePolicy(
      readFileSync(join(servicePath, 'netwarden.policy.yml'), 'utf8'),
      'netwarden.policy.yml',
    );
    const problems = deployParamProblems(policy, {
      organizationId: String(params.organizationId ?? ''),
      memberRoleName: String(params.memberRoleName ?? ''),
    });
    if (problems.length > 0)
      throw new this.serverless.classes.Error(
        `netwarden.policy.yml and the deployment's parameters disagree:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
      );
  }
}

module.exports = OrganizationParamsPlugin;
