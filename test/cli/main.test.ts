/**
 * The CLI as a Unix tool: help on stdout with exit 0, usage errors on stderr with exit 2, failures as
 * one line on stderr with exit 1 and no stack trace. The process cases run bin/netwarden.mjs as a user
 * would, in an environment with no AWS region or credentials anywhere (and no instance metadata).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_HELP } from '../../cli/help';
import { main } from '../../cli/main';

const REPO = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const home = mkdtempSync(join(tmpdir(), 'netwarden-cli-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** bin/netwarden.mjs with only `env` set: no AWS configuration of this machine's user leaks in. */
function netwarden(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(REPO, 'bin/netwarden.mjs'), ...args],
      {
        cwd: REPO,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          AWS_CONFIG_FILE: join(home, 'no-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe('netwarden, the process', () => {
  it('prints its help on stdout and exits 0 for --help and -h', async () => {
    const run = await netwarden(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^usage: netwarden <command> \[options\]\n/);
    for (const [name, { summary }] of Object.entries(COMMAND_HELP))
      expect(run.stdout.split('\n')).toContainEqual(
        expect.stringMatching(new RegExp(`^  ${name} +${summary.replace(/[()]/g, '\\$&')}$`)),
      );
    // -h is the same main() (one process less): it prints exactly what the process printed for --help.
    const short = captured();
    expect(await main(['-h'], short.io)).toBe(0);
    expect(short.err).toEqual([]);
    expect(`${short.out.join('\n')}\n`).toBe(run.stdout);
  });

  it('runs a demo story without the functions’ JSON log lines in what it prints', async () => {
    // No POWERTOOLS_LOG_LEVEL in the environment, as on a user's machine: the handlers the demo runs in
    // this process log at the level read when the logger was first imported (cli/quiet-logs.ts).
    const run = await netwarden(['demo', 'drift']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('revert-sg-drift: hand-made security-group changes');
    expect(run.stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  });

  it('says in one line, without a stack trace, that there are no credentials, and exits 1', async () => {
    const run = await netwarden(['redrive', 'failed-events', '--stage', 'prod'], { AWS_REGION: 'eu-west-1' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      expect.stringMatching(
        /^netwarden redrive: no AWS credentials \(.+\): set AWS_PROFILE \(after aws sso login or aws configure\), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY$/,
      ),
      '',
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

// What follows is main() in this process: what it prints on which stream and the code it returns are
// what the process prints and exits with (cli/run.ts; the process cases above hold that), so only the
// cases that need a real process start one.
describe('netwarden without an AWS region', () => {
  it('says in one line that no region is set, and returns 1', async () => {
    // The environment the process cases give the CLI, with credentials but no region anywhere; the
    // project's modules load afresh, so the SDK clients are made in it (the redrive process case holds
    // that such a failure leaves the process with exit 1 and no stack trace).
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_CONFIG_FILE', join(home, 'no-config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(home, 'no-credentials'));
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'a');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'b');
    vi.resetModules();
    const cli = await import('../../cli/main');
    const { io, out, err } = captured();
    expect(await cli.main(['check', 'daily'], io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'the daily check failed: no AWS region: set AWS_REGION (e.g. export AWS_REGION=ap-northeast-2) or a region in your AWS profile',
    ]);
  });
});

describe('netwarden help and usage errors', () => {
  it('prints a command’s help on stdout: grant --help is not an unknown option', async () => {
    const { io, out, err } = captured();
    expect(await main(['grant', '--help'], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([COMMAND_HELP.grant.help]);
  });

  it('prints its version', async () => {
    for (const flag of ['--version', '-V', 'version']) {
      const { io, out, err } = captured();
      expect(await main([flag], io), flag).toBe(0);
      expect(out, flag).toEqual([`netwarden ${VERSION}`]);
      expect(err, flag).toEqual([]);
    }
  });

  it('prints each command’s help on stdout for help <command>, --help and -h', async () => {
    for (const [name, { help }] of Object.entries(COMMAND_HELP)) {
      for (const argv of [
        ['help', name],
        [name, '--help'],
        [name, '-h'],
      ]) {
        const { io, out, err } = captured();
        expect(await main(argv, io), argv.join(' ')).toBe(0);
        expect(out, argv.join(' ')).toEqual([help]);
        expect(err, argv.join(' ')).toEqual([]);
      }
    }
  });

  it('rejects an unknown command with the list of valid ones, exit 2', async () => {
    const { io, out, err } = captured();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'unknown command "frobnicate": one of demo, grant, grants, revoke, check, redrive, policy, sandbox, pause, resume, status, history, undo',
      'see: netwarden --help',
    ]);
    const topic = captured();
    expect(await main(['help', 'frobnicate'], topic.io)).toBe(2);
    expect(topic.err[0]).toBe(
      'unknown command "frobnicate": one of demo, grant, grants, revoke, check, redrive, policy, sandbox, pause, resume, status, history, undo',
    );
  });

  it('prints the overview on stderr and exits 2 when no command is given', async () => {
    const { io, out, err } = captured();
    expect(await main([], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(/^usage: netwarden <command>/);
  });

  it('rejects an unknown demo story with the list of stories, before running any', async () => {
    const { io, out, err } = captured();
    expect(await main(['demo', 'grant'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'unknown demo story "grant": one of drift, targets, grants, slack, slack-app, checks, storm\nusage: netwarden demo [story]',
    ]);
  });
});
