/**
 * `netwarden pause [--reason "…"] --stage NAME`, `netwarden resume --stage NAME` and
 * `netwarden status --stage NAME`: the kill switch (shared/safety/kill-switch.ts). Pause sets the
 * stage's parameter to "true", and every function is in report mode within 60 seconds, without a
 * redeploy; resume sets it to "false". Runs with the caller's own AWS credentials (docs/operations.md).
 */
import { parseArgs } from 'node:util';
import { awsErrorCode, errorMessage } from '../shared/errors';
import { KILL_SWITCH_MAX_STALE_MS, killSwitchParameter, switchState } from '../shared/safety/kill-switch';
import { requireAwsCaller } from './aws-caller';
import { USAGE } from './help';
import type { CliCommand, CliIo } from './io';

const STAGE = /^[A-Za-z0-9-]{1,23}$/;
const STALE_SECONDS = KILL_SWITCH_MAX_STALE_MS / 1000;

type Verb = 'pause' | 'resume' | 'status';

/** The stage (and for pause the reason) from the arguments, or a one-line error and exit 2. */
function parse(verb: Verb, args: string[], io: CliIo): { stage: string; reason: string } | undefined {
  let values: { stage?: string; reason?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { stage: { type: 'string' }, reason: { type: 'string' } },
    }));
  } catch (error) {
    io.err(`${errorMessage(error)}\n${USAGE[verb]}`);
    return undefined;
  }
  if (verb !== 'pause' && values.reason !== undefined) {
    io.err(`--reason is for netwarden pause only\n${USAGE[verb]}`);
    return undefined;
  }
  const stage = values.stage ?? process.env.NETWARDEN_STAGE;
  if (!stage || !STAGE.test(stage)) {
    io.err(
      `--stage needs the stage's name (letters, digits and dashes), got ${JSON.stringify(stage ?? '')}\n${USAGE[verb]}`,
    );
    return undefined;
  }
  return { stage, reason: values.reason?.trim() || 'no reason given' };
}

async function ssm() {
  await requireAwsCaller({ region: true });
  const [adapter, { ssmClient }] = await Promise.all([
    import('../shared/aws/ssm'),
    import('../shared/aws/clients/ssm'),
  ]);
  return { adapter, client: ssmClient() };
}

const setSwitch =
  (verb: 'pause' | 'resume'): CliCommand =>
  async (args, io) => {
    const parsed = parse(verb, args, io);
    if (!parsed) return 2;
    const name = killSwitchParameter(parsed.stage);
    const { adapter, client } = await ssm();
    const description =
      verb === 'pause'
        ? `paused: ${parsed.reason}`.slice(0, 1024)
        : 'resumed: netwarden acts as its policy says';
    try {
      await adapter.writeStringParameter(client, name, verb === 'pause' ? 'true' : 'false', description);
    } catch (error) {
      io.err(`could not set ${name}: ${awsErrorCode(error) ?? errorMessage(error)}`);
      return 1;
    }
    io.out(
      verb === 'pause'
        ? `paused: ${name} is "true" (${parsed.reason}); every netwarden function of stage ${parsed.stage} is in report mode within ${STALE_SECONDS} s (grant-access refuses new grants; expiry still closes access)`
        : `resumed: ${name} is "false"; netwarden of stage ${parsed.stage} acts again within ${STALE_SECONDS} s`,
    );
    return 0;
  };

export const pause = setSwitch('pause');
export const resume = setSwitch('resume');

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
      `running: ${name} is ${value === undefined ? 'absent' : '"false"'}; netwarden acts as its policy says`,
    );
  else if (state.because === 'switched-on')
    io.out(
      `paused: ${name} is "true"; every function is in report mode (netwarden resume --stage ${parsed.stage})`,
    );
  else io.out(`paused: ${name} ${state.error}, so every function holds itself in report mode`);
  return 0;
};
