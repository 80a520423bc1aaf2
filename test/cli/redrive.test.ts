/** `netwarden redrive` against the simulated account's SQS and Lambda, with the caller's credentials. */
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { ACCOUNT_ID } from '../../simulated-account/index';
import { installLambda, type LambdaState } from '../../simulated-account/lambda';
import { loadEvent } from '../../simulated-account/load-event';
import { installSqs, type SqsState } from '../../simulated-account/sqs';
import { useSimulation } from '../helpers/simulation';

const sim = useSimulation();
let sqs: SqsState;
let lambda: LambdaState;
beforeEach(() => {
  sqs = installSqs(sim.current.account);
  lambda = installLambda(sim.current.account);
  for (const suffix of ['revert-sg-drift', 'heal-targets', 'daily-check', 'notify-slack'])
    lambda.deploy(`netwarden-prod-${suffix}`);
});

const FAILED_EVENTS = 'netwarden-prod-failed-events';
const EVENTS_DLQ = 'netwarden-prod-events-dlq';
const NOTIFICATIONS_DLQ = 'netwarden-prod-notifications-dlq';
const NOTIFICATIONS_QUEUE = 'netwarden-prod-notifications';
const functionArn = (name: string) => `arn:aws:lambda:ap-northeast-2:${ACCOUNT_ID}:function:${name}:$LATEST`;

type DestinationRecord = {
  requestContext: { functionArn: string };
  requestPayload: Record<string, unknown>;
};
/** Lambda's destination record for a failed async invocation of `functionName` with `payload`. */
function failedInvocation(functionName: string, payload: Record<string, unknown>): DestinationRecord {
  const record = loadEvent<DestinationRecord>('lambda/destination-retries-exhausted.json');
  record.requestContext.functionArn = functionArn(functionName);
  record.requestPayload = payload;
  return record;
}

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

const callsTo = (service: string, command: string) =>
  sim.current.account.calls.filter((call) => call.service === service && call.command === command);

/** Two records to replay and one that cannot be read. */
function parkFailedEvents() {
  const drift = loadEvent('cloudtrail/authorize-ingress-console-world-5432.json');
  const sweep = loadEvent('schedule/heal-targets-sweep.json');
  const driftId = sqs.send(
    FAILED_EVENTS,
    JSON.stringify(failedInvocation('netwarden-prod-revert-sg-drift', drift)),
  );
  const sweepId = sqs.send(
    FAILED_EVENTS,
    JSON.stringify(failedInvocation('netwarden-prod-heal-targets', sweep)),
  );
  const brokenId = sqs.send(FAILED_EVENTS, '{"requestContext": {"functionArn": "arn:aws:lambda:ap-nor');
  return { drift, sweep, driftId, sweepId, brokenId };
}

describe('netwarden redrive failed-events', () => {
  it('leaves a record SQS moved in from another queue: whoever could send there wrote it', async () => {
    const event = loadEvent('cloudtrail/authorize-ingress-console-world-5432.json');
    const moved = sqs.send(
      FAILED_EVENTS,
      JSON.stringify(failedInvocation('netwarden-prod-revert-sg-drift', event)),
      {},
      'attacker-queue',
    );
    const { io, out } = captured();
    expect(await main(['redrive', 'failed-events', '--stage', 'prod', '--apply'], io)).toBe(1);
    expect(callsTo('Lambda', 'Invoke')).toEqual([]);
    expect(out[0]).toBe(
      `left ${moved}: not redriven: SQS moved it here from arn:aws:sqs:ap-northeast-2:111122223333:attacker-queue, so whoever could send there wrote it`,
    );
  });

  it('dry run (the default): says per message what it would invoke, and invokes and deletes nothing', async () => {
    const { driftId, sweepId, brokenId } = parkFailedEvents();
    const { io, out } = captured();

    const code = await main(['redrive', 'failed-events', '--stage', 'prod'], io);

    expect(out).toEqual([
      // Who and what each replayed body names, for the operator to read before --apply.
      `would invoke netwarden-prod-revert-sg-drift (async) with message ${driftId} (RetriesExhausted, after 3 attempts, TimeoutError: Connection timed out after 3000 ms): AuthorizeSecurityGroupIngress b34e9381-5c01-4bcd-859f-ba6cf5a64856 by alice@example.com via role AWSReservedSSO_AdministratorAccess_0123456789abcdef in the console from 203.0.113.45`,
      `would invoke netwarden-prod-heal-targets (async) with message ${sweepId} (RetriesExhausted, after 3 attempts, TimeoutError: Connection timed out after 3000 ms): aws.events "Scheduled Event" 0c3d7e4a-91b2-4f5e-8a6d-3e2f1b0c9d87`,
      `left ${brokenId}: malformed: the body is not JSON`,
      `${FAILED_EVENTS}: dry run, nothing changed: 2 would be redriven, 1 would be left; add --apply to redrive`,
    ]);
    // The malformed message needs a person: the exit code says so.
    expect(code).toBe(1);
    expect(callsTo('Lambda', 'Invoke')).toEqual([]);
    expect(callsTo('SQS', 'DeleteMessage')).toEqual([]);
    // All three are back in the queue and visible at once, ready for --apply.
    expect(sqs.messages(FAILED_EVENTS).map(({ messageId, visible }) => [messageId, visible])).toEqual([
      [driftId, true],
      [sweepId, true],
      [brokenId, true],
    ]);
  });

  it('--apply: invokes each function once with exactly its original payload, deletes only what Lambda accepted, leaves and reports the rest', async () => {
    const { drift, driftId, sweepId, brokenId } = parkFailedEvents();
    // A refusal the SDK does not retry (a throttle it would retry on its own, as it should).
    lambda.refuseNext(
      'netwarden-prod-heal-targets',
      'ResourceConflictException',
      'The function is being updated.',
      409,
    );
    const { io, out } = captured();

    const code = await main(['redrive', 'failed-events', '--stage', 'prod', '--apply'], io);

    expect(lambda.invocations).toEqual([
      { functionName: 'netwarden-prod-revert-sg-drift', invocationType: 'Event', payload: drift },
    ]);
    // heal-targets was asked once and refused: not retried behind the operator's back, not deleted.
    expect(
      callsTo('Lambda', 'Invoke').map((call) => (call.input as { FunctionName: string }).FunctionName),
    ).toEqual(['netwarden-prod-revert-sg-drift', 'netwarden-prod-heal-targets']);
    expect(callsTo('SQS', 'DeleteMessage')).toHaveLength(1);
    expect(sqs.messages(FAILED_EVENTS).map(({ messageId, visible }) => [messageId, visible])).toEqual([
      [sweepId, true],
      [brokenId, true],
    ]);
    expect(out).toEqual([
      `redriven ${driftId} to netwarden-prod-revert-sg-drift; deleted from ${FAILED_EVENTS}`,
      `left ${sweepId}: the invoke of netwarden-prod-heal-targets failed: The function is being updated.`,
      `left ${brokenId}: malformed: the body is not JSON`,
      `${FAILED_EVENTS}: 1 redriven, 2 left in the queue`,
    ]);
    expect(code).toBe(1);

    // After the cause is gone, a second run redrives what is left and still leaves the malformed one.
    const again = captured();
    expect(await main(['redrive', 'failed-events', '--stage', 'prod', '--apply'], again.io)).toBe(1);
    expect(lambda.invocations.map((invocation) => invocation.functionName)).toEqual([
      'netwarden-prod-revert-sg-drift',
      'netwarden-prod-heal-targets',
    ]);
    expect(sqs.messages(FAILED_EVENTS).map(({ messageId }) => messageId)).toEqual([brokenId]);
  });

  it('replays only into this stage’s own functions: a record naming any other function is left and reported', async () => {
    const event = loadEvent('schedule/daily-check.json');
    const otherStage = sqs.send(
      FAILED_EVENTS,
      JSON.stringify(failedInvocation('netwarden-dev-daily-check', event)),
    );
    const stranger = sqs.send(FAILED_EVENTS, JSON.stringify(failedInvocation('payments-settle', event)));
    const noPayload = sqs.send(
      FAILED_EVENTS,
      JSON.stringify({ requestContext: { functionArn: functionArn('netwarden-prod-daily-check') } }),
    );
    const { io, out } = captured();

    expect(await main(['redrive', 'failed-events', '--stage', 'prod', '--apply'], io)).toBe(1);

    expect(callsTo('Lambda', 'Invoke')).toEqual([]);
    expect(callsTo('SQS', 'DeleteMessage')).toEqual([]);
    expect(out).toEqual([
      `left ${otherStage}: not redriven: netwarden-dev-daily-check is not one of netwarden's prod functions`,
      `left ${stranger}: not redriven: payments-settle is not one of netwarden's prod functions`,
      `left ${noPayload}: malformed: not a Lambda destination record (requestContext.functionArn and requestPayload)`,
      `${FAILED_EVENTS}: 0 redriven, 3 left in the queue`,
    ]);
    expect(sqs.messages(FAILED_EVENTS)).toHaveLength(3);
  });

  it('stops at --limit messages and leaves the others untouched', async () => {
    parkFailedEvents();
    const { io, out } = captured();
    expect(await main(['redrive', 'failed-events', '--stage', 'prod', '--apply', '--limit', '1'], io)).toBe(
      0,
    );
    expect(lambda.invocations.map((invocation) => invocation.functionName)).toEqual([
      'netwarden-prod-revert-sg-drift',
    ]);
    expect(out.at(-1)).toBe(`${FAILED_EVENTS}: 1 redriven, 0 left in the queue`);
    expect(sqs.messages(FAILED_EVENTS).every((message) => message.visible)).toBe(true);
    expect(sqs.messages(FAILED_EVENTS)).toHaveLength(2);
  });
});

describe('netwarden redrive events-dlq', () => {
  const ruleArn = (name: string) => `arn:aws:events:ap-northeast-2:${ACCOUNT_ID}:rule/${name}`;

  it('invokes the target function with the undelivered event; an event for the notifications queue is left', async () => {
    const daily = loadEvent('schedule/daily-check.json');
    const dailyId = sqs.send(EVENTS_DLQ, JSON.stringify(daily), {
      RULE_ARN: ruleArn('netwarden-prod-daily-check'),
      TARGET_ARN: functionArn('netwarden-prod-daily-check').replace(/:\$LATEST$/, ''),
      ERROR_CODE: 'NO_PERMISSIONS',
      ERROR_MESSAGE: 'Lambda returned AccessDeniedException',
    });
    const alarmId = sqs.send(
      EVENTS_DLQ,
      JSON.stringify(loadEvent('cloudwatch/alarm-state-change-metric.json')),
      {
        RULE_ARN: ruleArn('netwarden-prod-alarm-state-change'),
        TARGET_ARN: `arn:aws:sqs:ap-northeast-2:${ACCOUNT_ID}:netwarden-prod-notifications`,
        ERROR_CODE: 'SDK_CLIENT_ERROR',
      },
    );

    const dry = captured();
    expect(await main(['redrive', 'events-dlq', '--stage', 'prod'], dry.io)).toBe(1);
    expect(dry.out[0]).toBe(
      `would invoke netwarden-prod-daily-check (async) with message ${dailyId} (NO_PERMISSIONS: Lambda returned AccessDeniedException): aws.events "Scheduled Event" 5b1e3c2a-8f4d-4e6b-9a7c-0d1e2f3a4b5c`,
    );
    expect(callsTo('Lambda', 'Invoke')).toEqual([]);

    const { io, out } = captured();
    expect(await main(['redrive', 'events-dlq', '--stage', 'prod', '--apply'], io)).toBe(1);
    expect(lambda.invocations).toEqual([
      { functionName: 'netwarden-prod-daily-check', invocationType: 'Event', payload: daily },
    ]);
    expect(out).toEqual([
      `redriven ${dailyId} to netwarden-prod-daily-check; deleted from ${EVENTS_DLQ}`,
      `left ${alarmId}: not redriven: its target is the queue arn:aws:sqs:ap-northeast-2:${ACCOUNT_ID}:netwarden-prod-notifications, which only its rule may send to (see docs/operations.md)`,
      `${EVENTS_DLQ}: 1 redriven, 1 left in the queue`,
    ]);
    expect(sqs.messages(EVENTS_DLQ).map(({ messageId }) => messageId)).toEqual([alarmId]);
  });
});

describe('netwarden redrive notifications-dlq', () => {
  it('never hands notify-slack a message that SQS did not move there from the notifications queue', async () => {
    const forged = sqs.send(NOTIFICATIONS_DLQ, '{"Type":"Notification","Message":"all clear"}');
    const elsewhere = sqs.send(NOTIFICATIONS_DLQ, '{"Type":"Notification"}', {}, 'attacker-queue');
    const genuine = sqs.send(
      NOTIFICATIONS_DLQ,
      '{"Type":"Notification","Message":"one"}',
      {},
      NOTIFICATIONS_QUEUE,
    );
    lambda.deploy('netwarden-prod-notify-slack', () => ({ batchItemFailures: [] }));

    const { io, out } = captured();
    expect(await main(['redrive', 'notifications-dlq', '--stage', 'prod', '--apply'], io)).toBe(1);

    expect(lambda.invocations).toHaveLength(1);
    const handed = lambda.invocations[0]?.payload as { Records: Array<{ messageId: string }> } | undefined;
    expect(handed?.Records.map((record) => record.messageId)).toEqual([genuine]);
    expect(sqs.messages(NOTIFICATIONS_DLQ).map(({ messageId }) => messageId)).toEqual([forged, elsewhere]);
    expect(out).toContain(
      `left ${forged}: not redriven: sent to the dead-letter queue directly, not moved there by SQS from netwarden-prod-notifications`,
    );
    expect(out).toContain(
      `left ${elsewhere}: not redriven: SQS moved it here from arn:aws:sqs:ap-northeast-2:111122223333:attacker-queue, not from netwarden-prod-notifications`,
    );
  });

  it('hands the parked messages to notify-slack as its SQS batch and deletes only those it posted', async () => {
    const bodies = [
      '{"Type":"Notification","Message":"one"}',
      '{"Type":"Notification","Message":"two"}',
      'three',
    ];
    const ids = bodies.map((body) => sqs.send(NOTIFICATIONS_DLQ, body, {}, NOTIFICATIONS_QUEUE));
    // Slack takes the first two; the third fails again.
    lambda.deploy('netwarden-prod-notify-slack', () => ({ batchItemFailures: [{ itemIdentifier: ids[2] }] }));

    const dry = captured();
    expect(await main(['redrive', 'notifications-dlq', '--stage', 'prod'], dry.io)).toBe(0);
    expect(callsTo('Lambda', 'Invoke')).toEqual([]);
    expect(sqs.messages(NOTIFICATIONS_DLQ).every((message) => message.visible)).toBe(true);

    const { io, out } = captured();
    expect(await main(['redrive', 'notifications-dlq', '--stage', 'prod', '--apply'], io)).toBe(1);

    expect(lambda.invocations).toHaveLength(1);
    expect(lambda.invocations[0]).toMatchObject({
      functionName: 'netwarden-prod-notify-slack',
      invocationType: 'RequestResponse',
      payload: {
        Records: ids.map((messageId, index) => ({ messageId, body: bodies[index], eventSource: 'aws:sqs' })),
      },
    });
    expect(sqs.messages(NOTIFICATIONS_DLQ).map(({ messageId, visible }) => [messageId, visible])).toEqual([
      [ids[2], true],
    ]);
    expect(out).toEqual([
      `redriven ${ids[0]} through netwarden-prod-notify-slack; deleted from ${NOTIFICATIONS_DLQ}`,
      `redriven ${ids[1]} through netwarden-prod-notify-slack; deleted from ${NOTIFICATIONS_DLQ}`,
      `left ${ids[2]}: netwarden-prod-notify-slack could not post it again`,
      `${NOTIFICATIONS_DLQ}: 2 redriven, 1 left in the queue`,
    ]);
  });

  it('leaves every message when notify-slack itself throws', async () => {
    const id = sqs.send(NOTIFICATIONS_DLQ, 'a', {}, NOTIFICATIONS_QUEUE);
    lambda.deploy('netwarden-prod-notify-slack', () => {
      throw new Error('SLACK_WEBHOOK_PARAMETER: expected an SSM parameter name');
    });
    const { io, out } = captured();
    expect(await main(['redrive', 'notifications-dlq', '--stage', 'prod', '--apply'], io)).toBe(1);
    expect(out[0]).toBe(
      `left ${id}: netwarden-prod-notify-slack threw (Unhandled): {"errorType":"Error","errorMessage":"SLACK_WEBHOOK_PARAMETER: expected an SSM parameter name"}`,
    );
    expect(callsTo('SQS', 'DeleteMessage')).toEqual([]);
    expect(sqs.messages(NOTIFICATIONS_DLQ)).toEqual([{ messageId: id, body: 'a', visible: true }]);
  });
});

describe('netwarden redrive usage', () => {
  it('refuses an unknown queue, a missing stage and a bad limit with the usage, before any AWS call', async () => {
    const usage =
      'usage: netwarden redrive failed-events|events-dlq|notifications-dlq --stage NAME [--apply] [--limit N]';
    delete process.env.NETWARDEN_STAGE;
    const unknown = captured();
    expect(await main(['redrive', 'dead-letters', '--stage', 'prod'], unknown.io)).toBe(2);
    expect(unknown.err).toEqual([`unknown queue "dead-letters"\n${usage}`]);
    const noStage = captured();
    expect(await main(['redrive', 'failed-events'], noStage.io)).toBe(2);
    expect(noStage.err).toEqual([
      `--stage needs the stage's name (letters, digits and dashes), got ""\n${usage}`,
    ]);
    const badLimit = captured();
    expect(await main(['redrive', 'failed-events', '--stage', 'prod', '--limit', '0'], badLimit.io)).toBe(2);
    expect(badLimit.err).toEqual([`--limit needs a whole number of messages, got "0"\n${usage}`]);
    expect(sim.current.account.calls).toEqual([]);
  });

  it('says so when the queue does not exist (wrong stage or region)', async () => {
    const { io, err } = captured();
    expect(await main(['redrive', 'failed-events', '--stage', 'qa'], io)).toBe(1);
    expect(err).toEqual(['redrive of failed-events stopped: The specified queue does not exist.']);
  });
});
