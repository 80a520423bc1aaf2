/**
 * The repository paths that documents and code comments mention, found in their text, so that a test
 * can hold them to what exists: a comment that sends a reader to a missing file is worse than none.
 */
import ts from 'typescript';

/** The repository's top-level folders: a mention of `shared/…` is a path, `role/terraform-*` is not. */
export const TOP_LEVEL = [
  'bench',
  'bin',
  'cli',
  'docs',
  'events',
  'functions',
  'shared',
  'simulated-account',
  'stacksets',
  'test',
  'tools',
] as const;

export interface Mention {
  /** As written, without a trailing anchor: `docs/architecture.md`, `functions/<name>/`, or relative with `../`. */
  readonly path: string;
  /** The `#anchor` after a Markdown path, if any. */
  readonly anchor?: string;
  /** Offset in the text, to report the line. */
  readonly index: number;
}

// Not preceded by anything that makes it part of a longer word, URL or package name.
const MENTION = new RegExp(
  String.raw`(?<![\w.@/$-])((?:\.\.?/)*(?:${TOP_LEVEL.join('|')})/[\w.\-/<>…*{}]*)(#[\w-]+)?`,
  'g',
);

/** Paths in prose, a Markdown file's text or a comment. Sentence punctuation is not part of a path. */
export function mentionsIn(text: string): Mention[] {
  return [...text.matchAll(MENTION)].map((match) => {
    const path = (match[1] ?? '').replace(/\.+$/, '');
    const anchor = match[2]?.slice(1);
    return { path, index: match.index, ...(anchor ? { anchor } : {}) };
  });
}

/** The targets of a Markdown file's relative links (`[text](target)`), URLs left out. */
export function markdownLinks(text: string): Mention[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].flatMap((match) => {
    const target = match[1] ?? '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return [];
    const [path = '', anchor] = target.split('#');
    return [{ path, index: match.index, ...(anchor ? { anchor } : {}) }];
  });
}

/** Every comment of a TypeScript or JavaScript file, with its offset. */
export function commentsOf(fileName: string, text: string): { text: string; index: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found = new Map<number, string>();
  const collect = (ranges: readonly ts.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) found.set(range.pos, text.slice(range.pos, range.end));
  };
  const visit = (node: ts.Node): void => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    ts.forEachChild(node, visit);
  };
  visit(source);
  collect(ts.getLeadingCommentRanges(text, source.endOfFileToken.getFullStart()));
  return [...found].sort(([a], [b]) => a - b).map(([index, comment]) => ({ text: comment, index }));
}

/** Every `# comment` of a YAML file, with its offset (a `#` inside a word or a quoted value is not one). */
export function yamlCommentsOf(text: string): { text: string; index: number }[] {
  return [...text.matchAll(/(?<=^|\s)#.*$/gm)].map((match) => ({ text: match[0], index: match.index }));
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (outside code blocks). */
export function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set(
    [...withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => headingAnchor(match[1] ?? '')),
  );
}

/**
 * The part of a mention that must exist: up to the last `/` before a placeholder (`functions/<name>/`
 * → `functions/`, `test/**` → `test/`), else all of it.
 */
export function literalPart(path: string): string {
  const placeholder = path.search(/[<>…*{}]/);
  if (placeholder < 0) return path;
  return path.slice(0, path.lastIndexOf('/', placeholder) + 1);
}

export function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}
