/**
 * docs/architecture.md, "every write is journaled": each call a function makes to change the estate
 * (through the adapters' write methods) sits in a file that writes through the gate, and the calls are
 * the reviewed ones below, each carried out inside a `gate.write` (its behaviour is held by the
 * journal tests: test/functions/revert-sg-drift/journal.test.ts, test/functions/heal-targets/journal.test.ts,
 * test/functions/grant-access/journal.test.ts). A new write call fails this test until it is routed
 * through the gate, journaled with its inverse, and added here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WRITE_CALL =
  /\.(revokeRules|authorizeRules|startInstance|rebootInstance|tagInstance|untagInstance|registerTargets|deregisterTargets|tagRules)\(/g;

/** Reviewed: every one made inside a gate.write callback, journaled with its inverse. */
const REVIEWED: Record<string, string[]> = {
  'functions/expire-grants/expire.ts': ['revokeRules'],
  'functions/grant-access/grant.ts': ['tagRules', 'revokeRules', 'authorizeRules'],
  'functions/grant-access/manage.ts': ['revokeRules'],
  'functions/heal-targets/heal.ts': [
    'tagInstance',
    'startInstance',
    'rebootInstance',
    'registerTargets',
    'deregisterTargets',
    'untagInstance',
  ],
  'functions/revert-sg-drift/act.ts': ['revokeRules', 'authorizeRules'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('every write is journaled', () => {
  const found: Record<string, string[]> = {};
  for (const path of sources(join(ROOT, 'functions'))) {
    const code = readFileSync(path, 'utf8');
    const calls = [...code.matchAll(WRITE_CALL)].map((match) => match[1] ?? '');
    if (calls.length > 0) found[relative(ROOT, path)] = calls;
  }

  it('the functions make exactly the reviewed write calls', () => {
    expect(found).toEqual(REVIEWED);
  });

  it('each file that writes, writes through the gate', () => {
    for (const path of Object.keys(found)) {
      const code = readFileSync(join(ROOT, path), 'utf8');
      expect(code, path).toMatch(/from '\.\.\/\.\.\/shared\/safety\/gate'/);
      expect(code, path).toMatch(/\.write\(/);
    }
  });
});
