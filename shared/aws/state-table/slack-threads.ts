/**
 * Slack threads in netwarden's state table (the contract: shared/slack/app.ts): one item per story,
 * pk `slack-thread#<story key>`, sk `first`, with the channel and the timestamp of the story's first
 * message. Claiming is a conditional put, so when two posts race to open the same story one wins and
 * the other is threaded under it. `ttl` removes a story nobody ended after 30 days. Only notify-slack
 * and the interaction function write these items (serverless.yml: their roles and the table's policy).
 */
import { DeleteItemCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { MessageRef, StoryEnds, ThreadStore } from '../../slack/app';
import { ABSENT, conditionalPut } from './conditional-put';

export const THREAD_KEY_PREFIX = 'slack-thread#';
/** A story left open this long is forgotten: its next message starts a new thread. */
export const THREAD_RETENTION_SECONDS = 30 * 86_400;

export function slackThreadStore(
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  now: () => Date,
): ThreadStore & StoryEnds {
  const key = (storyKey: string) => ({ pk: { S: `${THREAD_KEY_PREFIX}${storyKey}` }, sk: { S: 'first' } });
  return {
    async find(storyKey) {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(storyKey), ConsistentRead: true }),
      );
      const channel = Item?.channel?.S;
      const ts = Item?.ts?.S;
      const expires = Number(Item?.ttl?.N ?? Number.POSITIVE_INFINITY);
      // DynamoDB deletes expired items within days, not at once: an expired one is already forgotten.
      if (!channel || !ts || expires * 1000 <= now().getTime()) return undefined;
      return { channel, ts } satisfies MessageRef;
    },
    async claim(storyKey, ref) {
      const at = now();
      return conditionalPut(client, {
        TableName: tableName,
        Item: {
          ...key(storyKey),
          type: { S: 'slack-thread' },
          channel: { S: ref.channel },
          ts: { S: ref.ts },
          claimedAt: { S: at.toISOString() },
          ttl: { N: String(Math.floor(at.getTime() / 1000) + THREAD_RETENTION_SECONDS) },
        },
        // A story already opened keeps its first message, unless that one has expired.
        ConditionExpression: `${ABSENT} OR #ttl <= :now`,
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': { N: String(Math.floor(at.getTime() / 1000)) } },
      });
    },
    async release(storyKey) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: key(storyKey) }));
    },
  };
}
