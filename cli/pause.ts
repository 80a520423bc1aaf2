/**
 * `netwarden pause [--reason "…"] --stage NAME`, `netwarden resume --stage NAME` and
 * `netwarden status --stage NAME`: the kill switch (shared/safety/kill-switch.ts). Pause sets the
 * stage's parameter to "true", and every function is in report mode within 60 seconds, without a
 * redeploy; resume sets it to "false". Both record who (the caller as STS GetCallerIdentity names it)
 * and why in the parameter's description. Status shows the switch, since when and by whom (Parameter
 * Store's own record of the last write), and the blast-radius budget of the current window from the
 * state table. Runs with the caller's own AWS credentials (docs/operations.md).
 */
import { parseArgs } from 'node:util';
import { awsErrorCode, errorMessage } from '../shared/errors';
import { loadPolicy } from '../shared/policy/load';
import { windowOf } from '../shared/safety/budget';
import { budgetStatusLines } from '../shared/safety/budget-status';
import { KILL_SWITCH_MAX_STALE_MS, killSwitchParameter, switchState } from '../shared/safety/kill-switch';
import { requireAwsCaller } from './aws-caller';
import { USAGE } from './help';
import type { CliCommand, CliIo } from './io';

const STAGE = /^[A-Za-z0-9-]{1,23}$/;
const STALE_SECONDS = KILL_SWITCH_MAX_STALE_MS / 1000;

type Verb = 'pause' | 'resume' | 'status';

interface Parsed {
  readonly stage: string;
  readonly reason: string;
  readonly stateTable?: string;
}

let clock: () => Date = () => new Date();
/** Lets tests fix the clock `status` takes the budget's window from. */
export function usePauseClock(now: (() => Date) | undefined): void {
  clock = now ?? (() => new Date());
}

/** The stage (and for pause the reason) from the arguments, or a one-line error and exit 2. */
function parse(verb: Verb, args: string[], io: CliIo): Parsed | undefined {
  let values: { stage?: string; reason?: string; 'state-table'?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { stage: { type: 'string' }, reason: { type: 'string' }, 'state-table': { type: 'string' } },
    }));
  } catch (error) {
    io.err(`${errorMessage(error)}\n${USAGE[verb]}`);
    return undefined;
  }
  if (verb !== 'pause' && values.reason !== undefined) {
    io.err(`--reason is for netwarden pause only\n${USAGE[verb]}`);
    return undefined;
  }
  if (verb !== 'status' && values['state-table'] !== undefined) {
    io.err(`--state-table is for netwarden status only\n${USAGE[verb]}`);
    return undefined;
  }
  const stage = values.stage ?? process.env.NETWARDEN_STAGE;
  if (!stage || !STAGE.test(stage)) {
    io.err(
      `--stage needs the stage's name (letters, digits and dashes), got ${JSON.stringify(stage ?? '')}\n${USAGE[verb]}`,
    );
    return undefined;
  }
  return {
    stage,
    reason: values.reason?.trim() || 'no reason given',
    ...(values['state-table'] ? { stateTable: values['state-table'] } : {}),
  };
}

async function ssm() {
  await requireAwsCaller({ region: true });
  const [adapter, { ssmClient }] = await Promise.all([
    import('../shared/aws/ssm'),
    import('../shared/aws/clients/ssm'),
  ]);
  return { adapter, client: ssmClient() };
}

/** The caller as AWS verified it, or why STS could not say (pausing never waits on it). */
async function whoAmI(): Promise<{ arn: string; account: string } | { unknown: string }> {
  const [{ callerIdentity }, { stsClient }] = await Promise.all([
    import('../shared/aws/sts'),
    import('../shared/aws/clients/sts'),
  ]);
  try {
    return await callerIdentity(stsClient());
  } catch (error) {
    return { unknown: `STS GetCallerIdentity failed: ${awsErrorCode(error) ?? errorMessage(error)}` };
  }
}

const nameOf = (who: Awaited<ReturnType<typeof whoAmI>>): string =>
  'arn' in who ? who.arn : `an unnamed caller (${who.unknown})`;

const setSwitch =
  (verb: 'pause' | 'resume'): CliCommand =>
  async (args, io) => {
    const parsed = parse(verb, args, io);
    if (!parsed) return 2;
    const name = killSwitchParameter(parsed.stage);
    const { adapter, client } = await ssm();
    const by = nameOf(await whoAmI());
    const at = clock().toISOString();
    // Read back by `netwarden status`; the value alone decides, this text only informs whoever reads it.
    const description =
      verb === 'pause'
        ? `paused by ${by} at ${at}: ${parsed.reason}`.slice(0, 1024)
        : `resumed by ${by} at ${at}: netwarden acts as its policy says`.slice(0, 1024);
    try {
      await adapter.writeStringParameter(client, name, verb === 'pause' ? 'true' : 'false', description);
    } catch (error) {
      io.err(`could not set ${name}: ${awsErrorCode(error) ?? errorMessage(error)}`);
      return 1;
    }
    io.out(
      verb === 'pause'
        ? `paused by ${by}: ${name} is "true" (${parsed.reason}); every netwarden function of stage ${parsed.stage} is in report mode within ${STALE_SECONDS} s (grant-access refuses new grants; expiry still closes access)`
        : `resumed by ${by}: ${name} is "false"; netwarden of stage ${parsed.stage} acts again within ${STALE_SECONDS} s`,
    );
    return 0;
  };

export const pause = setSwitch('pause');
export const resume = setSwitch('resume');

/** Since when, by whom and why, from the parameter's metadata; one line each, or why not known. */
async function switchHistory(
  adapter: Awaited<ReturnType<typeof ssm>>['adapter'],
  client: Awaited<ReturnType<typeof ssm>>['client'],
  name: string,
): Promise<string[]> {
  let meta: Awaited<ReturnType<typeof adapter.describeParameter>>;
  try {
    meta = await adapter.describeParameter(client, name);
  } catch (error) {
    return [
      `  since, by whom, why: not known, could not describe ${name}: ${awsErrorCode(error) ?? errorMessage(error)}`,
    ];
  }
  if (!meta) return [];
  return [
    `  since ${meta.lastModified?.toISOString() ?? 'an unrecorded time'}, by ${meta.lastModifiedUser ?? 'an unrecorded identity'} (Parameter Store's record of the last write)`,
    ...(meta.description
      ? [`  note: ${meta.description} (the description written with it, by whoever wrote it)`]
      : []),
  ];
}

/** The budget of the current window, per account, from the state table; or why it could not be read. */
async function budgetLines(parsed: Parsed): Promise<{ lines: string[]; problem?: string }> {
  const table = parsed.stateTable ?? process.env.STATE_TABLE_NAME ?? `netwarden-${parsed.stage}-state`;
  let policy: ReturnType<typeof loadPolicy>;
  try {
    policy = loadPolicy(process.env.POLICY_PATH ?? 'netwarden.policy.yml');
  } catch (error) {
    return { lines: [], problem: `budget: not checked, the policy did not load: ${errorMessage(error)}` };
  }
  const who = await whoAmI();
  const accounts = [...new Set(['arn' in who ? [who.account] : [], policy.accounts].flat())];
  if (accounts.length === 0)
    return { lines: [], problem: `budget: not checked, no account to read: ${nameOf(who)}` };
  const limits = {
    windowMs: policy.budget.window,
    perAccount: policy.budget.perAccount,
    perGroup: policy.budget.perGroup,
  };
  const window = windowOf(clock(), limits.windowMs);
  const [{ readBudgetUsage }, { dynamoDbClient }] = await Promise.all([
    import('../shared/aws/state-table/budget-usage'),
    import('../shared/aws/clients/dynamodb'),
  ]);
  try {
    const usages = [];
    for (const account of accounts)
      usages.push({ account, usage: await readBudgetUsage(dynamoDbClient(), table, account, window) });
    return { lines: budgetStatusLines(window, limits, usages) };
  } catch (error) {
    return {
      lines: [],
      problem: `budget: not checked, could not read ${table}: ${awsErrorCode(error) ?? errorMessage(error)}`,
    };
  }
}

export const status: CliCommand = async (args, io) => {
  const parsed = parse('status', args, io);
  if (!parsed) return 2;
  const name = killSwitchParameter(parsed.stage);
  const { adapter, client } = await ssm();
  let value: string | undefined;
  try {
    value = await adapter.readStringParameter(client, name);
  } catch (error) {
    // The functions hold themselves in report mode when they cannot read it; this caller could not either.
    io.err(
      `could not read ${name}: ${awsErrorCode(error) ?? errorMessage(error)} (a function that cannot read it holds itself in report mode)`,
    );
    return 1;
  }
  const state = switchState(name, value);
  if (!state.paused)
    io.out(
      value === undefined
        ? `running: ${name} is absent; netwarden acts as its policy says`
        : `running (resumed): ${name} is "false"; netwarden acts as its policy says`,
    );
  else if (state.because === 'switched-on')
    io.out(
      `paused: ${name} is "true"; every function is in report mode (netwarden resume --stage ${parsed.stage})`,
    );
  else io.out(`paused: ${name} ${state.error}, so every function holds itself in report mode`);
  if (value !== undefined) for (const line of await switchHistory(adapter, client, name)) io.out(line);
  const budget = await budgetLines(parsed);
  for (const line of budget.lines) io.out(line);
  if (budget.problem) {
    io.err(budget.problem);
    return 1;
  }
  return 0;
};
