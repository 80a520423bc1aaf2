// esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml).
module.exports = [
  // Stops the build on a policy the functions refuse, with their messages.
  require('./validate-policy-plugin.cjs').validatePolicyPlugin,
  // Embeds the policy as that validator returned it: no YAML parser, no schema at cold start.
  require('./embed-policy-plugin.cjs').embedPolicyPlugin,
  // The policy's checks.timezone as UTC offsets: the digests load no ICU time-zone data at cold start.
  require('./zone-offsets-plugin.cjs').zoneOffsetsPlugin,
  require('./sdk-schema-keys-plugin.cjs').sdkSchemaKeysPlugin,
  require('./webhook-policy-plugin.cjs').webhookPolicyPlugin,
];
