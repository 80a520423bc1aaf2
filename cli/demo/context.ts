/**
 * What every demo story gets: the simulated account, a way to run a handler against it and show
 * the calls it made, and plain-text output. Stories live next to this file, one per capability.
 */
import type { CallRecord } from '../../simulated-account/account';
import type { Simulation } from '../../simulated-account/index';
import type { CliIo } from '../io';

export interface DemoContext {
  readonly sim: Simulation;
  readonly io: CliIo;
  /** Folder where stories may write artefacts (e.g. Slack payloads) for inspection. */
  readonly outDir: string;
  heading(text: string): void;
  /** Runs `act` and returns the AWS calls it made, for printing. */
  callsDuring<T>(act: () => Promise<T>): Promise<{ result: T; calls: CallRecord[] }>;
}

export type DemoStory = (context: DemoContext) => Promise<void>;

export function formatCall(call: CallRecord): string {
  const input = JSON.stringify(call.input);
  const shown = input.length > 160 ? `${input.slice(0, 157)}...` : input;
  return `${call.write ? 'WRITE' : 'read '} ${call.service}.${call.command} ${shown}${call.error ? `  → ${call.error}` : ''}`;
}
