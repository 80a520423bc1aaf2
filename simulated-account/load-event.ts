/** Real-shaped sample events from events/, cloned per use so a test can vary one without touching others. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const cache = new Map<string, unknown>();

export function loadEvent<T = Record<string, unknown>>(relativePath: string): T {
  let parsed = cache.get(relativePath);
  if (parsed === undefined) {
    parsed = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'events', relativePath), 'utf8'));
    cache.set(relativePath, parsed);
  }
  return structuredClone(parsed) as T;
}
