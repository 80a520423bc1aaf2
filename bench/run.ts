/**
 * npm run bench: measures the shipped code.
 *  - per function, the headline: the cold first event (bench/cold-start.ts), the packaged handler in a
 *    fresh process with the deployed settings handling one real event up to its published finding,
 *    against a naive bundle of the same source doing the same, CPU and wall time, interleaved;
 *  - per capability, on the simulated account: AWS calls per event and handler time per warm event;
 *  - targets from the performance issues, each marked pass or fail (judged on CPU time).
 * It changes no tracked file unless asked: `--write` saves bench/results.json and the README table.
 * Its scratch files live in a temporary directory of its own, removed at the end.
 * Usage: npm run bench [-- --rounds 9 --events 1000 --only revertSgDrift,notifySlack --cold-only
 *        --package <dir> (an existing `osls package --stage prod` output) --write]
 *        npm run bench -- --budget-only: only the blast-radius budget's cost per event (no packaging).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, cpus as cpuList, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { Packaged, Template } from '../test/helpers/packaged';
import { benchBudget } from './capabilities/budget';
import { CAPABILITY_BENCHES, EXTRA_BENCHES } from './capabilities/index';
import { benchColdFirstEvents, type ColdFirstEventResult } from './cold-start';
import { benchStateTable } from './state-table';
import { unzip } from './unzip';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const listOption = (name: string): string[] | undefined => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? String(args[index + 1]).split(',') : undefined;
};
// Each round is one cold start per variant per function; medians of 9 keep one noisy burst from
// moving a verdict, and CPU time (what the targets are judged on) moves far less than wall time.
const ROUNDS = option('rounds', 9);
const EVENTS = option('events', 1000);
const WRITE = args.includes('--write');
const COLD_ONLY = args.includes('--cold-only');
/** Cold first event at most this fraction of a naive bundle's, beyond node's own start (issue 14). */
const COLD_TARGET = 0.35;

interface FunctionResult extends ColdFirstEventResult {
  artifactBytes: number;
  bundleBytes: number;
  /** Whether the entry bundle's source map names the EC2 or ELB client (notify-slack must not). */
  bundlesEc2OrElbClient: boolean;
}

function step(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

/** Sizes of each function's artifact and entry bundle, read from the zips. */
function sizes(packaged: Packaged, scratch: string) {
  const state = JSON.parse(readFileSync(join(packaged.dir, 'serverless-state.json'), 'utf8')) as {
    service: { functions: Record<string, { handler: string; name: string }> };
  };
  const byName = new Map<
    string,
    { artifactBytes: number; bundleBytes: number; bundlesEc2OrElbClient: boolean }
  >();
  for (const [key, fn] of Object.entries(state.service.functions)) {
    const zip = join(packaged.dir, `${key}.zip`);
    const extracted = join(scratch, 'sizes', key);
    unzip(zip, extracted);
    const bundle = join(extracted, `${fn.handler.replace(/\.[^.]+$/, '')}.js`);
    let map = '';
    try {
      map = readFileSync(`${bundle}.map`, 'utf8');
    } catch {
      map = '';
    }
    byName.set(fn.name.replace(/^netwarden-[^-]+-/, ''), {
      artifactBytes: statSync(zip).size,
      bundleBytes: statSync(bundle).size,
      bundlesEc2OrElbClient: /client-ec2\/|client-elastic-load-balancing-v2\//.test(map),
    });
  }
  return byName;
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_REGION = 'ap-northeast-2';
  process.env.AWS_ACCESS_KEY_ID = 'bench';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  process.env.NETWARDEN_STAGE = 'bench';
  process.env.FINDINGS_TOPIC_ARN = 'arn:aws:sns:ap-northeast-2:111122223333:netwarden-bench-findings';
  if (args.includes('--budget-only')) {
    // The budget's cost alone: no packaging, no cold starts, nothing written.
    const budget = await benchBudget();
    await (await benchStateTable()).stop();
    console.log(budget.summary);
    if (budget.targets.some((target) => !target.pass)) process.exitCode = 1;
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'netwarden-bench-'));
  try {
    await measure(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The shipped policy with a budget no bench reaches (the schema's largest). The capability benches measure the work of one
 * event, a thousand events in a row on one group; with the shipped budget (5 writes per group per 10
 * minutes) all but the first few would be held back and measure the budget instead. The budget's own
 * cost per event is the budget bench's (bench/capabilities/budget.ts).
 */
function benchPolicy(scratch: string): string {
  const shipped = readFileSync('netwarden.policy.yml', 'utf8');
  const limits = ['perAccount', 'perGroup', 'perTargetGroup'];
  let text = shipped;
  for (const limit of limits) text = text.replace(new RegExp(`^(\\s+${limit}:) \\d+`, 'm'), '$1 100000');
  if (limits.some((limit) => !text.includes(`${limit}: 100000`)))
    throw new Error(
      'bench: netwarden.policy.yml has no budget section with perAccount, perGroup and perTargetGroup to lift',
    );
  const path = join(scratch, 'netwarden.policy.yml');
  writeFileSync(path, text);
  return path;
}

async function measure(scratch: string): Promise<void> {
  const load = loadavg();
  process.env.POLICY_PATH = benchPolicy(scratch);
  // --package <dir>: measure a package already built (osls package --stage prod --package <dir>).
  const given = args.indexOf('--package');
  const dir = given >= 0 ? resolve(String(args[given + 1])) : join(scratch, 'package');
  if (given < 0) {
    step('packaging with osls');
    execFileSync('npx', ['osls', 'package', '--stage', 'prod', '--package', dir], {
      cwd: ROOT,
      stdio: 'ignore',
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    });
  }
  const packaged: Packaged = {
    dir,
    template: JSON.parse(
      readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template,
    artifacts: readdirSync(dir).filter((file) => file.endsWith('.zip')),
  };
  const sized = sizes(packaged, scratch);
  const cold = await benchColdFirstEvents({
    root: ROOT,
    packaged,
    scratch,
    rounds: ROUNDS,
    only: listOption('only'),
    step,
  });
  const functions: FunctionResult[] = cold.map((result) => {
    const size = sized.get(result.function);
    return {
      ...result,
      artifactBytes: size?.artifactBytes ?? 0,
      bundleBytes: size?.bundleBytes ?? 0,
      bundlesEc2OrElbClient: size?.bundlesEc2OrElbClient ?? false,
    };
  });

  const capabilities: Capability[] = [];
  const extras: Record<string, unknown> = {};
  if (!COLD_ONLY) {
    // The simulated account's own account id (foreign events are refused) and one state table for all.
    process.env.NETWARDEN_ACCOUNT_ID = '111122223333';
    await benchStateTable();
    for (const bench of CAPABILITY_BENCHES) {
      step(`capability ${bench.name} (${EVENTS} events)`);
      capabilities.push(await bench.run(EVENTS));
    }
    for (const bench of EXTRA_BENCHES) {
      step(bench.name);
      extras[bench.name] = await bench.run();
    }
  }

  const targets = evaluateTargets(functions, capabilities, extras);
  const loadAfter = loadavg();
  const results = {
    measuredAt: new Date().toISOString(),
    machine: {
      cpu: cpuList()[0]?.model ?? 'unknown',
      cores: cpuList().length,
      memoryGiB: round(totalmem() / 2 ** 30),
      node: process.version,
      os: `${platform()} ${release()} ${arch()}`,
      /** The 1-minute load average when the bench started and ended: how shared the machine was. */
      loadAverage: { start: round(load[0] ?? 0, 2), end: round(loadAfter[0] ?? 0, 2) },
    },
    settings: { coldStartRounds: ROUNDS, eventsPerCapability: EVENTS },
    functions,
    capabilities,
    ...extras,
    targets,
  };
  const table = markdown(results);
  console.log(table);
  if (WRITE) {
    writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    updateReadme(table);
    step('wrote bench/results.json and the README table');
  } else {
    const path = join(tmpdir(), `netwarden-bench-results-${process.pid}.json`);
    writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
    step(`results in ${path} (--write saves them to bench/results.json and the README)`);
  }
  if (targets.some((target) => !target.pass)) process.exitCode = 1;
}

type Capability = Awaited<ReturnType<(typeof CAPABILITY_BENCHES)[number]['run']>>;

function evaluateTargets(
  functions: FunctionResult[],
  capabilities: Capability[],
  extras: Record<string, unknown>,
) {
  const targets: Array<{ target: string; actual: string; pass: boolean }> = [];
  const drift = capabilities.find((capability) => capability.capability.startsWith('revert-sg-drift'));
  if (drift) {
    targets.push({
      target: 'revert-sg-drift on an added rule: 0 reads and 1 write',
      actual: `${drift.readsPerEvent} reads, ${drift.writesPerEvent} writes`,
      pass: drift.readsPerEvent === 0 && drift.writesPerEvent === 1,
    });
  }
  for (const fn of functions) {
    const { shipped, naive, bareNode } = fn.medians;
    targets.push({
      target: `${fn.function}: cold first event at most ${COLD_TARGET}× a naive bundle's (CPU beyond node's own start)`,
      actual: `${fn.cpuRatioToNaive}× (CPU ${round(shipped.cpuMs - bareNode.cpuMs)} ms vs ${round(naive.cpuMs - bareNode.cpuMs)} ms beyond node's ${bareNode.cpuMs} ms; wall ${fn.wallRatioToNaive}×)`,
      pass: fn.cpuRatioToNaive <= COLD_TARGET,
    });
  }
  const slack = functions.find((fn) => fn.function === 'notify-slack');
  if (slack) {
    targets.push({
      target: 'notify-slack loads no EC2 or ELB client',
      actual: slack.bundlesEc2OrElbClient ? 'bundled' : 'none bundled',
      pass: !slack.bundlesEc2OrElbClient,
    });
  }
  for (const extra of Object.values(extras)) {
    const withTargets = extra as { targets?: Array<{ target: string; actual: string; pass: boolean }> };
    targets.push(...(withTargets.targets ?? []));
  }
  return targets;
}

function markdown(results: {
  measuredAt: string;
  machine: { cpu: string; cores: number; node: string; loadAverage: { start: number; end: number } };
  functions: FunctionResult[];
  capabilities: Capability[];
  targets: Array<{ target: string; actual: string; pass: boolean }>;
}): string {
  const kib = (bytes: number) => `${round(bytes / 1024)} KiB`;
  const { loadAverage } = results.machine;
  const lines = [
    `Measured ${results.measuredAt.slice(0, 10)} on ${results.machine.cpu} (${results.machine.cores} cores), Node ${results.machine.node}, ` +
      `load average ${loadAverage.start} at the start and ${loadAverage.end} at the end` +
      `${Math.max(loadAverage.start, loadAverage.end) >= results.machine.cores / 2 ? ' (measured under load: other work shared the machine)' : ''}. ` +
      `Medians of ${results.functions[0]?.rounds ?? 0} cold starts per variant, interleaved.`,
    '',
    'Cold first event: a fresh process with the deployed settings loads the packaged handler and handles one real event against the simulated account, up to the published finding. CPU is user + system time of the whole process; "beyond node" subtracts a bare `node` start measured in the same rounds.',
    '',
    '| function | first event | zip | entry bundle | CPU | CPU beyond node | naive CPU beyond node | × naive (CPU) | wall | × naive (wall) | × naive, with --enable-source-maps (CPU) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.functions.map((fn) => {
      const { shipped, naive, bareNode } = fn.medians;
      return `| ${fn.function} | ${fn.event} | ${kib(fn.artifactBytes)} | ${kib(fn.bundleBytes)} | ${shipped.cpuMs} ms | ${round(shipped.cpuMs - bareNode.cpuMs)} ms | ${round(naive.cpuMs - bareNode.cpuMs)} ms | ${fn.cpuRatioToNaive} | ${shipped.wallMs} ms | ${fn.wallRatioToNaive} | ${fn.cpuRatioWithSourceMaps} |`;
    }),
    '',
    ...(results.capabilities.length > 0
      ? [
          '| capability (simulated account) | reads/event | writes/event | handler time (median, warm) |',
          '|---|---:|---:|---:|',
          ...results.capabilities.map(
            (capability) =>
              `| ${capability.capability} | ${round(capability.readsPerEvent, 2)} | ${round(capability.writesPerEvent, 2)} | ${round(capability.medianHandlerMs, 3)} ms |`,
          ),
          '',
        ]
      : []),
    '| target | actual | |',
    '|---|---|---|',
    ...results.targets.map(
      (target) => `| ${target.target} | ${target.actual} | ${target.pass ? 'pass' : '**FAIL**'} |`,
    ),
  ];
  return lines.join('\n');
}

function updateReadme(table: string): void {
  const path = join(ROOT, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  if (!readme.includes(start) || !readme.includes(end)) return;
  const before = readme.slice(0, readme.indexOf(start) + start.length);
  const after = readme.slice(readme.indexOf(end));
  writeFileSync(path, `${before}\n${table}\n${after}`);
}

await main();
