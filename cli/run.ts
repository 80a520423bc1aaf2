/** The CLI entry point (npm start, bin/netwarden.mjs). */
import './quiet-logs';
import { createInterface } from 'node:readline/promises';
import { main } from './main';

/** A question on the terminal, only when there is one: a piped or scheduled run is never asked. */
async function ask(question: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

process.exitCode = await main(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  ...(process.stdin.isTTY ? { ask } : {}),
});
