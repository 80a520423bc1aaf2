/**
 * `netwarden redrive failed-events|events-dlq|notifications-dlq --stage NAME [--apply] [--limit N]`:
 * after a fix, replays what netwarden parked (docs/operations.md). A dry run by default: it lists,
 * per message, what it would invoke, and changes nothing. With --apply, a message is deleted only
 * once its replay succeeded; unreadable ones and failed replays stay in the queue and are listed.
 * Runs with the caller's own AWS credentials (the operator's policy is in docs/operations.md).
 */
import { parseArgs } from 'node:util';
import { errorMessage } from '../shared/errors';
import { REDRIVE_QUEUES, type RedriveQueue } from '../shared/redrive/plan';
import { requireAwsCaller } from './aws-caller';
import { USAGE as COMMAND_USAGE } from './help';
import type { CliCommand } from './io';

const USAGE = COMMAND_USAGE.redrive;
const STAGE = /^[A-Za-z0-9-]{1,23}$/;

function isQueue(value: string | undefined): value is RedriveQueue {
  return REDRIVE_QUEUES.some((queue) => queue === value);
}

export const run: CliCommand = async (args, io) => {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    io.err(`${errorMessage(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [queue, extra] = positionals;
  if (!isQueue(queue) || extra !== undefined) {
    io.err(queue === undefined ? USAGE : `unknown queue ${JSON.stringify(extra ?? queue)}\n${USAGE}`);
    return 2;
  }
  const stage = values.stage ?? process.env.NETWARDEN_STAGE;
  if (!stage || !STAGE.test(stage)) {
    io.err(
      `--stage needs the stage's name (letters, digits and dashes), got ${JSON.stringify(stage ?? '')}\n${USAGE}`,
    );
    return 2;
  }
  const limit = values.limit === undefined ? 1000 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    io.err(`--limit needs a whole number of messages, got ${JSON.stringify(values.limit)}\n${USAGE}`);
    return 2;
  }
  await requireAwsCaller({ region: true });
  const [{ redrive }, { redriveQueue }, { redriveInvoker }] = await Promise.all([
    import('../shared/redrive/redrive'),
    import('../shared/aws/sqs'),
    import('../shared/aws/lambda'),
  ]);
  try {
    const report = await redrive(
      queue,
      { stage, apply: values.apply === true, limit },
      { queue: redriveQueue(), lambda: redriveInvoker() },
    );
    for (const line of report.lines) io.out(line);
    return report.left > 0 ? 1 : 0;
  } catch (error) {
    io.err(`redrive of ${queue} stopped: ${errorMessage(error)}`);
    return 1;
  }
};

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: { stage: { type: 'string' }, apply: { type: 'boolean' }, limit: { type: 'string' } },
  });
}
