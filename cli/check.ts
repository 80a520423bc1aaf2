/**
 * `netwarden check daily|weekly [--simulated] [--json]`: runs a check in report mode and prints its
 * digest — with the caller's AWS credentials, or on the built-in simulated account. Nothing is published
 * and nothing is changed: the checks only read.
 */
import { dailyCheck } from '../functions/daily-check/daily';
import { weeklyCheck } from '../functions/weekly-check/weekly';
import { type Digest, digestText } from '../shared/checks/digest';
import { BaseConfig, parseConfig, selfRolePatterns } from '../shared/config';
import { errorMessage } from '../shared/errors';
import { loadPolicy } from '../shared/policy/load';
import { stateBaselineLoader } from '../shared/terraform/baseline-loader';
import type { CliCommand, CliIo } from './main';

const USAGE = 'usage: netwarden check daily|weekly [--simulated] [--json]';

/** The simulated account's fixed environment (as `npm start` uses). */
function simulatedEnvironment(): void {
  process.env.AWS_REGION = 'ap-northeast-2';
  process.env.AWS_ACCESS_KEY_ID = 'simulated';
  process.env.AWS_SECRET_ACCESS_KEY = 'simulated';
  process.env.NETWARDEN_STAGE ??= 'demo';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
}

export async function runCheck(
  which: 'daily' | 'weekly',
  now: Date,
  options: { itemLimit?: number } = {},
): Promise<Digest> {
  const config = parseConfig(BaseConfig, process.env);
  const policy = loadPolicy(config.POLICY_PATH);
  const wiring = await import('../shared/aws/checks-wiring');
  const itemLimit = options.itemLimit ?? Number.POSITIVE_INFINITY;
  if (which === 'daily') {
    const result = await dailyCheck(now, {
      ...wiring.dailyReads(),
      policy,
      selfRoles: selfRolePatterns(config),
      itemLimit,
    });
    return result.digest;
  }
  const reads = wiring.weeklyReads();
  const state = stateBaselineLoader(
    policy.terraformState,
    (ref) => reads.stateReads.read(ref),
    () => now,
  );
  return (await weeklyCheck(now, { ...reads, state, policy, itemLimit })).digest;
}

function print(digest: Digest, json: boolean, io: CliIo): void {
  if (json) io.out(JSON.stringify(digest, null, 2));
  else for (const line of digestText(digest)) io.out(line);
}

export const run: CliCommand = async (args, io) => {
  const which = args.find((arg) => !arg.startsWith('-'));
  const unknown = args.filter((arg) => arg.startsWith('-') && arg !== '--simulated' && arg !== '--json');
  if ((which !== 'daily' && which !== 'weekly') || unknown.length > 0) {
    io.err(
      which === undefined
        ? USAGE
        : `unknown check or option ${JSON.stringify(unknown[0] ?? which)}\n${USAGE}`,
    );
    return 2;
  }
  const simulated = args.includes('--simulated');
  let restore = () => {};
  let now = new Date();
  if (simulated) {
    simulatedEnvironment();
    const { createSimulatedAccount } = await import('../test/simulated-account/index');
    const sim = createSimulatedAccount();
    restore = () => sim.restore();
    now = sim.account.clock.now();
  }
  try {
    print(await runCheck(which, now), args.includes('--json'), io);
    return 0;
  } catch (error) {
    io.err(`the ${which} check failed: ${errorMessage(error)}`);
    return 1;
  } finally {
    restore();
  }
};
