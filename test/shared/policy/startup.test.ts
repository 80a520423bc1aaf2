/**
 * startupPolicy outside a bundle: an exact policy text is validated once per process and every later
 * start from it gets the same frozen policy; an edited file is validated anew and a refused one is never kept.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadPolicy, PolicyError } from '../../../shared/policy/load';

const shipped = readFileSync('netwarden.policy.yml', 'utf8');

/** A policy file of its own, so that no other file's starts share its memo. */
function policyFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'netwarden-startup-')), 'netwarden.policy.yml');
  writeFileSync(path, text);
  return path;
}

/** startupPolicy as a freshly loaded module registry has it (a new container). */
async function freshStartupPolicy() {
  vi.resetModules();
  return (await import('../../../shared/policy/startup')).startupPolicy;
}

describe('startupPolicy', () => {
  it('gives every start, in a module registry loaded afresh too, the policy the validator returns, once validated', async () => {
    const path = policyFile(shipped);
    const first = (await freshStartupPolicy())(path);
    const again = (await freshStartupPolicy())(path);

    expect(first).toStrictEqual(loadPolicy(path));
    expect(again).toBe(first);
  });

  it('validates a text once, whatever file it is in: the policy depends on the text alone', async () => {
    const text = `${shipped}\n# startup.test.ts: a text of its own\n`;
    const first = (await freshStartupPolicy())(policyFile(text));
    const elsewhere = (await freshStartupPolicy())(policyFile(text));

    expect(elsewhere).toBe(first);
  });

  it('names the file it read in a refusal, for the same text in another file too', async () => {
    const text = 'version: 1\nmode: sometimes # startup.test.ts\n';
    const [one, two] = [policyFile(text), policyFile(text)];
    const startupPolicy = await freshStartupPolicy();

    expect(() => startupPolicy(one)).toThrow(`${one} is invalid`);
    expect(() => startupPolicy(two)).toThrow(`${two} is invalid`);
  });

  it('is frozen throughout: no start can change what another is given', async () => {
    const policy = (await freshStartupPolicy())(policyFile(shipped));

    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.securityGroups)).toBe(true);
    expect(Object.isFrozen(policy.securityGroups[0])).toBe(true);
    expect(() => {
      (policy as { mode: string }).mode = 'enforce';
    }).toThrow(TypeError);
  });

  it('validates an edited file anew', async () => {
    const path = policyFile(shipped);
    const startupPolicy = await freshStartupPolicy();
    const before = startupPolicy(path);
    expect(before.mode).toBe('enforce');
    writeFileSync(path, shipped.replace(/^mode: enforce\b/m, 'mode: report'));

    const after = startupPolicy(path);

    expect(after).not.toBe(before);
    expect(after.mode).toBe('report');
  });

  it('keeps no refused policy: the same file is refused again, with the same message, at every start', async () => {
    const path = policyFile('version: 1\nmode: sometimes\n');
    const refusal = (() => {
      try {
        loadPolicy(path);
      } catch (error) {
        return error as Error;
      }
      throw new Error('the validator accepted the test policy');
    })();
    expect(refusal).toBeInstanceOf(PolicyError);

    for (let start = 0; start < 2; start += 1) {
      const startupPolicy = await freshStartupPolicy();
      expect(() => startupPolicy(path)).toThrow(refusal.message);
    }
  });
});
