/**
 * The layering rules of docs/architecture.md, as pure functions of an import graph: the repository's
 * graph in layering.test.ts, planted violations in layering-rules.test.ts (each rule shown to fail).
 */
import type { ImportEdge, ImportGraph } from './import-graph';

export type LayeringRule =
  | 'function-imports-function'
  | 'shared-imports-above-it'
  | 'aws-sdk-outside-adapters'
  | 'shipped-imports-test'
  | 'import-cycle';

export interface Violation {
  readonly rule: LayeringRule;
  /** Stable and readable: `from → to`, or for a cycle its path from its first file back to it. */
  readonly key: string;
}

/** What is deployed or run by users: the Lambdas, their shared code, the CLI and what it serves. */
export const SHIPPED = ['functions/', 'shared/', 'cli/', 'bin/', 'simulated-account/', 'tools/'] as const;

/** The AWS SDK and the Smithy and crypto packages beneath it: talking to AWS, in code. */
export const AWS_SDK = /^@(?:aws-sdk|smithy|aws-crypto)\//;

/**
 * The only places outside the adapters that may import the AWS SDK, each for a reason the adapters
 * cannot serve. Code that is not shipped (test/, bench/) is outside this rule: it plays the people
 * and services around netwarden.
 */
export const SDK_OUTSIDE_ADAPTERS: Readonly<Record<string, string>> = {
  'shared/aws/': 'the adapters: one per AWS service, each turning SDK calls into domain types',
  'simulated-account/':
    'the simulated AWS account: it serves the real wire protocols with the SDK’s own schemas and plays the people who make console and Terraform calls',
  'cli/':
    'the operator’s own AWS client: signs grant requests with the operator’s credentials (SigV4), and in the demo makes the console and Terraform calls that netwarden then reacts to, as the people in its stories would',
};

const under = (file: string, prefix: string): boolean => file.startsWith(prefix);
const isShipped = (file: string): boolean => SHIPPED.some((prefix) => under(file, prefix));

/** `functions/revert-sg-drift/handler.ts` → `revert-sg-drift`. */
function functionOf(file: string): string | undefined {
  const [top, name] = file.split('/');
  return top === 'functions' && name !== undefined && file.split('/').length > 2 ? name : undefined;
}

const arrow = (edge: ImportEdge): string => `${edge.from} → ${edge.to}`;

function edgeViolations(edges: readonly ImportEdge[]): Violation[] {
  return edges.flatMap((edge): Violation[] => {
    const found: Violation[] = [];
    const importer = functionOf(edge.from);
    const imported = edge.external ? undefined : functionOf(edge.to);
    if (importer !== undefined && imported !== undefined && importer !== imported)
      found.push({ rule: 'function-imports-function', key: arrow(edge) });
    if (under(edge.from, 'shared/') && !edge.external && !under(edge.to, 'shared/'))
      found.push({ rule: 'shared-imports-above-it', key: arrow(edge) });
    if (
      edge.external &&
      AWS_SDK.test(`${edge.to}/`) &&
      isShipped(edge.from) &&
      !Object.keys(SDK_OUTSIDE_ADAPTERS).some((prefix) => under(edge.from, prefix))
    )
      found.push({ rule: 'aws-sdk-outside-adapters', key: arrow(edge) });
    if (isShipped(edge.from) && !edge.external && under(edge.to, 'test/'))
      found.push({ rule: 'shipped-imports-test', key: arrow(edge) });
    return found;
  });
}

/** At most this many cycles are listed; more means the graph needs untangling before listing. */
const CYCLE_LIMIT = 500;

/** Tarjan's strongly connected components: a cycle never leaves the component it starts in. */
function componentOf(
  nodes: readonly string[],
  next: ReadonlyMap<string, readonly string[]>,
): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    for (const target of next.get(node) ?? []) {
      const seen = index.get(target);
      if (seen === undefined) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (!component.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, seen));
      }
    }
    if (low.get(node) === index.get(node)) {
      const id = index.get(node) ?? 0;
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        component.set(member, id);
        if (member === node) break;
      }
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return component;
}

/**
 * Every elementary cycle, each once, as the path from its alphabetically first file back to it. Type
 * imports count: a cycle of types still makes two modules that can only be understood together.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edge.external) continue;
    const targets = next.get(edge.from) ?? [];
    if (!targets.includes(edge.to)) targets.push(edge.to);
    next.set(edge.from, targets);
  }
  const nodes = [...new Set([...graph.files, ...next.keys()])].sort();
  const component = componentOf(nodes, next);
  const cycles: string[][] = [];
  // Cycles through `start` that visit only later files of its component: each is found from its first file.
  for (const start of nodes) {
    const path = [start];
    const onPath = new Set(path);
    const walk = (file: string): void => {
      for (const target of next.get(file) ?? []) {
        if (cycles.length >= CYCLE_LIMIT) return;
        if (target === start) cycles.push([...path, start]);
        else if (target > start && !onPath.has(target) && component.get(target) === component.get(start)) {
          path.push(target);
          onPath.add(target);
          walk(target);
          onPath.delete(target);
          path.pop();
        }
      }
    };
    walk(start);
  }
  return cycles;
}

/** Every violation of every rule, in a stable order. */
export function layeringViolations(graph: ImportGraph): Violation[] {
  const cycles = importCycles(graph).map(
    (cycle): Violation => ({ rule: 'import-cycle', key: cycle.join(' → ') }),
  );
  const unique = new Map(
    [...edgeViolations(graph.edges), ...cycles].map((violation) => [
      `${violation.rule} ${violation.key}`,
      violation,
    ]),
  );
  return [...unique.values()].sort((a, b) => `${a.rule} ${a.key}`.localeCompare(`${b.rule} ${b.key}`));
}
