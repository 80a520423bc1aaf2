/**
 * Carries out `netwarden redrive`: receives every parked message once, plans it (plan.ts), and in a
 * dry run only says what it would do. Applied, a message is deleted only after its replay succeeded;
 * everything else — unreadable, not ours, a failed invoke — is made visible again and stays in the
 * queue, so the alarm keeps saying that something is left.
 */
import * as z from 'zod';
import { errorMessage } from '../errors';
import {
  describePayload,
  type MessagePlan,
  notificationNotParkedBySqs,
  type ParkedMessage,
  planMessage,
  queueName,
  type RedriveQueue,
} from './plan';

export interface ReceivedMessage extends ParkedMessage {
  readonly receiptHandle: string;
  readonly receiveCount: number;
}

export interface ParkedMessages {
  /** Up to 10 messages, hidden from every other receiver for `hideSeconds`. */
  receive(queueName: string, hideSeconds: number): Promise<ReceivedMessage[]>;
  delete(queueName: string, receiptHandle: string): Promise<void>;
  /** Visible again at once (visibility timeout 0). */
  release(queueName: string, receiptHandle: string): Promise<void>;
}

export interface FunctionInvoker {
  /** InvocationType Event: resolves once Lambda accepted the event, throws otherwise. */
  invokeAsync(functionName: string, payload: unknown): Promise<void>;
  /** InvocationType RequestResponse: the function's response, and its FunctionError if it threw. */
  invokeSync(functionName: string, payload: unknown): Promise<{ payload: unknown; functionError?: string }>;
}

export interface RedriveOptions {
  readonly stage: string;
  readonly apply: boolean;
  /** At most this many messages are looked at in one run. */
  readonly limit: number;
}

export interface RedriveReport {
  readonly lines: string[];
  readonly redriven: number;
  /** Would be redriven (dry run). */
  readonly ready: number;
  readonly left: number;
}

/** Long enough for a whole run: a message is looked at once, and released at the end if it stays. */
const HIDE_SECONDS = 900;

const BatchResponse = z.object({
  batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })),
});

export async function redrive(
  queue: RedriveQueue,
  options: RedriveOptions,
  deps: { queue: ParkedMessages; lambda: FunctionInvoker },
): Promise<RedriveReport> {
  const name = queueName(options.stage, queue);
  const lines: string[] = [];
  let redriven = 0;
  let ready = 0;
  let left = 0;
  const release: string[] = [];
  const seen = new Set<string>();
  const leaveMessage = (message: ReceivedMessage, reason: string) => {
    lines.push(`left ${message.messageId}: ${reason}`);
    left += 1;
    release.push(message.receiptHandle);
  };

  try {
    while (seen.size < options.limit) {
      const batch = (await deps.queue.receive(name, HIDE_SECONDS)).filter((message) => {
        // Seen already (its hiding ran out in a long run): looked at once is enough.
        if (seen.has(message.messageId)) release.push(message.receiptHandle);
        return !seen.has(message.messageId);
      });
      if (batch.length === 0) break;
      const room = batch.slice(0, options.limit - seen.size);
      for (const message of batch.slice(room.length)) release.push(message.receiptHandle);
      for (const message of room) seen.add(message.messageId);

      if (queue === 'notifications-dlq') {
        const genuine = room.filter((message) => {
          const problem = notificationNotParkedBySqs(message, options.stage);
          if (problem) leaveMessage(message, problem);
          return !problem;
        });
        const counts = await notifySlackBatch(genuine, options, deps, name, leaveMessage, lines, release);
        redriven += counts.redriven;
        ready += counts.ready;
        continue;
      }
      for (const message of room) {
        const plan: MessagePlan = planMessage(queue, message, options.stage);
        if (plan.kind === 'leave') {
          leaveMessage(message, plan.reason);
          continue;
        }
        if (!options.apply) {
          lines.push(
            `would invoke ${plan.functionName} (async) with message ${message.messageId} (${plan.failure}): ${describePayload(plan.payload)}`,
          );
          ready += 1;
          release.push(message.receiptHandle);
          continue;
        }
        try {
          await deps.lambda.invokeAsync(plan.functionName, plan.payload);
        } catch (error) {
          leaveMessage(message, `the invoke of ${plan.functionName} failed: ${errorMessage(error)}`);
          continue;
        }
        await deps.queue.delete(name, message.receiptHandle);
        lines.push(`redriven ${message.messageId} to ${plan.functionName}; deleted from ${name}`);
        redriven += 1;
      }
    }
  } finally {
    for (const handle of release) await deps.queue.release(name, handle);
  }

  lines.push(
    options.apply
      ? `${name}: ${redriven} redriven, ${left} left in the queue`
      : `${name}: dry run, nothing changed: ${ready} would be redriven, ${left} would be left; add --apply to redrive`,
  );
  return { lines, redriven, ready, left };
}

/** notify-slack takes its messages as the SQS batch it would have had, and says which failed again. */
async function notifySlackBatch(
  batch: ReceivedMessage[],
  options: RedriveOptions,
  deps: { queue: ParkedMessages; lambda: FunctionInvoker },
  name: string,
  leaveMessage: (message: ReceivedMessage, reason: string) => void,
  lines: string[],
  release: string[],
): Promise<{ redriven: number; ready: number }> {
  const functionName = `netwarden-${options.stage}-notify-slack`;
  if (!options.apply) {
    for (const message of batch) {
      lines.push(`would hand message ${message.messageId} to ${functionName}`);
      release.push(message.receiptHandle);
    }
    return { redriven: 0, ready: batch.length };
  }
  const event = {
    Records: batch.map((message) => ({
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: { ApproximateReceiveCount: String(message.receiveCount) },
      messageAttributes: {},
      eventSource: 'aws:sqs',
    })),
  };
  let failed: Set<string>;
  try {
    const response = await deps.lambda.invokeSync(functionName, event);
    if (response.functionError)
      throw new Error(
        `${functionName} threw (${response.functionError}): ${JSON.stringify(response.payload)}`,
      );
    const parsed = BatchResponse.safeParse(response.payload);
    if (!parsed.success) throw new Error(`${functionName} answered without batchItemFailures`);
    failed = new Set(parsed.data.batchItemFailures.map((failure) => failure.itemIdentifier));
  } catch (error) {
    for (const message of batch) leaveMessage(message, errorMessage(error));
    return { redriven: 0, ready: 0 };
  }
  let redriven = 0;
  for (const message of batch) {
    if (failed.has(message.messageId)) {
      leaveMessage(message, `${functionName} could not post it again`);
      continue;
    }
    await deps.queue.delete(name, message.receiptHandle);
    lines.push(`redriven ${message.messageId} through ${functionName}; deleted from ${name}`);
    redriven += 1;
  }
  return { redriven, ready: 0 };
}
