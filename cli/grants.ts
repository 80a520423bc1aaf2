// Placeholder until the grants capability lands (issue: temporary access grants).
import type { CliCommand } from './main';

const notYet: CliCommand = async (_args, io) => {
  io.err('grants are not implemented yet');
  return 2;
};
export const grant = notYet;
export const listGrants = notYet;
export const revoke = notYet;
