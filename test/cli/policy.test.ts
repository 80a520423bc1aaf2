/** `netwarden policy check`: the functions' own verdict on a policy file, before anything ships. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { loadPolicy } from '../../shared/policy/load';

const POLICY = readFileSync('netwarden.policy.yml', 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'netwarden-policy-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

function policyFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** What a function says at cold start when POLICY_PATH names this file. */
function functionsSay(path: string): string[] {
  try {
    loadPolicy(path);
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n');
  }
  throw new Error(`the functions accept ${path}`);
}

describe('netwarden policy check', () => {
  it('accepts the repository’s policy (the default file), exit 0', async () => {
    const { io, out, err } = captured();
    expect(await main(['policy', 'check'], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([
      'netwarden.policy.yml: valid (enforce mode, 4 security-group sections, 1 trusted principal)',
    ]);
  });

  it('refuses a baseline rule a guardrail forbids, with the functions’ message, exit 1', async () => {
    const path = policyFile(
      'forbidden-baseline.yml',
      POLICY.replace(
        '      - { direction: ingress, ports: 3306, source: 10.20.0.0/16 }\n',
        '      - { direction: ingress, ports: 3306, source: 10.20.0.0/16 }\n      - { direction: ingress, ports: 3306, source: 0.0.0.0/0 }\n',
      ),
    );
    const { io, out, err } = captured();
    expect(await main(['policy', 'check', path], io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual(functionsSay(path));
    expect(err).toEqual([
      `${path} is invalid:`,
      expect.stringMatching(
        /^policy\.securityGroups\[3\]\.baseline\[2\]: .*0\.0\.0\.0\/0.* is forbidden by policy\.securityGroups\[0\]\.forbid\[0\] \("account-wide-guardrails"\): netwarden never restores a rule a guardrail forbids, found /,
      ),
    ]);
  });

  it('refuses an unknown section name, with the functions’ message, exit 1', async () => {
    const path = policyFile('unknown-section.yml', POLICY.replace('securityGroups:\n', 'securityGroup:\n'));
    const { io, err } = captured();
    expect(await main(['policy', 'check', path], io)).toBe(1);
    expect(err).toEqual(functionsSay(path));
    expect(err.join('\n')).toContain('policy: expected only known keys, found unknown key(s) securityGroup');
  });

  it('refuses a file that is not YAML, and one that cannot be read, exit 1', async () => {
    const path = policyFile('broken.yml', 'mode: [unclosed\n');
    const broken = captured();
    expect(await main(['policy', 'check', path], broken.io)).toBe(1);
    expect(broken.err[0]).toMatch(new RegExp(`^${path.replace(/[.]/g, '\\.')}: not valid YAML: `));
    const missing = captured();
    expect(await main(['policy', 'check', join(dir, 'absent.yml')], missing.io)).toBe(1);
    expect(missing.err[0]).toMatch(/^cannot read the policy file .*absent\.yml: ENOENT/);
  });

  it('refuses an unknown action with the usage, exit 2', async () => {
    const { io, err } = captured();
    expect(await main(['policy', 'lint'], io)).toBe(2);
    expect(err).toEqual(['unknown policy action or option "lint"\nusage: netwarden policy check [FILE]']);
  });
});
