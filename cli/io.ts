/**
 * What every CLI command is given and returns. Its own module so that commands and the registry
 * that loads them (cli/commands.ts) share these types without importing each other.
 */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Asks the person at the terminal and returns the answer; absent when there is none (a pipe, CI). */
  readonly ask?: (question: string) => Promise<string>;
}

/** Exit status: 0 done, 1 failed or could not run, 2 usage error. */
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

/**
 * An error whose message is all the user needs (a missing region, no credentials): printed as one
 * line, without a stack trace.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
}
