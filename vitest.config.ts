import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    // `osls package` once per run, and only if a test file asks for the package (test/helpers/packaged.ts).
    globalSetup: ['test/helpers/package-once.ts'],
    environment: 'node',
    // Worker threads, not child processes: a worker fetches every project module from the main process
    // again after each file's module reset (test/helpers/setup.ts), and a thread's message port carries
    // those transformed sources for less CPU than a child process's JSON IPC (13% less CPU on the
    // function and shared tests, three runs of each interleaved). No test changes the working
    // directory or exits the process, which a thread could not do alone.
    pool: 'threads',
    // Files share their worker's modules: each worker loads the AWS SDK and the simulated account once,
    // not once per file (most of the suite's CPU time went there). What a file changes in the process is
    // undone after it by test/helpers/setup.ts (vitest's env stubs, the environment, spies, the in-process
    // wiring, the project's modules); see CONTRIBUTING for what a file must undo itself.
    isolate: false,
    // vitest's default is one worker per core less one: a single worker on a 2-core machine, idle while
    // a packaging test waits for `osls package` (which runs in the main process, test/helpers/package-once.ts).
    maxWorkers: 3,
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
