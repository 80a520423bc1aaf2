import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, vi } from 'vitest';
import { disconnect } from '../../simulated-account/wire/in-process';

// Test files share a worker's modules (vitest.config.ts, `isolate: false`): whatever one file leaves
// behind in the process must not reach the next. Each file starts and ends with the environment the
// worker started with (kept once per worker, so a variable one file leaked cannot become the next
// file's "original"), and ends with the SDK clients talking to their own request handlers again. The
// project's own modules load afresh for the next file (module-level singletons such as the SDK clients
// of shared/aws/clients/ read their endpoint from the environment once); only node_modules stay loaded.
const worker = globalThis as typeof globalThis & {
  netwardenTestEnvironment?: NodeJS.ProcessEnv;
  netwardenProcessEnv?: NodeJS.ProcessEnv;
};
worker.netwardenTestEnvironment ??= { ...process.env };
const environment = worker.netwardenTestEnvironment;
// The process.env object itself, as the worker started with it. vi.stubEnv and vi.unstubAllEnvs delete
// variables from this very object: a file that replaced process.env (`process.env = {...saved}`) left
// every later file in the worker with stubs that could set but not unset, and a home-account test saw
// NETWARDEN_ACCOUNT_ID still set after it had been unstubbed.
worker.netwardenProcessEnv ??= process.env;
const processEnv = worker.netwardenProcessEnv;

function restoreEnvironment(): void {
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
}

beforeAll(restoreEnvironment);
afterAll(() => {
  const replaced = process.env !== processEnv;
  if (replaced) process.env = processEnv;
  // What a file stubbed through vitest goes back first (vitest keeps the originals across files in one
  // worker), then anything it set by hand.
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  disconnect();
  restoreEnvironment();
  vi.resetModules();
  if (replaced)
    throw new Error(
      'this file replaced process.env; change its variables in place (or with vi.stubEnv), never the object',
    );
});
