/**
 * `osls package` is the last gate before a deploy: a policy the functions would refuse at cold start
 * must stop it, with the functions' own message, and a file that is not YAML must not leave it hanging.
 * Each case packages a copy of the service (links to the repository's files, its own policy file).
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
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../shared/policy/load';
import { OSLS_ENTRY } from '../helpers/osls';

const REPO = resolve(import.meta.dirname, '../..');
const POLICY = readFileSync(join(REPO, 'netwarden.policy.yml'), 'utf8');
/** A hang limit, not a speed target: a failing build exits in seconds when the machine is quiet. */
const HANG_LIMIT_MS = 600_000;
const made: string[] = [];

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The service with `policy` as its netwarden.policy.yml; build output stays in the copy. */
function serviceWithPolicy(policy: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'netwarden-policy-gate-'));
  made.push(dir);
  const own = new Set(['netwarden.policy.yml', '.esbuild', '.serverless', '.git', 'out']);
  // osls wants a real serverless.yml in the service directory; the rest may be links.
  for (const name of readdirSync(REPO)) {
    if (own.has(name)) continue;
    if (name === 'serverless.yml') copyFileSync(join(REPO, name), join(dir, name));
    else symlinkSync(join(REPO, name), join(dir, name));
  }
  writeFileSync(join(dir, 'netwarden.policy.yml'), policy);
  return dir;
}

interface Outcome {
  readonly exited: boolean;
  readonly code: number | null;
  readonly output: string;
}

function oslsPackage(dir: string, params: ReadonlyArray<string> = []): Promise<Outcome> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [
        OSLS_ENTRY,
        'package',
        '--stage',
        'prod',
        ...params.map((param) => `--param=${param}`),
        '--package',
        join(dir, 'package-out'),
      ],
      {
        cwd: dir,
        timeout: HANG_LIMIT_MS,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          SLS_TELEMETRY_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
          AWS_ACCESS_KEY_ID: 'packaging',
          AWS_SECRET_ACCESS_KEY: 'packaging',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ exited: !error?.killed, code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/** What the functions say about this policy text (they throw; the message is what Lambda logs). */
function functionsMessage(policy: string): string {
  try {
    parsePolicy(policy);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('the functions accept this policy');
}

// The two cases side by side: each is one `osls package` in a service copy of its own, so neither waits
// for the other (the file was the suite's longest).
describe.concurrent('osls package and the policy', () => {
  it(
    'exits non-zero, never hangs, on a policy that is not valid YAML, with the YAML error',
    async () => {
      const broken = `${POLICY}\nmode: [unclosed\n`;
      const service = serviceWithPolicy(broken);
      const outcome = await oslsPackage(service);
      expect(outcome.exited, 'osls package was still running at the hang limit').toBe(true);
      expect(outcome.code).not.toBe(0);
      expect(functionsMessage(broken)).toMatch(/^netwarden\.policy\.yml: not valid YAML: /);
      expect(outcome.output).toContain(functionsMessage(broken).split('\n')[0]);
      expect(readdirSync(service), 'no package was written').not.toContain('package-out');
    },
    2 * HANG_LIMIT_MS,
  );

  it(
    'exits non-zero on a baseline rule a guardrail forbids, with the message the functions give',
    async () => {
      const forbidden = POLICY.replace(
        '      - { direction: ingress, ports: 3306, source: 10.20.0.0/16 }\n',
        '      - { direction: ingress, ports: 3306, source: 10.20.0.0/16 }\n      - { direction: ingress, ports: 3306, source: 0.0.0.0/0 }\n',
      );
      expect(forbidden).not.toBe(POLICY);
      const message = functionsMessage(forbidden);
      expect(message).toContain('netwarden never restores a rule a guardrail forbids');
      const outcome = await oslsPackage(serviceWithPolicy(forbidden));
      expect(outcome.exited, 'osls package was still running at the hang limit').toBe(true);
      expect(outcome.code).not.toBe(0);
      for (const line of message.split('\n')) expect(outcome.output).toContain(line);
    },
    2 * HANG_LIMIT_MS,
  );

  it(
    'exits non-zero when the policy has an organization but the deploy has no or another organizationId, naming both',
    async () => {
      const withOrganization = `${POLICY}
organization:
  id: o-abc123def4
  externalId: netwarden-o-abc123def4
  accounts:
    - { id: '222233334444', name: gateway-prod }
`;
      parsePolicy(withOrganization);
      const service = serviceWithPolicy(withOrganization);
      const without = await oslsPackage(service);
      expect(without.exited, 'osls package was still running at the hang limit').toBe(true);
      expect(without.code).not.toBe(0);
      expect(without.output).toContain(
        `the policy's organization.id is "o-abc123def4" but the stack would deploy without --param="organizationId=o-abc123def4"`,
      );
      const other = await oslsPackage(service, ['organizationId=o-zzz999zzz9']);
      expect(other.code).not.toBe(0);
      expect(other.output).toContain(
        `--param organizationId is "o-zzz999zzz9" but the policy's organization.id is "o-abc123def4"`,
      );
      expect(readdirSync(service), 'no package was written').not.toContain('package-out');
    },
    3 * HANG_LIMIT_MS,
  );
});
