import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, vi } from 'vitest';
import { disconnect } from '../../simulated-account/wire/in-process';

// Test files share a worker's modules (vitest.config.ts, `isolate: false`): whatever one file leaves
// behind in the process must not reach the next. Each file starts with the environment the run
// started with, and ends with the SDK clients talking to their own request handlers again. The
// project's own modules load afresh for the next file (module-level singletons such as the SDK clients
// of shared/aws/clients/ read their endpoint from the environment once); only node_modules stay loaded.
const environment = { ...process.env };
afterAll(() => {
  // What a file stubbed through vitest goes back first (vitest keeps the originals across files in one
  // worker), then anything it set by hand: the environment as the file found it.
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  disconnect();
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
  vi.resetModules();
});
