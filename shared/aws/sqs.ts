/**
 * SQS calls of `netwarden redrive`, with the operator's own credentials: receive, delete and release
 * messages on the parked queue. Used by the CLI only (no handler imports it).
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { ParkedMessages, ReceivedMessage } from '../redrive/redrive';
import { sqsClient } from './clients/sqs';

export function redriveQueue(): ParkedMessages {
  const urls = new Map<string, Promise<string>>();
  const urlOf = (name: string): Promise<string> => {
    let url = urls.get(name);
    if (!url) {
      url = sqsClient()
        .send(new GetQueueUrlCommand({ QueueName: name }))
        .then((output) => {
          if (!output.QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${name}`);
          return output.QueueUrl;
        });
      urls.set(name, url);
    }
    return url;
  };
  return {
    async receive(name, hideSeconds) {
      const output = await sqsClient().send(
        new ReceiveMessageCommand({
          QueueUrl: await urlOf(name),
          MaxNumberOfMessages: 10,
          VisibilityTimeout: hideSeconds,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'DeadLetterQueueSourceArn'],
        }),
      );
      return (output.Messages ?? []).flatMap((message): ReceivedMessage[] => {
        if (!message.MessageId || !message.ReceiptHandle) return [];
        const attributes = Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).flatMap(([key, value]) =>
            value.StringValue === undefined ? [] : [[key, value.StringValue]],
          ),
        );
        return [
          {
            messageId: message.MessageId,
            receiptHandle: message.ReceiptHandle,
            body: message.Body ?? '',
            attributes,
            ...(message.Attributes?.DeadLetterQueueSourceArn
              ? { deadLetterSource: message.Attributes.DeadLetterQueueSourceArn }
              : {}),
            receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? '1'),
          },
        ];
      });
    },
    async delete(name, receiptHandle) {
      await sqsClient().send(
        new DeleteMessageCommand({ QueueUrl: await urlOf(name), ReceiptHandle: receiptHandle }),
      );
    },
    async release(name, receiptHandle) {
      await sqsClient().send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: await urlOf(name),
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    },
  };
}
