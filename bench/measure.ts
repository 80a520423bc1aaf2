/** Small measuring tools: medians of repeated process launches and of in-process runs. */
import { spawnSync } from 'node:child_process';

export function median(values: ReadonlyArray<number>): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Wall time of one fresh node process running `args`, in ms. */
export function timeProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} failed: ${result.stderr?.toString().slice(0, 2000)}`);
  return elapsed;
}

/**
 * Interleaves the variants round by round so that machine noise (this machine is shared) hits each
 * of them alike, and returns the median per variant.
 */
export function interleavedMedians(
  variants: Record<string, () => number>,
  rounds: number,
): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(variants).map((name) => [name, []]),
  );
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, run] of Object.entries(variants)) samples[name]?.push(run());
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

export async function medianOfRuns(count: number, run: () => Promise<number>): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < count; index += 1) samples.push(await run());
  return median(samples);
}

/**
 * Runs `invoke` once to warm up, then `events` times, on a simulated account: the median handler time
 * and the AWS reads and writes per event (SNS publishes of findings are not counted as writes).
 * `prepare` makes each event (untimed, its calls not counted).
 */
export async function perEvent<T>(
  account: { calls: ReadonlyArray<{ service: string; write: boolean }> },
  events: number,
  prepare: (index: number) => T | Promise<T>,
  invoke: (event: T) => Promise<unknown>,
): Promise<{ readsPerEvent: number; writesPerEvent: number; medianHandlerMs: number }> {
  const times: number[] = [];
  let reads = 0;
  let writes = 0;
  for (let index = -1; index < events; index += 1) {
    const event = await prepare(index);
    const mark = account.calls.length;
    const start = process.hrtime.bigint();
    await invoke(event);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (index < 0) continue;
    times.push(elapsed);
    const calls = account.calls.slice(mark).filter((call) => call.service !== 'SNS');
    reads += calls.filter((call) => !call.write).length;
    writes += calls.filter((call) => call.write).length;
  }
  return { readsPerEvent: reads / events, writesPerEvent: writes / events, medianHandlerMs: median(times) };
}
