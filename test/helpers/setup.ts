import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, vi } from 'vitest';
import { disconnect } from '../../simulated-account/wire/in-process';

// Test files share a worker's modules (vitest.config.ts, `isolate: false`): whatever one file leaves
// behind in the process must not reach the next. Each file starts and ends with the environment the
// worker started with (kept once per worker, so a variable one file leaked cannot become the next
// file's "original"), and ends with the SDK clients talking to their own request handlers again. The
// project's own modules load afresh for the next file (module-level singletons such as the SDK clients
// of shared/aws/clients/ read their endpoint from the environment once); only node_modules stay loaded.
const worker = globalThis as typeof globalThis & { netwardenTestEnvironment?: NodeJS.ProcessEnv };
worker.netwardenTestEnvironment ??= { ...process.env };
const environment = worker.netwardenTestEnvironment;

function restoreEnvironment(): void {
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
}

beforeAll(restoreEnvironment);
afterAll(() => {
  // What a file stubbed through vitest goes back first (vitest keeps the originals across files in one
  // worker), then anything it set by hand.
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  disconnect();
  restoreEnvironment();
  vi.resetModules();
});
