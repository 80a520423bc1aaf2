// esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

/**
 * Embeds netwarden.policy.yml, parsed at build time, in place of shared/policy/document.ts: the
 * Lambda validates the same document at cold start without loading a YAML parser, and a file that
 * is not valid YAML fails the build instead of the deploy.
 */
const embedPolicy = {
  name: 'netwarden-embed-policy',
  setup(build) {
    build.onLoad({ filter: /shared[\\/]policy[\\/]document\.ts$/ }, () => {
      const path = join(process.cwd(), 'netwarden.policy.yml');
      const document = parse(readFileSync(path, 'utf8'));
      const contents = [
        '// netwarden.policy.yml, parsed when this bundle was built (tools/esbuild-plugins.cjs).',
        `const EMBEDDED: unknown = ${JSON.stringify(document)};`,
        'export function readPolicyDocument(_path: string): unknown { return EMBEDDED; }',
        'export function parseYaml(_text: string, source: string): unknown { throw new Error(source + ": netwarden bundles embed their policy and parse no YAML"); }',
      ].join('\n');
      return { loader: 'ts', contents, watchFiles: [path] };
    });
  },
};

module.exports = [embedPolicy];
module.exports.push(require('./validate-policy-plugin.cjs').validatePolicyPlugin);
module.exports.push(require('./sdk-schema-keys-plugin.cjs').sdkSchemaKeysPlugin);
module.exports.push(require('./webhook-policy-plugin.cjs').webhookPolicyPlugin);
