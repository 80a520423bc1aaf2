import { createHash } from 'node:crypto';
/**
 * SQS queues of the simulated account, with visibility timeouts on the account's clock: a received
 * message is hidden until its timeout runs out or ChangeMessageVisibility sets it to 0, and only the
 * receipt handle of its latest receive deletes it, as in SQS.
 */
import {
  ChangeMessageVisibilityCommand,
  type ChangeMessageVisibilityCommandInput,
  DeleteMessageCommand,
  type DeleteMessageCommandInput,
  GetQueueUrlCommand,
  type GetQueueUrlCommandInput,
  type Message,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SimulatedAccount } from './account';
import { awsError } from './errors';

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  receiptHandle?: string;
  receiveCount: number;
  visibleAt: number;
  readonly deadLetterSource: string | undefined;
}

export interface SqsState {
  /**
   * Puts a message in a queue (created on first use), as a service would park it; `movedFrom` names
   * the queue SQS moved it from (its DeadLetterQueueSourceArn). Returns its id.
   */
  send(queueName: string, body: string, attributes?: Record<string, string>, movedFrom?: string): string;
  /** What the queue holds now, visible or not, oldest first. */
  messages(queueName: string): ReadonlyArray<{ messageId: string; body: string; visible: boolean }>;
}

export function installSqs(account: SimulatedAccount): SqsState {
  const queues = new Map<string, StoredMessage[]>();
  const urlPrefix = `https://sqs.${account.region}.amazonaws.com/${account.accountId}/`;
  const queueOf = (url: string | undefined): StoredMessage[] => {
    const name = url?.startsWith(urlPrefix) ? url.slice(urlPrefix.length) : undefined;
    const queue = name === undefined ? undefined : queues.get(name);
    if (!queue) throw awsError('QueueDoesNotExist', 'The specified queue does not exist.', 400);
    return queue;
  };
  const byHandle = (queue: StoredMessage[], handle: string | undefined): StoredMessage => {
    const message = queue.find((candidate) => handle !== undefined && candidate.receiptHandle === handle);
    if (!message)
      throw awsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not valid.`, 400);
    return message;
  };

  account.handle(SQSClient, GetQueueUrlCommand, (input: GetQueueUrlCommandInput) => {
    if (!queues.has(input.QueueName ?? ''))
      throw awsError('QueueDoesNotExist', 'The specified queue does not exist.', 400);
    return { QueueUrl: `${urlPrefix}${input.QueueName}` };
  });
  account.handle(SQSClient, ReceiveMessageCommand, (input: ReceiveMessageCommandInput) => {
    const queue = queueOf(input.QueueUrl);
    const now = account.clock.now().getTime();
    const wanted = Math.min(input.MaxNumberOfMessages ?? 1, 10);
    const received = queue.filter((message) => message.visibleAt <= now).slice(0, wanted);
    const messages: Message[] = received.map((message) => {
      message.receiveCount += 1;
      message.receiptHandle = account.newId('rh', 24);
      message.visibleAt = now + (input.VisibilityTimeout ?? 30) * 1000;
      return {
        MessageId: message.messageId,
        ReceiptHandle: message.receiptHandle,
        Body: message.body,
        // As SQS does; the SDK checks it and refuses a batch whose bodies do not match.
        MD5OfBody: createHash('md5').update(message.body).digest('hex'),
        Attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          ...(message.deadLetterSource ? { DeadLetterQueueSourceArn: message.deadLetterSource } : {}),
        },
        ...(Object.keys(message.attributes).length > 0
          ? {
              MessageAttributes: Object.fromEntries(
                Object.entries(message.attributes).map(([key, value]) => [
                  key,
                  { DataType: 'String', StringValue: value },
                ]),
              ),
            }
          : {}),
      };
    });
    return messages.length > 0 ? { Messages: messages } : {};
  });
  account.handle(SQSClient, DeleteMessageCommand, (input: DeleteMessageCommandInput) => {
    const queue = queueOf(input.QueueUrl);
    queue.splice(queue.indexOf(byHandle(queue, input.ReceiptHandle)), 1);
    return {};
  });
  account.handle(SQSClient, ChangeMessageVisibilityCommand, (input: ChangeMessageVisibilityCommandInput) => {
    const message = byHandle(queueOf(input.QueueUrl), input.ReceiptHandle);
    message.visibleAt = account.clock.now().getTime() + (input.VisibilityTimeout ?? 0) * 1000;
    return {};
  });

  return {
    send(queueName, body, attributes = {}, movedFrom) {
      const queue = queues.get(queueName) ?? [];
      queues.set(queueName, queue);
      const messageId = account.newId('msg', 12);
      const deadLetterSource = movedFrom
        ? `arn:aws:sqs:${account.region}:${account.accountId}:${movedFrom}`
        : undefined;
      queue.push({ messageId, body, attributes, receiveCount: 0, visibleAt: 0, deadLetterSource });
      return messageId;
    },
    messages(queueName) {
      const now = account.clock.now().getTime();
      return (queues.get(queueName) ?? []).map((message) => ({
        messageId: message.messageId,
        body: message.body,
        visible: message.visibleAt <= now,
      }));
    },
  };
}
