/**
 * What `netwarden redrive` would do with each parked message: pure decisions, no AWS. The three
 * queues park different things:
 *   failed-events      Lambda's destination record of an async invocation that failed every retry:
 *                      {requestContext: {functionArn, …}, requestPayload, responseContext, responsePayload}.
 *                      Redrive: invoke that function again, asynchronously, with requestPayload.
 *   events-dlq         An event EventBridge could not deliver: the body is the event itself, the
 *                      TARGET_ARN / RULE_ARN / ERROR_CODE message attributes say where it was going.
 *                      Redrive: invoke the target function asynchronously with the event.
 *   notifications-dlq  SQS messages notify-slack never got into Slack. Redrive: hand them to
 *                      notify-slack as the SQS batch it would have received (its queue's policy
 *                      refuses every other sender, so a re-send to that queue is not possible).
 * A message is only ever replayed into one of this stage's own functions: whatever names another
 * function is reported and left where it is, like any other message that cannot be read.
 */
import * as z from 'zod';
import { CloudTrailDetail } from '../events/cloudtrail';
import { eventIdOf } from '../events/event-id';
import { actorOf, describeActor } from '../sg/actor';

export const REDRIVE_QUEUES = ['failed-events', 'events-dlq', 'notifications-dlq'] as const;
export type RedriveQueue = (typeof REDRIVE_QUEUES)[number];

/** netwarden's functions, by the suffix of `netwarden-<stage>-<suffix>`. */
export const NETWARDEN_FUNCTIONS = [
  'revert-sg-drift',
  'heal-targets',
  'grant-access',
  'expire-grants',
  'notify-slack',
  'daily-check',
  'weekly-check',
] as const;

export function queueName(stage: string, queue: RedriveQueue): string {
  return `netwarden-${stage}-${queue}`;
}

export interface ParkedMessage {
  readonly messageId: string;
  readonly body: string;
  /** String message attributes (EventBridge's RULE_ARN, TARGET_ARN, ERROR_CODE …). */
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * SQS's own DeadLetterQueueSourceArn: set when SQS moved the message here from another queue after
   * too many receives, and by nobody else. Whoever may send to that queue chose the body.
   */
  readonly deadLetterSource?: string;
}

export type MessagePlan =
  | {
      readonly kind: 'invoke';
      readonly messageId: string;
      readonly functionName: string;
      readonly payload: unknown;
      /** Why it failed the first time, as the record says (for the operator, not for deciding). */
      readonly failure: string;
    }
  | { readonly kind: 'leave'; readonly messageId: string; readonly reason: string };

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/;

/** The function name in a Lambda function ARN that names one of this stage's functions, else why not. */
function ownFunction(arn: unknown, stage: string): { name: string } | { problem: string } {
  if (typeof arn !== 'string') return { problem: 'no function ARN' };
  const name = LAMBDA_ARN.exec(arn)?.[1];
  if (!name) return { problem: `${JSON.stringify(arn)} is not a Lambda function ARN` };
  const own = NETWARDEN_FUNCTIONS.some((suffix) => name === `netwarden-${stage}-${suffix}`);
  if (!own) return { problem: `${name} is not one of netwarden's ${stage} functions` };
  return { name };
}

const DestinationRecord = z.object({
  requestContext: z.object({
    functionArn: z.string(),
    condition: z.string().optional(),
    approximateInvokeCount: z.number().optional(),
  }),
  requestPayload: z.unknown(),
  responseContext: z.object({ functionError: z.string().optional() }).loose().optional(),
  responsePayload: z.unknown().optional(),
});

function parseJson(body: string): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(body) };
  } catch {
    return { problem: 'the body is not JSON' };
  }
}

function leave(message: ParkedMessage, reason: string): MessagePlan {
  return { kind: 'leave', messageId: message.messageId, reason };
}

/** Lambda and EventBridge send to these queues themselves; a message SQS moved in came from elsewhere. */
function movedInFromAnotherQueue(message: ParkedMessage): MessagePlan | undefined {
  return message.deadLetterSource
    ? leave(
        message,
        `not redriven: SQS moved it here from ${message.deadLetterSource}, so whoever could send there wrote it`,
      )
    : undefined;
}

/** notifications-dlq holds only what SQS moved from the notifications queue: anything sent to it directly is anyone's. */
export function notificationNotParkedBySqs(message: ParkedMessage, stage: string): string | undefined {
  if (message.deadLetterSource?.endsWith(`:netwarden-${stage}-notifications`)) return undefined;
  return message.deadLetterSource
    ? `not redriven: SQS moved it here from ${message.deadLetterSource}, not from netwarden-${stage}-notifications`
    : `not redriven: sent to the dead-letter queue directly, not moved there by SQS from netwarden-${stage}-notifications`;
}

function planFailedEvent(message: ParkedMessage, stage: string): MessagePlan {
  const moved = movedInFromAnotherQueue(message);
  if (moved) return moved;
  const json = parseJson(message.body);
  if ('problem' in json) return leave(message, `malformed: ${json.problem}`);
  const record = DestinationRecord.safeParse(json.value);
  if (!record.success || record.data.requestPayload === undefined)
    return leave(
      message,
      'malformed: not a Lambda destination record (requestContext.functionArn and requestPayload)',
    );
  const target = ownFunction(record.data.requestContext.functionArn, stage);
  if ('problem' in target) return leave(message, `not redriven: ${target.problem}`);
  const { condition, approximateInvokeCount } = record.data.requestContext;
  const error = record.data.responsePayload as { errorType?: unknown; errorMessage?: unknown } | undefined;
  const failure = [
    condition ?? 'failed',
    approximateInvokeCount === undefined ? undefined : `after ${approximateInvokeCount} attempts`,
    typeof error?.errorMessage === 'string'
      ? `${typeof error.errorType === 'string' ? `${error.errorType}: ` : ''}${error.errorMessage}`
      : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    kind: 'invoke',
    messageId: message.messageId,
    functionName: target.name,
    payload: record.data.requestPayload,
    failure,
  };
}

function planUndeliveredEvent(message: ParkedMessage, stage: string): MessagePlan {
  const moved = movedInFromAnotherQueue(message);
  if (moved) return moved;
  const json = parseJson(message.body);
  if ('problem' in json) return leave(message, `malformed: ${json.problem}`);
  if (typeof json.value !== 'object' || json.value === null || Array.isArray(json.value))
    return leave(message, 'malformed: the body is not an EventBridge event');
  const targetArn = message.attributes.TARGET_ARN;
  if (!targetArn) return leave(message, 'malformed: no TARGET_ARN attribute');
  // The alarm-state rule's target is notify-slack's queue, which only its rule may send to.
  if (/^arn:aws[a-z-]*:sqs:/.test(targetArn))
    return leave(
      message,
      `not redriven: its target is the queue ${targetArn}, which only its rule may send to (see docs/operations.md)`,
    );
  const target = ownFunction(targetArn, stage);
  if ('problem' in target) return leave(message, `not redriven: ${target.problem}`);
  const failure = [message.attributes.ERROR_CODE, message.attributes.ERROR_MESSAGE]
    .filter(Boolean)
    .join(': ');
  return {
    kind: 'invoke',
    messageId: message.messageId,
    functionName: target.name,
    payload: json.value,
    failure: failure || 'undelivered',
  };
}

/** One message of failed-events or events-dlq: invoke which function with what, or leave it and why. */
export function planMessage(
  queue: Exclude<RedriveQueue, 'notifications-dlq'>,
  message: ParkedMessage,
  stage: string,
): MessagePlan {
  return queue === 'failed-events' ? planFailedEvent(message, stage) : planUndeliveredEvent(message, stage);
}

/**
 * What a payload says it is, for the operator to read before `--apply`: a replayed body is whatever
 * the failing invocation was given, so the dry run shows who and what it names, not just an id.
 */
export function describePayload(payload: unknown): string {
  if (typeof payload !== 'object' || payload === null) return 'not an event object';
  const event = payload as { id?: unknown; source?: unknown; 'detail-type'?: unknown; detail?: unknown };
  // An API call is named as the drift guard's findings name it: the call, its id, and who made it how.
  const call = CloudTrailDetail.safeParse(event.detail);
  if (call.success)
    return `${call.data.eventName} ${eventIdOf(payload)} by ${describeActor(actorOf(call.data))}`;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '?');
  return `${text(event.source)} "${text(event['detail-type'])}" ${text(event.id)}`;
}
