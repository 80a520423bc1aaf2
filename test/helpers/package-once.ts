/**
 * vitest globalSetup: `osls package` builds the functions at most once per stage in a test run, however
 * many test files read the packaged template or artifacts (test/helpers/packaged.ts), and however many
 * regions and parameters they package for.
 *
 * Packaging is the slowest step of the suite, so it starts only when the first file asks for it (a
 * run of unit tests never packages), and runs here in the main process while other files' tests go on.
 * One build at a time runs in the repository (serverless-esbuild builds in the service's own .esbuild
 * folder). The files ask over HTTP on 127.0.0.1: vitest gives a global setup no other channel back
 * from its workers. The packages live in temp dirs removed at the end of the run.
 *
 * The first package of a stage bundles and zips the functions (esbuild, most of the cost). Another
 * region or `--param` changes the CloudFormation template only, never a bundle: the environment,
 * roles and resources are the template's, and the bundles are built from the sources and the policy
 * alone. So the other packages of that stage are real `osls package` runs of the same serverless.yml
 * with serverless-esbuild's `skipBuild` set, which takes the zips already built (from the `--package`
 * folder) instead of building them again; their templates are osls's own for that region and those
 * parameters. Each runs in a copy of the service (links, and its own serverless.yml and .esbuild
 * folder), so they run side by side once the build is done.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { OSLS_ENTRY } from './osls';

declare module 'vitest' {
  export interface ProvidedContext {
    /** GET <url>?stage=…&region=…&param=name=value… answers `{ "dir": … }` once that package exists. */
    packagingUrl: string;
  }
}

const REPOSITORY = resolve(import.meta.dirname, '../..');
// serverless-esbuild's section: the one line `  esbuild:` (two spaces in, under `custom:`), wherever it is in custom.
const SKIP_BUILD_AT = '\n  esbuild:\n';

/**
 * A copy of the service in `into` whose serverless.yml differs from the repository's in one line,
 * serverless-esbuild's `skipBuild: true` (links to everything else; osls wants a real serverless.yml).
 */
function serviceReusingBuild(into: string): string {
  const config = readFileSync(join(REPOSITORY, 'serverless.yml'), 'utf8');
  if (config.split(SKIP_BUILD_AT).length !== 2)
    throw new Error('serverless.yml has no custom.esbuild section to set skipBuild in');
  for (const name of readdirSync(REPOSITORY))
    if (!['serverless.yml', '.esbuild', '.serverless', '.git'].includes(name))
      symlinkSync(join(REPOSITORY, name), join(into, name));
  writeFileSync(
    join(into, 'serverless.yml'),
    config.replace(SKIP_BUILD_AT, `${SKIP_BUILD_AT}    skipBuild: true\n`),
  );
  return into;
}

function osls(
  stage: string,
  region: string | undefined,
  params: string[],
  dir: string,
  cwd = REPOSITORY,
): Promise<void> {
  const where = [...(region ? ['--region', region] : []), ...params.map((param) => `--param=${param}`)];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [OSLS_ENTRY, 'package', '--stage', stage, ...where, '--package', dir],
      {
        cwd,
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
  const temporary = (prefix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };

  /** One build in the repository at a time, in the order asked for. */
  const queued = (work: () => Promise<string>): Promise<string> => {
    const done = previous.then(work);
    previous = done.catch(() => undefined);
    return done;
  };

  const packageOnce = (stage: string, region: string | undefined, params: string[]): Promise<string> => {
    const key = `${stage}/${region ?? ''}/${params.join('&')}`;
    let packaged = packages.get(key);
    if (!packaged) {
      const dir = temporary('netwarden-package-');
      packaged =
        region === undefined && params.length === 0
          ? // The stage's default package builds the bundles.
            queued(() => osls(stage, undefined, [], dir).then(() => dir))
          : // Any other region or parameters take its zips, in a service copy of its own: the variants
            // need not wait for one another.
            packageOnce(stage, undefined, []).then(async (built) => {
              for (const zip of readdirSync(built).filter((file) => file.endsWith('.zip')))
                copyFileSync(join(built, zip), join(dir, zip));
              const service = serviceReusingBuild(temporary('netwarden-service-'));
              await osls(stage, region, params, dir, service);
              return dir;
            });
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
