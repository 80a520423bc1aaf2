/**
 * `netwarden check daily|weekly [--state-table NAME] [--simulated] [--json]`: runs a check in report mode
 * and prints its digest — with the caller's AWS credentials, or on the built-in simulated account.
 * Nothing is published and nothing is changed: the checks only read. Exits 1 when any part of the
 * check could not run, digest printed all the same: a script must not read "unknown" as "fine".
 *
 * Grants are read from netwarden's state table (`--state-table`, else STATE_TABLE_NAME; the stage's
 * table is `netwarden-<stage>-state`). Without one the grants part is reported as not run — never as
 * "no grants", which a rule's tags cannot tell.
 */
import { dailyCheck } from '../functions/daily-check/daily';
import { weeklyCheck } from '../functions/weekly-check/weekly';
import { type Digest, digestText } from '../shared/audits/digest';
import { lazyGrantStore, lazyLoadBalancing, lazyTerraformStateObjects } from '../shared/aws/lazy-adapters';
import {
  lazyAlarms,
  lazyCertificates,
  lazyMetrics,
  lazyNetworkReferences,
  lazySecurityGroupInventory,
  lazySecurityGroupTrail,
} from '../shared/aws/lazy-audit-adapters';
import { BaseConfig, parseConfig, selfRolePatterns } from '../shared/config';
import { errorMessage } from '../shared/errors';
import type { GrantStore } from '../shared/grants/record';
import { loadPolicy } from '../shared/policy/load';
import { stateBaselineLoader } from '../shared/terraform/baseline-loader';
import { requireAwsCaller } from './aws-caller';
import { USAGE as COMMAND_USAGE } from './help';
import type { CliCommand, CliIo } from './io';

const USAGE = COMMAND_USAGE.check;

/** No table named: every read fails, so the digest names the grants check as not run. */
const NO_STATE_TABLE: Pick<GrantStore, 'open'> = {
  open: () =>
    Promise.reject(
      new Error(
        'no state table named: pass --state-table NAME or set STATE_TABLE_NAME (netwarden-<stage>-state)',
      ),
    ),
};

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
  options: { itemLimit?: number; stateTable?: string; grants?: Pick<GrantStore, 'open'> } = {},
): Promise<Digest> {
  const config = parseConfig(BaseConfig, process.env);
  const tableName = options.stateTable ?? config.STATE_TABLE_NAME;
  const grants = options.grants ?? (tableName ? lazyGrantStore(tableName) : NO_STATE_TABLE);
  const policy = loadPolicy(config.POLICY_PATH);
  const itemLimit = options.itemLimit ?? Number.POSITIVE_INFINITY;
  if (which === 'daily') {
    const result = await dailyCheck(now, {
      elb: lazyLoadBalancing({ bulk: true }),
      alarms: lazyAlarms(),
      trail: lazySecurityGroupTrail(),
      sg: lazySecurityGroupInventory(),
      grants,
      policy,
      selfRoles: selfRolePatterns(config),
      itemLimit,
    });
    return result.digest;
  }
  const stateObjects = lazyTerraformStateObjects();
  const state = stateBaselineLoader(
    policy.terraformState,
    (ref) => stateObjects.read(ref),
    () => now,
  );
  const reads = {
    elb: lazyLoadBalancing({ bulk: true }),
    metrics: lazyMetrics(),
    certificates: lazyCertificates(),
    sg: lazySecurityGroupInventory(),
    network: lazyNetworkReferences(),
  };
  return (await weeklyCheck(now, { ...reads, state, grants, policy, itemLimit })).digest;
}

function print(digest: Digest, json: boolean, io: CliIo): void {
  if (json) io.out(JSON.stringify(digest, null, 2));
  else for (const line of digestText(digest)) io.out(line);
}

interface CheckArgs {
  readonly which: 'daily' | 'weekly';
  readonly stateTable?: string;
  readonly simulated: boolean;
  readonly json: boolean;
}

/** The arguments, or the message that says which one is wrong. */
function parseArgs(args: ReadonlyArray<string>): CheckArgs | string {
  const positional: string[] = [];
  let stateTable: string | undefined;
  let simulated = false;
  let json = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--simulated') simulated = true;
    else if (arg === '--json') json = true;
    else if (arg === '--state-table' || arg.startsWith('--state-table=')) {
      const value = arg === '--state-table' ? args[++index] : arg.slice('--state-table='.length);
      if (!value || value.startsWith('-')) return `--state-table needs a table name\n${USAGE}`;
      stateTable = value;
    } else if (arg.startsWith('-')) return `unknown check or option ${JSON.stringify(arg)}\n${USAGE}`;
    else positional.push(arg);
  }
  const [which, extra] = positional;
  if (which === undefined) return USAGE;
  if ((which !== 'daily' && which !== 'weekly') || extra !== undefined)
    return `unknown check or option ${JSON.stringify(which !== 'daily' && which !== 'weekly' ? which : extra)}\n${USAGE}`;
  return { which, simulated, json, ...(stateTable ? { stateTable } : {}) };
}

export const run: CliCommand = async (args, io) => {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.err(parsed);
    return 2;
  }
  const { which, simulated, json } = parsed;
  let options: Parameters<typeof runCheck>[2] = parsed.stateTable ? { stateTable: parsed.stateTable } : {};
  let restore = async () => {};
  let now = new Date();
  if (simulated) {
    simulatedEnvironment();
    const [{ createSimulatedAccount }, { startStateTable }] = await Promise.all([
      import('../simulated-account/index'),
      import('../simulated-account/state-table'),
    ]);
    const sim = createSimulatedAccount();
    // The demo's state table: dynalite on 127.0.0.1, read through its own client (no credentials).
    const table = await startStateTable('netwarden-demo-state');
    options = { grants: table.store };
    restore = async () => {
      await table.stop();
      sim.restore();
    };
    now = sim.account.clock.now();
  }
  try {
    if (!simulated) await requireAwsCaller({ region: true });
    const digest = await runCheck(which, now, options);
    print(digest, json, io);
    const notRun = digest.notRun ?? [];
    if (notRun.length === 0) return 0;
    io.err(`the ${which} check is incomplete: could not run ${notRun.join(', ')}`);
    return 1;
  } catch (error) {
    io.err(`the ${which} check failed: ${errorMessage(error)}`);
    return 1;
  } finally {
    await restore();
  }
};
