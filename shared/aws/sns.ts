import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Finding, Publish } from '../findings/finding';

/** Publishes one JSON message per finding, with `kind` and `severity` as attributes for filter policies. */
export function snsPublisher(client: SNSClient, topicArn: string): Publish {
  return async (finding: Finding) => {
    await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify(finding),
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: finding.kind },
          severity: { DataType: 'String', StringValue: finding.severity },
        },
      }),
    );
  };
}
