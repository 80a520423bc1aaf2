/**
 * `netwarden redrive`'s AWS calls, with the operator's own credentials: SQS receive/delete/release on
 * the parked queue, Lambda Invoke of netwarden's functions. Used by the CLI only (no handler imports it).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { InvokePort, ReceivedMessage, RedriveQueuePort } from '../redrive/redrive';
import { WRITER_RETRIES } from './clients';

let sqs: SQSClient | undefined;
let lambda: LambdaClient | undefined;
const sqsClient = (): SQSClient => {
  sqs ??= new SQSClient(WRITER_RETRIES);
  return sqs;
};
const lambdaClient = (): LambdaClient => {
  lambda ??= new LambdaClient(WRITER_RETRIES);
  return lambda;
};

export function redriveQueue(): RedriveQueuePort {
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

export function redriveInvoker(): InvokePort {
  return {
    async invokeAsync(functionName, payload) {
      const output = await lambdaClient().send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      if (output.StatusCode !== 202)
        throw new Error(`Lambda answered ${String(output.StatusCode)} instead of 202 Accepted`);
    },
    async invokeSync(functionName, payload) {
      const output = await lambdaClient().send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      const text = output.Payload ? new TextDecoder().decode(output.Payload) : '';
      let response: unknown = text;
      try {
        response = text === '' ? null : JSON.parse(text);
      } catch {
        // Not JSON: handed back as the text it is.
      }
      return { payload: response, ...(output.FunctionError ? { functionError: output.FunctionError } : {}) };
    },
  };
}
