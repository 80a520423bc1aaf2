// esbuild plugin (registered in tools/esbuild-plugins.cjs): notify-slack's webhook mode gets what it
// reads of the policy (shared/slack/webhook-policy.ts) computed at build time, as a JSON literal.
const { join } = require('node:path');

const webhookPolicyPlugin = {
  name: 'netwarden-webhook-policy',
  setup(build) {
    build.onLoad({ filter: /shared[\\/]slack[\\/]webhook-policy\.ts$/ }, () => {
      const path = join(process.cwd(), 'netwarden.policy.yml');
      // The module's own function, through tsx: the build and the source compute it with one piece of code.
      const tsx = require('tsx/cjs/api');
      const { readWebhookPolicy } = tsx.require('../shared/slack/webhook-policy.ts', __filename);
      const computed = readWebhookPolicy(path);
      const contents = [
        '// What webhook mode reads of netwarden.policy.yml, computed when this bundle was built',
        '// (tools/webhook-policy-plugin.cjs with shared/slack/webhook-policy.ts).',
        "import type { SlackPolicy } from '../policy/slack';",
        'export interface WebhookPolicy { readonly slack?: SlackPolicy; readonly groupNames: Readonly<Record<string, string>>; }',
        `const COMPUTED: WebhookPolicy = ${JSON.stringify(computed)};`,
        'export function readWebhookPolicy(_path: string): WebhookPolicy { return COMPUTED; }',
      ].join('\n');
      return { loader: 'ts', contents, watchFiles: [path] };
    });
  },
};

module.exports = { webhookPolicyPlugin };
