/**
 * Repeat suppression (shared/findings/repeats.ts) in netwarden's state table: one item per function
 * and subject, pk `repeat#<function>#<subject>`, sk `last`, with the fingerprint last told and when.
 * Deciding and remembering is one conditional write, so two invocations at once tell the news once.
 * `ttl` removes the item once its window has passed (plus a day).
 */
import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RepeatGate } from '../../findings/repeats';
import { ABSENT, conditionalPut } from './conditional-put';

export const REPEAT_KEY_PREFIX = 'repeat#';

export function stateTableRepeats(
  client: DynamoDBClient,
  tableName: string,
  owner: string,
  repeatAfterMs: number,
): RepeatGate {
  const key = (subject: string) => ({
    pk: { S: `${REPEAT_KEY_PREFIX}${owner}#${subject}` },
    sk: { S: 'last' },
  });

  /** Records `fingerprint` as told at `now` unless it is a repeat; true if it was recorded. */
  async function tell(subject: string, fingerprint: string, now: Date): Promise<boolean> {
    return conditionalPut(client, {
      TableName: tableName,
      Item: {
        ...key(subject),
        type: { S: 'repeat' },
        fingerprint: { S: fingerprint },
        toldAt: { N: String(now.getTime()) },
        ttl: { N: String(Math.floor((now.getTime() + repeatAfterMs) / 1000) + 86_400) },
      },
      // News: nothing told yet, something else told, or the window since the telling has passed.
      ConditionExpression: `${ABSENT} OR fingerprint <> :fingerprint OR toldAt <= :windowStart`,
      ExpressionAttributeValues: {
        ':fingerprint': { S: fingerprint },
        ':windowStart': { N: String(now.getTime() - repeatAfterMs) },
      },
    });
  }

  return {
    shouldPublish: tell,
    async remember(subject, fingerprint, now) {
      await tell(subject, fingerprint, now);
    },
    async clear(subject) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: key(subject) }));
    },
  };
}
