/**
 * vitest globalSetup: `osls package` runs at most once per stage, region and parameters in a test run, however
 * many test files read the packaged template or artifacts (test/helpers/packaged.ts).
 *
 * Packaging is the slowest step of the suite, so it starts only when the first file asks for it (a
 * run of unit tests never packages), runs here in the main process while other files' tests go on,
 * and one package at a time (serverless-esbuild builds in the service's own .esbuild folder). The
 * files ask over HTTP on 127.0.0.1: vitest gives a global setup no other channel back from its
 * workers. The packages live in temp dirs removed at the end of the run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** GET <url>?stage=…&region=…&param=name=value… answers `{ "dir": … }` once that package exists. */
    packagingUrl: string;
  }
}

function osls(stage: string, region: string | undefined, params: string[], dir: string): Promise<void> {
  const where = [...(region ? ['--region', region] : []), ...params.map((param) => `--param=${param}`)];
  return new Promise((resolve, reject) => {
    execFile(
      'npx',
      ['osls', 'package', '--stage', stage, ...where, '--package', dir],
      {
        env: {
          ...process.env,
          SLS_TELEMETRY_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
          // Packaging calls no AWS API; dummy credentials keep the credential chain from probing
          // the instance metadata service (not loopback) until it times out.
          AWS_ACCESS_KEY_ID: 'packaging',
          AWS_SECRET_ACCESS_KEY: 'packaging',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`osls package --stage ${stage} ${where.join(' ')} failed: ${stderr || stdout}`));
        else resolve();
      },
    );
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const packages = new Map<string, Promise<string>>();
  const dirs: string[] = [];
  let previous: Promise<unknown> = Promise.resolve();

  const packageOnce = (stage: string, region: string | undefined, params: string[]): Promise<string> => {
    const key = `${stage}/${region ?? ''}/${params.join('&')}`;
    let packaged = packages.get(key);
    if (!packaged) {
      const dir = mkdtempSync(join(tmpdir(), 'netwarden-package-'));
      dirs.push(dir);
      packaged = previous.then(() => osls(stage, region, params, dir)).then(() => dir);
      previous = packaged.catch(() => undefined);
      packages.set(key, packaged);
    }
    return packaged;
  };

  const server = createServer((request, response) => {
    const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
    packageOnce(
      query.get('stage') ?? 'prod',
      query.get('region') ?? undefined,
      query.getAll('param').sort(),
    ).then(
      (dir) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ dir }));
      },
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error.message);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  project.provide('packagingUrl', `http://127.0.0.1:${port}/package`);

  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // A package still being built when the run is cancelled is removed once it is done.
    await Promise.allSettled(packages.values());
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
}
