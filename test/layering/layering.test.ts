/**
 * The layering of docs/architecture.md ("Layers"), held on the repository's own import graph: no
 * function imports another, shared/ imports nothing above it, only the AWS adapters (and the places
 * SDK_OUTSIDE_ADAPTERS justifies) import the AWS SDK, no shipped code imports test code, and no
 * module imports itself round a cycle. layering-rules.test.ts shows each rule failing.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ImportGraph, importGraph } from './import-graph';
import { layeringViolations, type Violation } from './layering-rules';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCANNED = ['functions', 'shared', 'cli', 'bin', 'simulated-account', 'tools', 'bench', 'test'];

const keyOf = ({ rule, key }: Violation): string => `${rule}: ${key}`;

let graph: ImportGraph;
let found: string[];
beforeAll(() => {
  graph = importGraph(ROOT, SCANNED);
  found = layeringViolations(graph).map(keyOf);
});

describe('the import graph the rules are checked on', () => {
  it('resolves every relative import to a file (a graph with holes proves nothing)', () => {
    expect(graph.unresolved).toEqual([]);
  });

  it('sees every kind of import: static, type-only, dynamic, of packages, and from .mjs', () => {
    expect(graph.files.length).toBeGreaterThan(200);
    const kinds = new Set(graph.edges.map((edge) => (edge.external ? 'package' : edge.kind)));
    expect([...kinds].sort()).toEqual(['dynamic', 'package', 'static', 'type']);
    expect(graph.edges).toContainEqual({
      from: 'bin/netwarden.mjs',
      to: 'cli/run.ts',
      kind: 'dynamic',
      external: false,
    });
    const handlersIntoShared = graph.edges.filter(
      (edge) => /^functions\/[^/]+\/handler\.ts$/.test(edge.from) && edge.to.startsWith('shared/'),
    );
    expect(new Set(handlersIntoShared.map((edge) => edge.from)).size).toBeGreaterThanOrEqual(7);
  });
});

describe('layering', () => {
  it('holds everywhere: no function imports another, shared/ imports nothing above it, the SDK stays in the adapters, no shipped code imports test/, no cycles', () => {
    expect(found).toEqual([]);
  });
});
