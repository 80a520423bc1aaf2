/**
 * The import graph of the repository's own code, read with the TypeScript compiler's parser and
 * resolved with its module resolution (the tsconfig's `Bundler` mode, as esbuild and tsx resolve),
 * so that `export … from`, `import type`, `typeof import('…')`, dynamic `import()` and the CommonJS
 * `require` of the build plugins are all seen — a regular expression over the text misses some.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * How a module is imported: `type` edges vanish when compiled (`import type`, `typeof import()`),
 * `dynamic` ones load on first use (`await import()`), `static` ones load with the importer.
 */
export type ImportKind = 'static' | 'type' | 'dynamic';

export interface ImportEdge {
  /** The importing file, relative to the repository root (`shared/sg/decide.ts`). */
  readonly from: string;
  /** The imported file relative to the root, or for a package its specifier (`@aws-sdk/client-ec2`). */
  readonly to: string;
  readonly kind: ImportKind;
  /** True when `to` is a package, not a file of the repository. */
  readonly external: boolean;
}

export interface ImportGraph {
  /** Every source file scanned, relative to the root. */
  readonly files: readonly string[];
  readonly edges: readonly ImportEdge[];
  /** Relative specifiers that resolve to no file: a graph with holes proves nothing. */
  readonly unresolved: readonly { readonly from: string; readonly specifier: string }[];
}

const SOURCE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourcesUnder(path);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Specifier {
  readonly text: string;
  readonly kind: ImportKind;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (clause === undefined) return false; // `import './side-effect'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name !== undefined) return false;
  const bindings = clause.namedBindings;
  return (
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    clause !== undefined &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((element) => element.isTypeOnly)
  );
}

/** Every module specifier in one file's text, with how it is imported. */
export function specifiersOf(fileName: string, text: string): Specifier[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: Specifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ text: node.moduleSpecifier.text, kind: isTypeOnlyImport(node) ? 'type' : 'static' });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ text: node.moduleSpecifier.text, kind: isTypeOnlyExport(node) ? 'type' : 'static' });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ text: node.moduleReference.expression.text, kind: node.isTypeOnly ? 'type' : 'static' });
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
        found.push({ text: argument.literal.text, kind: 'type' });
      }
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      if (first !== undefined && ts.isStringLiteralLike(first)) {
        if (node.expression.kind === ts.SyntaxKind.ImportKeyword)
          found.push({ text: first.text, kind: 'dynamic' });
        if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
          found.push({ text: first.text, kind: 'static' });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names: `@aws-sdk/client-ec2/dist` → `@aws-sdk/client-ec2`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** The import graph of the source files under `dirs` (relative to `root`). */
export function importGraph(root: string, dirs: readonly string[]): ImportGraph {
  const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  // bin/netwarden.mjs imports cli/run.ts by its `.ts` extension (tsx runs it); resolve it as tsx does.
  const resolution: ts.CompilerOptions = { ...options, allowJs: true, allowImportingTsExtensions: true };
  const files = dirs.flatMap((dir) => sourcesUnder(join(root, dir)));
  const edges: ImportEdge[] = [];
  const unresolved: { from: string; specifier: string }[] = [];
  for (const file of files) {
    const from = relative(root, file);
    for (const specifier of specifiersOf(file, readFileSync(file, 'utf8'))) {
      const relativeSpecifier = specifier.text.startsWith('.');
      const resolved = ts.resolveModuleName(specifier.text, file, resolution, ts.sys).resolvedModule;
      if (relativeSpecifier && resolved === undefined) {
        unresolved.push({ from, specifier: specifier.text });
      } else if (!relativeSpecifier && (resolved === undefined || resolved.isExternalLibraryImport)) {
        edges.push({ from, to: packageOf(specifier.text), kind: specifier.kind, external: true });
      } else if (resolved !== undefined) {
        edges.push({
          from,
          to: relative(root, resolved.resolvedFileName),
          kind: specifier.kind,
          external: false,
        });
      }
    }
  }
  return { files: files.map((file) => relative(root, file)), edges, unresolved };
}
