/**
 * What ships (the functions, their shared code, the CLI and the simulated account it serves) never
 * imports test code: `npm start`, `--simulated` and the sandbox must run from a package without test/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SHIPPED = ['functions', 'shared', 'cli', 'simulated-account'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)].map((match) => match[1] ?? '');
}

it('no shipped module imports anything under test/', () => {
  const offenders = SHIPPED.flatMap((top) => sources(join(ROOT, top)))
    .flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => ({ file, target: relative(ROOT, resolve(file, '..', specifier)) })),
    )
    .filter(({ target }) => target === 'test' || target.startsWith('test/'))
    .map(({ file, target }) => `${relative(ROOT, file)} → ${target}`);
  expect(offenders).toEqual([]);
});

it('finds the imports it checks (a scan that sees nothing proves nothing)', () => {
  const cli = sources(join(ROOT, 'cli')).flatMap(importsOf);
  expect(cli).toContain('../simulated-account/index');
});
