/**
 * docs/architecture.md, "every write is journaled": each call a function makes to change the estate
 * (through the adapters' write methods) sits in a file that writes through the gate, and the calls are
 * the reviewed ones below, each carried out inside a `gate.write` (its behaviour is held by the
 * journal tests: test/functions/revert-sg-drift/journal.test.ts, test/functions/heal-targets/journal.test.ts,
 * test/functions/grant-access/journal.test.ts, test/functions/slack-interact/interact.test.ts). A new write call fails this test until it is routed
 * through the gate, journaled with its inverse, and added here. The use cases in functions/ and shared/
 * are scanned (shared/aws/ holds the adapters that make the calls).
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
  'functions/slack-interact/interact.ts': ['tagRules', 'revokeRules'],
  'shared/grants/issue.ts': ['authorizeRules', 'revokeRules'],
};

/**
 * Known gap, named so that it is not forgotten: a write call listed here does not pass the gate yet.
 * Empty: slack-interact's Extend, Revoke now and Undo as a grant (shared/grants/issue.ts) pass it now.
 */
const NOT_YET_GATED: Record<string, string[]> = {};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('every write is journaled', () => {
  const found: Record<string, string[]> = {};
  const scanned = [
    ...sources(join(ROOT, 'functions')),
    ...sources(join(ROOT, 'shared')).filter((path) => !relative(ROOT, path).startsWith('shared/aws/')),
  ];
  for (const path of scanned) {
    const code = readFileSync(path, 'utf8');
    const calls = [...code.matchAll(WRITE_CALL)].map((match) => match[1] ?? '');
    if (calls.length > 0) found[relative(ROOT, path)] = calls;
  }

  it('the use cases make exactly the reviewed write calls, and the known gap', () => {
    expect(found).toEqual({ ...REVIEWED, ...NOT_YET_GATED });
  });

  it('each reviewed file that writes, writes through the gate', () => {
    for (const path of Object.keys(REVIEWED)) {
      const code = readFileSync(join(ROOT, path), 'utf8');
      // functions/<name>/x.ts imports ../../shared/safety/gate; shared/<area>/x.ts imports ../safety/gate.
      expect(code, path).toMatch(/from '(\.\.\/\.\.\/shared|\.\.)\/safety\/gate'/);
      expect(code, path).toMatch(/\.write\(/);
    }
  });
});
