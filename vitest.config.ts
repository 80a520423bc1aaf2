import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    // `osls package` once per run, and only if a test file asks for the package (test/helpers/packaged.ts).
    globalSetup: ['test/helpers/package-once.ts'],
    environment: 'node',
    pool: 'forks',
    // Each file in its own module registry, one worker: sharing modules across files (isolate: false)
    // and three workers were measured faster, but let a file's stubbed environment reach the next file's
    // handlers (test/functions/revert-sg-drift/home.test.ts failed in the full run only); see CONTRIBUTING.
    // A hang limit, not a speed target: on a busy 2-core machine a scenario that takes 1 s when quiet
    // can take 10 s. No assertion depends on how long anything takes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      AWS_REGION: 'ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_DEV: 'false',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      NETWARDEN_STAGE: 'test',
      FINDINGS_TOPIC_ARN: 'arn:aws:sns:ap-northeast-2:111122223333:netwarden-test-findings',
      POLICY_PATH: 'netwarden.policy.yml',
      // The state table: tests that use it start dynalite (test/helpers/state-table.ts) and point these
      // at it; anything else that reaches DynamoDB gets a refused connection on 127.0.0.1, never AWS.
      STATE_TABLE_NAME: 'netwarden-test-state',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    },
  },
});
