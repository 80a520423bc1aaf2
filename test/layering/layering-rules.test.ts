/**
 * Each layering rule, shown to fail: a violation planted in an in-memory graph is caught, and the
 * near-miss beside it is not. Without these, a rule that can never fire would pass on any repository.
 */
import { describe, expect, it } from 'vitest';
import { type ImportEdge, type ImportGraph, type ImportKind, specifiersOf } from './import-graph';
import { importCycles, layeringViolations } from './layering-rules';

function edge(from: string, to: string, kind: ImportKind = 'static'): ImportEdge {
  return { from, to, kind, external: !/\.(?:ts|mjs|cjs|js|json)$/.test(to) };
}

/** A small repository that breaks no rule; each test adds one import to it. */
const CLEAN: readonly ImportEdge[] = [
  edge('functions/revert-sg-drift/handler.ts', 'functions/revert-sg-drift/revert.ts'),
  edge('functions/revert-sg-drift/handler.ts', 'shared/middleware.ts'),
  edge('functions/revert-sg-drift/revert.ts', 'shared/sg/decide.ts'),
  edge('functions/revert-sg-drift/revert.ts', 'shared/aws/ec2.ts', 'dynamic'),
  edge('shared/sg/decide.ts', 'shared/rules/rule.ts', 'type'),
  edge('shared/aws/ec2.ts', '@aws-sdk/client-ec2'),
  edge('shared/aws/ec2.ts', 'shared/rules/rule.ts'),
  edge('cli/main.ts', 'functions/revert-sg-drift/handler.ts', 'dynamic'),
  edge('cli/grant-client.ts', '@smithy/signature-v4'),
  edge('simulated-account/account.ts', '@aws-sdk/client-ec2', 'type'),
  edge('test/helpers/revert.ts', 'test/helpers/factories.ts'),
  edge('test/helpers/revert.ts', '@aws-sdk/client-ec2'),
  edge('test/shared/sg/decide.test.ts', 'test/helpers/revert.ts'),
  edge('test/shared/sg/decide.test.ts', 'shared/sg/decide.ts'),
  edge('bench/run.ts', 'test/helpers/factories.ts'),
  edge('bench/run.ts', '@aws-sdk/client-ec2'),
];

function graphWith(...extra: ImportEdge[]): ImportGraph {
  const edges = [...CLEAN, ...extra];
  const files = [...new Set(edges.flatMap((e) => (e.external ? [e.from] : [e.from, e.to])))];
  return { files, edges, unresolved: [] };
}

describe('the clean fixture', () => {
  it('breaks no rule, so each test below sees only what it plants', () => {
    expect(layeringViolations(graphWith())).toEqual([]);
  });
});

describe('no function imports another function', () => {
  it('catches a function importing another function’s module, even for types only', () => {
    expect(
      layeringViolations(
        graphWith(edge('functions/weekly-check/weekly.ts', 'functions/daily-check/daily.ts', 'type')),
      ),
    ).toEqual([
      {
        rule: 'function-imports-function',
        key: 'functions/weekly-check/weekly.ts → functions/daily-check/daily.ts',
      },
    ]);
  });

  it('lets a function import its own modules and shared/', () => {
    expect(
      layeringViolations(
        graphWith(edge('functions/daily-check/handler.ts', 'functions/daily-check/daily.ts')),
      ),
    ).toEqual([]);
  });
});

describe('shared/ imports nothing above it', () => {
  it.each(['functions/daily-check/daily.ts', 'cli/main.ts', 'bench/run.ts', 'simulated-account/account.ts'])(
    'catches shared/ importing %s',
    (target) => {
      // cli/main.ts also closes a cycle back to shared/sg/decide.ts; that rule is shown below.
      const found = layeringViolations(graphWith(edge('shared/sg/decide.ts', target, 'dynamic')));
      expect(found.filter((violation) => violation.rule !== 'import-cycle')).toEqual([
        { rule: 'shared-imports-above-it', key: `shared/sg/decide.ts → ${target}` },
      ]);
    },
  );

  it('catches shared/ importing test code, which is also shipped code importing test code', () => {
    const key = 'shared/sg/decide.ts → test/helpers/factories.ts';
    expect(layeringViolations(graphWith(edge('shared/sg/decide.ts', 'test/helpers/factories.ts')))).toEqual([
      { rule: 'shared-imports-above-it', key },
      { rule: 'shipped-imports-test', key },
    ]);
  });
});

describe('the AWS SDK is imported only by the adapters (and the justified places)', () => {
  it.each([
    ['shared/rules/normalise.ts', '@aws-sdk/client-ec2', 'type'],
    ['functions/heal-targets/heal.ts', '@aws-sdk/client-elastic-load-balancing-v2', 'static'],
    ['shared/slack/send.ts', '@smithy/types', 'type'],
    ['tools/esbuild-plugins.cjs', '@aws-crypto/sha256-js', 'static'],
  ] as const)('catches %s importing %s (%s)', (from, to, kind) => {
    expect(layeringViolations(graphWith(edge(from, to, kind)))).toEqual([
      { rule: 'aws-sdk-outside-adapters', key: `${from} → ${to}` },
    ]);
  });

  it('does not mistake a package whose name merely starts alike for the SDK', () => {
    expect(layeringViolations(graphWith(edge('shared/logger.ts', '@aws-lambda-powertools/logger')))).toEqual(
      [],
    );
  });
});

describe('no shipped code imports test code', () => {
  it.each([
    'functions/grant-access/grant.ts',
    'cli/demo/grants.ts',
    'simulated-account/index.ts',
    'bin/netwarden.mjs',
  ])('catches %s importing test/helpers', (from) => {
    expect(layeringViolations(graphWith(edge(from, 'test/helpers/grants.ts')))).toEqual([
      { rule: 'shipped-imports-test', key: `${from} → test/helpers/grants.ts` },
    ]);
  });
});

describe('no import cycles', () => {
  it('catches a cycle of type imports, with its path from its first file', () => {
    const graph = graphWith(
      edge('shared/policy/schema.ts', 'shared/policy/match.ts'),
      edge('shared/policy/match.ts', 'shared/policy/schema.ts', 'type'),
    );
    expect(layeringViolations(graph)).toEqual([
      {
        rule: 'import-cycle',
        key: 'shared/policy/match.ts → shared/policy/schema.ts → shared/policy/match.ts',
      },
    ]);
  });

  it('lists each cycle of a tangle once, whichever file it is entered from', () => {
    const graph = graphWith(
      edge('cli/main.ts', 'cli/check.ts'),
      edge('cli/check.ts', 'cli/main.ts', 'type'),
      edge('cli/main.ts', 'cli/demo/index.ts', 'dynamic'),
      edge('cli/demo/index.ts', 'cli/demo/context.ts'),
      edge('cli/demo/context.ts', 'cli/main.ts', 'type'),
      edge('cli/run.ts', 'cli/main.ts'),
    );
    expect(importCycles(graph)).toEqual([
      ['cli/check.ts', 'cli/main.ts', 'cli/check.ts'],
      ['cli/demo/context.ts', 'cli/main.ts', 'cli/demo/index.ts', 'cli/demo/context.ts'],
    ]);
  });

  it('catches a module importing itself', () => {
    expect(importCycles(graphWith(edge('shared/config.ts', 'shared/config.ts')))).toEqual([
      ['shared/config.ts', 'shared/config.ts'],
    ]);
  });
});

describe('the parser sees every form of import', () => {
  it('reads static, type-only, re-exported, dynamic, typeof-import and require imports', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "import { type C, type D } from './c';",
      "import { type E, f } from './e';",
      "import './side-effect';",
      "export { g } from './g';",
      "export type { H } from './h';",
      "export * from './star';",
      "let loading: ReturnType<typeof import('./lazy').load> | undefined;",
      "const lazy = await import('./lazy');",
      "const plugin = require('./plugin.cjs');",
      "const notAnImport = load('./not-an-import');",
    ].join('\n');
    expect(specifiersOf('x.ts', text)).toEqual([
      { text: './a', kind: 'static' },
      { text: './b', kind: 'type' },
      { text: './c', kind: 'type' },
      { text: './e', kind: 'static' },
      { text: './side-effect', kind: 'static' },
      { text: './g', kind: 'static' },
      { text: './h', kind: 'type' },
      { text: './star', kind: 'static' },
      { text: './lazy', kind: 'type' },
      { text: './lazy', kind: 'dynamic' },
      { text: './plugin.cjs', kind: 'static' },
    ]);
  });
});
