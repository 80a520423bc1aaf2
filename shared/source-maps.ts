/**
 * Stack traces in source terms, paid for only when an error is logged.
 *
 * The bundles ship with linked source maps (serverless.yml, `sourcemap: linked`) but the functions do
 * not run with `--enable-source-maps`: under that flag Node reads and parses the map of every chunk it
 * loads, on every cold start, whether or not anything ever fails (measured by `npm run bench`, the
 * "no source maps" column). Instead the logger (shared/logger.ts) hands each error it logs to
 * `withSourceStack`, which reads the maps of the frames in its stack, then and only then, and rewrites
 * the stack in place: the log line and, for an error that is rethrown, Lambda's own error report both
 * name `shared/…/x.ts:line:column`. Outside a bundle (tests, the CLI under tsx) frames point at
 * files without a `.map` beside them and stay as they are.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Maps by generated file, `null` for a file without one: each read at most once per container. */
const maps = new Map<string, SourceMap | null>();
/** Errors already rewritten: the same error may be logged twice (a use case, then the middleware). */
const mapped = new WeakSet<Error>();

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

/** `file:///var/task/functions/x/handler.js:1:2345` (or a plain path) → the original position. */
function original(location: string): string | undefined {
  const match = /^(.*\.m?js):(\d+):(\d+)$/.exec(location);
  if (!match) return undefined;
  const [, where = '', line = '', column = ''] = match;
  const file = where.startsWith('file://') ? fileURLToPath(where) : where;
  const map = mapOf(file);
  if (!map) return undefined;
  const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
  if (!('originalSource' in entry)) return undefined;
  // The bundler wrote sources relative to its build folder; what a reader wants is the repository path.
  const source = entry.originalSource.replace(/^(?:\.\.\/)+/, '').replace(/^webpack:\/\/|^file:\/\//, '');
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}

/** Rewrites one stack trace's frames to their original sources where a map says where they came from. */
export function sourceStack(stack: string): string {
  return stack
    .split('\n')
    .map((line) =>
      line.replace(
        /^(\s+at (?:.*\()?)([^()\s]+\.m?js:\d+:\d+)(\)?)$/,
        (frame, before: string, location: string, after: string) => {
          const source = original(location);
          return source ? `${before}${source}${after}` : frame;
        },
      ),
    )
    .join('\n');
}

/** The error itself, its stack (and its causes') in source terms; a no-op the second time. */
export function withSourceStack<T>(value: T): T {
  if (!(value instanceof Error) || mapped.has(value)) return value;
  mapped.add(value);
  if (typeof value.stack === 'string') {
    try {
      value.stack = sourceStack(value.stack);
    } catch {
      // A stack that cannot be rewritten is still worth logging as it is.
    }
  }
  withSourceStack(value.cause);
  return value;
}
