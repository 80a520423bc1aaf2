/**
 * netwarden CLI: `netwarden <command> [options]` (cli/help.ts lists the commands, cli/commands.ts
 * loads them). Help goes to stdout and exits 0; a usage error goes to stderr and exits 2; a command
 * that fails or could not run exits 1 with one line on stderr, never a stack trace (NETWARDEN_DEBUG=1
 * adds it). Add --simulated to run a command against the built-in simulated account.
 */
import { readFileSync } from 'node:fs';
import { errorMessage } from '../shared/errors';
import { COMMANDS, isCommand } from './commands';
import { COMMAND_HELP, overview } from './help';
import { CliError, type CliIo } from './io';

export type { CliCommand, CliIo } from './io';

// This machine may run Node 20; the SDK's advice to upgrade is noise in a CLI's output (Lambda runs 22).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP_FLAGS = new Set(['--help', '-h']);

export function version(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const value =
    typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : undefined;
  return typeof value === 'string' ? value : 'unknown';
}

function unknownCommand(name: string, io: CliIo): number {
  io.err(`unknown command ${JSON.stringify(name)}: one of ${Object.keys(COMMANDS).join(', ')}`);
  io.err('see: netwarden --help');
  return 2;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err(overview());
    return 2;
  }
  if (HELP_FLAGS.has(name)) {
    io.out(overview());
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`netwarden ${version()}`);
    return 0;
  }
  if (name === 'help') {
    const [topic, extra] = args;
    if (topic === undefined) {
      io.out(overview());
      return 0;
    }
    if (!isCommand(topic) || extra !== undefined) return unknownCommand(args.join(' '), io);
    io.out(COMMAND_HELP[topic].help);
    return 0;
  }
  if (!isCommand(name)) return unknownCommand(name, io);
  if (args.some((arg) => HELP_FLAGS.has(arg))) {
    io.out(COMMAND_HELP[name].help);
    return 0;
  }
  try {
    const command = await COMMANDS[name]();
    return await command(args, io);
  } catch (error) {
    // A missing region or credentials, a policy file that cannot be read: the message says what to do.
    io.err(`netwarden ${name}: ${errorMessage(error).split('\n').join(' ')}`);
    if (process.env.NETWARDEN_DEBUG && error instanceof Error && !(error instanceof CliError))
      io.err(error.stack ?? '');
    return 1;
  }
}
