/**
 * Cold start: a handler must not import an AWS adapter or SDK client at module load (the bench
 * measures the effect). They reach AWS only through the loaders in shared/aws/lazy-*.ts
 * (lazy-adapters.ts, lazy-audit-adapters.ts, lazy-weekly-readers.ts, lazy-secrets.ts, lazy-hand-off.ts), whose
 * adapters load on first use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', 'functions');
const handlers = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(root, entry.name, 'handler.ts'));

describe('handlers', () => {
  it.each(handlers)('%s imports no AWS adapter or SDK client statically', (file) => {
    const staticImports = [
      ...readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms),
    ].map((match) => match[1]);
    const offending = staticImports.filter(
      (path) =>
        path?.startsWith('@aws-sdk/') ||
        /shared\/aws\/(?!lazy-adapters$|lazy-audit-adapters$|lazy-weekly-readers$|lazy-secrets$|lazy-hand-off$|lazy$)/.test(
          path ?? '',
        ),
    );
    expect(offending).toEqual([]);
  });
});
