/**
 * What every function is wired with, notify-slack included: its configuration validated at cold
 * start, the clock and the log. wiring.ts adds what the functions that publish findings share (the
 * policy, the publisher, the way in that publishes a refused event). This part stands apart because
 * wiring.ts imports the lazy adapters, and esbuild bundles every `import()` it sees, even in unused
 * code: notify-slack, which publishes nothing, would carry the EC2 and ELB clients in its bundle.
 */
import type * as z from 'zod';
import { parseConfig } from './config';
import { logger } from './logger';

/** The clock. Injected into every use case, never read deep inside logic. */
export const now = (): Date => new Date();

/** The use cases' structured log: constant message, data beside it. */
export type Log = (message: string, data: Record<string, unknown>) => void;
export const log: Log = (message, data) => logger.info(message, data);

/** The log at each level, for a use case that says itself how serious each line is. */
export interface LeveledLog {
  readonly info: Log;
  readonly warn: Log;
  readonly error: Log;
}
export const leveledLog: LeveledLog = {
  info: log,
  warn: (message, data) => logger.warn(message, data),
  error: (message, data) => logger.error(message, data),
};

export interface BaseWiring<TConfig> {
  readonly config: TConfig;
  readonly now: () => Date;
  readonly log: LeveledLog;
}

/**
 * For a function that publishes no findings: `schema` is its configuration (BaseConfig extended).
 * Call once, at module scope (cold start): a bad environment fails the cold start loudly.
 */
export function wireBase<S extends z.ZodType>(schema: S): BaseWiring<z.output<S>> {
  return { config: parseConfig(schema, process.env), now, log: leveledLog };
}
