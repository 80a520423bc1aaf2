/**
 * The functions run without --enable-source-maps (the maps cost every cold start); an error the logger
 * logs has its stack put in source terms then, from the bundle's linked maps (shared/source-maps.ts).
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceStack, withSourceStack } from '../../shared/source-maps';

const dir = mkdtempSync(join(tmpdir(), 'netwarden-source-maps-'));
let fail: () => never;

beforeAll(async () => {
  // A bundle built as serverless.yml builds the functions (minified, a linked map without sources).
  writeFileSync(
    join(dir, 'thrower.ts'),
    [
      'export function fail(): never {',
      "  const cause = new Error('the cause');",
      "  throw new Error('the failure', { cause });",
      '}',
      '',
    ].join('\n'),
  );
  await build({
    entryPoints: [join(dir, 'thrower.ts')],
    outfile: join(dir, 'out', 'thrower.js'),
    bundle: true,
    minify: true,
    format: 'cjs',
    platform: 'node',
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
  });
  // Loaded by Node itself (vitest's module runner would map the stack on its own): CommonJS for that.
  ({ fail } = createRequire(import.meta.url)(join(dir, 'out', 'thrower.js')) as { fail: () => never });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(): Error {
  try {
    fail();
  } catch (error) {
    return error as Error;
  }
}

describe('an error from a bundle', () => {
  it('names the bundle until it is logged, then the source file, line and column, its cause too', () => {
    const error = thrown();
    expect(error.stack).toMatch(/out\/thrower\.js:1:\d+\)?$/m);

    expect(withSourceStack(error)).toBe(error);

    expect(error.stack?.split('\n')[0]).toBe('Error: the failure');
    expect(error.stack?.split('\n')[1]).toMatch(/^ {4}at \S+ \(thrower\.ts:3:9\)$/);
    expect(error.stack).not.toContain('out/thrower.js');
    expect((error.cause as Error).stack?.split('\n')[1]).toMatch(/thrower\.ts:2:17\)$/);
  });

  it('is rewritten once however often it is logged', () => {
    const error = thrown();
    const once = withSourceStack(error).stack;
    expect(withSourceStack(error).stack).toBe(once);
  });
});

describe('anything else', () => {
  it('frames of files without a map beside them, and lines that are no frames, stay as they are', () => {
    const stack = [
      'Error: boom',
      '    at decide (/var/task/shared/rules/rule.ts:10:5)',
      '    at file:///nowhere/handler.js:1:200',
      '    at node:internal/process/task_queues:95:5',
    ].join('\n');
    expect(sourceStack(stack)).toBe(stack);
  });

  it('values that are not errors pass through untouched', () => {
    const value = { stack: `at ${join(dir, 'out', 'thrower.js')}:1:1` };
    expect(withSourceStack(value)).toBe(value);
    expect(withSourceStack('text')).toBe('text');
    expect(withSourceStack(undefined)).toBeUndefined();
  });
});
