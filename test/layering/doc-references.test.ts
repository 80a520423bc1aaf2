/**
 * Documents and comments refer only to what exists (docs/architecture.md, invariant 12): every
 * repository path named in docs/*.md, README.md, a code comment or a YAML comment is a file or folder
 * of the repository, every relative Markdown link resolves inside it, and every `#anchor` on a
 * Markdown path is a heading of that file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  anchorsOf,
  commentsOf,
  headingAnchor,
  lineOf,
  literalPart,
  markdownLinks,
  mentionsIn,
  TOP_LEVEL,
  yamlCommentsOf,
} from './path-references';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CODE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/**
 * A mention names an existing file or folder. A module may be named as it is imported (without `.ts`,
 * or `.js`) or as a Lambda handler (`functions/<name>/handler.handler`: the module, then the export).
 */
function resolvesTo(path: string): string | undefined {
  const target = literalPart(path);
  if (target === '' || !resolve(ROOT, target).startsWith(ROOT)) return undefined;
  const asModule = target.endsWith('.md') ? [] : [`${target}.ts`, target.replace(/\.\w+$/, '.ts')];
  return [target, ...asModule].find((candidate) => existsSync(join(ROOT, candidate)));
}

interface Checked {
  readonly file: string;
  readonly text: string;
  readonly index: number;
  readonly path: string;
  readonly anchor?: string;
  /** Markdown links are relative to their file; paths in prose and comments to the root, unless `./` or `../`. */
  readonly from: 'root' | 'file';
}

/** What is wrong with one mention, or undefined when it holds. */
function problemWith(mention: Checked): string | undefined {
  const base = mention.from === 'file' || mention.path.startsWith('.') ? dirname(mention.file) : '';
  const path = mention.path === '' ? mention.file : relative(ROOT, resolve(ROOT, base, mention.path));
  const where = `${mention.file}:${lineOf(mention.text, mention.index)}`;
  const found = resolvesTo(path);
  if (found === undefined) return `${where}: ${mention.path} does not exist in the repository`;
  if (mention.anchor !== undefined && found.endsWith('.md') && !anchorsOf(read(found)).has(mention.anchor))
    return `${where}: ${found} has no heading #${mention.anchor}`;
  return undefined;
}

function markdownMentions(file: string): Checked[] {
  const text = read(file);
  return [
    ...mentionsIn(text).map((mention): Checked => ({ ...mention, file, text, from: 'root' })),
    ...markdownLinks(text).map((mention): Checked => ({ ...mention, file, text, from: 'file' })),
  ];
}

function commentMentions(file: string): Checked[] {
  const text = read(file);
  const comments = file.endsWith('.yml') ? yamlCommentsOf(text) : commentsOf(file, text);
  return comments.flatMap((comment) =>
    mentionsIn(comment.text).map(
      (mention): Checked => ({ ...mention, index: comment.index + mention.index, file, text, from: 'root' }),
    ),
  );
}

/** The numbered items of docs/architecture.md's "Invariants" section. */
function invariantCount(): number {
  const section = read('docs/architecture.md')
    .split(/^## /m)
    .find((part) => part.startsWith('Invariants\n'));
  return [...(section ?? '').matchAll(/^\d+\. /gm)].length;
}

interface Passage {
  readonly file: string;
  /** The whole file, to number lines. */
  readonly whole: string;
  /** The comment (or the whole document) and where it starts. */
  readonly text: string;
  readonly index: number;
}

/**
 * Names that point at a document without a path: "invariant N" must be one of docs/architecture.md's,
 * and a bare Markdown file name must be a document of the repository, not one kept elsewhere.
 */
function namedProblems({ file, whole, text, index }: Passage, invariants: number, markdown: Set<string>) {
  const where = (offset: number) => `${file}:${lineOf(whole, index + offset)}`;
  return [
    ...[...text.matchAll(/\binvariant (\d+)/gi)].flatMap((match) =>
      Number(match[1]) >= 1 && Number(match[1]) <= invariants
        ? []
        : [`${where(match.index)}: invariant ${match[1]} is not one of docs/architecture.md's ${invariants}`],
    ),
    ...[...text.matchAll(/(?<![\w./-])([\w-]+\.md)\b/g)].flatMap((match) =>
      markdown.has(match[1] ?? '')
        ? []
        : [`${where(match.index)}: ${match[1]} is no document of the repository`],
    ),
  ];
}

const DOCUMENTS = [
  ...readdirSync(ROOT).filter((name) => name.endsWith('.md')),
  ...filesUnder('docs', (name) => name.endsWith('.md')),
];
const SOURCES = [
  ...TOP_LEVEL.filter((dir) => dir !== 'docs' && dir !== 'events').flatMap((dir) =>
    filesUnder(dir, (name) => CODE.test(name) && !name.endsWith('.d.ts')),
  ),
  ...readdirSync(ROOT).filter((name) => CODE.test(name) || name.endsWith('.yml')),
  // CloudFormation templates kept beside serverless.yml (the member accounts' StackSet).
  ...filesUnder('stacksets', (name) => name.endsWith('.yml')),
];

describe('documents and comments refer only to what exists', () => {
  const documents = DOCUMENTS.flatMap(markdownMentions);
  const comments = SOURCES.flatMap(commentMentions);

  it('reads enough to mean something (a scan that finds nothing proves nothing)', () => {
    expect(DOCUMENTS).toContain('docs/architecture.md');
    expect(documents.length).toBeGreaterThan(100);
    expect(comments.length).toBeGreaterThan(50);
    expect(comments.some((mention) => mention.file === 'serverless.yml')).toBe(true);
  });

  it('every path, link and anchor in docs/*.md and README.md exists', () => {
    expect(documents.flatMap((mention) => problemWith(mention) ?? [])).toEqual([]);
  });

  it('every path named in a code or YAML comment exists', () => {
    expect(comments.flatMap((mention) => problemWith(mention) ?? [])).toEqual([]);
  });

  it('every "invariant N" is one of docs/architecture.md, and every bare NAME.md a document here', () => {
    const invariants = invariantCount();
    expect(invariants).toBeGreaterThanOrEqual(9);
    const markdown = new Set(DOCUMENTS.map((file) => file.split('/').pop() ?? ''));
    const passages: Passage[] = [
      ...DOCUMENTS.map((file) => ({ file, whole: read(file), text: read(file), index: 0 })),
      ...SOURCES.flatMap((file) => {
        const whole = read(file);
        const comments = file.endsWith('.yml') ? yamlCommentsOf(whole) : commentsOf(file, whole);
        return comments.map((comment) => ({ file, whole, ...comment }));
      }),
    ];
    expect(passages.flatMap((passage) => namedProblems(passage, invariants, markdown))).toEqual([]);
  });
});

describe('the scan, shown to catch what it must', () => {
  const planted = (text: string, file = 'docs/planted.md'): string[] => [
    ...new Set(
      [
        ...mentionsIn(text).map((mention): Checked => ({ ...mention, file, text, from: 'root' })),
        ...markdownLinks(text).map((mention): Checked => ({ ...mention, file, text, from: 'file' })),
      ]
        .flatMap((mention) => problemWith(mention) ?? [])
        .sort(),
    ),
  ];

  it('catches a path outside the repository, a missing file and a missing heading', () => {
    expect(
      planted(
        [
          'Facts are in `shared/reference/aws-event-facts.md`.',
          'The design: [DESIGN](../../shared/DESIGN.md).',
          'See docs/architecture.md#no-such-section and [ops](operations.md#nowhere).',
          'The estate (shared/seeds/000_…).',
        ].join('\n'),
      ),
    ).toEqual([
      'docs/planted.md:1: shared/reference/aws-event-facts.md does not exist in the repository',
      'docs/planted.md:2: ../../shared/DESIGN.md does not exist in the repository',
      'docs/planted.md:3: docs/architecture.md has no heading #no-such-section',
      'docs/planted.md:3: docs/operations.md has no heading #nowhere',
      'docs/planted.md:4: shared/seeds/000_… does not exist in the repository',
    ]);
  });

  it('accepts placeholders under a real folder, modules named without .ts, URLs and package names', () => {
    expect(
      planted(
        [
          'Each `functions/<name>/handler.ts` wires; tests are `test/**/*.test.ts`.',
          'The adapter shared/aws/clients, functions/revert-sg-drift/handler.handler as Lambda names it,',
          'and [the ops runbook](operations.md#the-operations-topic).',
          'https://github.com/aws/aws-sdk-js-v3/tree/main/shared/x and @aws-sdk/client-ec2/dist-es/schemas/.',
        ].join('\n'),
        'docs/architecture.md',
      ),
    ).toEqual([]);
  });

  it('finds comments of every kind, and only comments, in code and YAML', () => {
    const code = [
      '// line comment shared/a.ts',
      "const path = 'shared/not-a-comment.ts'; /* block shared/b.ts */",
      '/** doc shared/c.ts */',
      'export {};',
      '// last shared/d.ts',
    ].join('\n');
    expect(
      commentsOf('x.ts', code).flatMap((comment) => mentionsIn(comment.text).map((m) => m.path)),
    ).toEqual(['shared/a.ts', 'shared/b.ts', 'shared/c.ts', 'shared/d.ts']);
    expect(
      yamlCommentsOf('a: 1 # see docs/x.md\nb: "#notacomment shared/y"\n# docs/z.md').map(
        (comment) => comment.text,
      ),
    ).toEqual(['# see docs/x.md', '# docs/z.md']);
  });

  it('catches an invariant docs/architecture.md does not have and a document kept elsewhere', () => {
    const text = 'never dropped (invariant 99); see DESIGN.md and README.md, invariant 5';
    const passage = { file: 'README.md', whole: text, text, index: 0 };
    expect(namedProblems(passage, 12, new Set(['README.md']))).toEqual([
      "README.md:1: invariant 99 is not one of docs/architecture.md's 12",
      'README.md:1: DESIGN.md is no document of the repository',
    ]);
  });

  it('turns headings into the anchors GitHub gives them', () => {
    expect(headingAnchor('The estate ("the seed")')).toBe('the-estate-the-seed');
    expect(headingAnchor('Who made the call: userIdentity')).toBe('who-made-the-call-useridentity');
  });
});
