/** The CLI entry point (npm start, bin/netwarden.mjs). */
import { main } from './main';

process.exitCode = await main(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
