// Placeholder until the daily/weekly checks land.
import type { CliCommand } from './main';

export const run: CliCommand = async (_args, io) => {
  io.err('checks are not implemented yet');
  return 2;
};
