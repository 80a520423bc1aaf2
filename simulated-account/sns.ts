import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import type { SimulatedAccount } from './account';

export interface PublishedMessage {
  readonly topicArn: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

/** SNS Publish, kept in order so tests and the demo can read every finding netwarden sent. */
export function installSns(account: SimulatedAccount): PublishedMessage[] {
  const published: PublishedMessage[] = [];
  account.handle(SNSClient, PublishCommand, (input: PublishCommandInput) => {
    const attributes = Object.fromEntries(
      Object.entries(input.MessageAttributes ?? {}).map(([key, value]) => [key, value.StringValue ?? '']),
    );
    published.push({ topicArn: input.TopicArn ?? '', message: input.Message ?? '', attributes });
    return { MessageId: account.newId('msg', 12) };
  });
  return published;
}
