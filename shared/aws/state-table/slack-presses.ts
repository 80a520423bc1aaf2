/**
 * Button presses in netwarden's state table (the contract: shared/slack/interaction.ts): one item per
 * press key, pk `slack-press#<channel>#<message ts>#<action>#<reference>`, sk `press`, with who pressed
 * it first. The put is conditional on the item being absent, so of a double press, Slack's retried
 * delivery or two people at once exactly one acts; the others read who did. `ttl` lets DynamoDB forget
 * a press after 30 days (a Slack message's buttons are long answered by then).
 */
import { DeleteItemCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { PressLedger } from '../../slack/interaction';
import { ABSENT, conditionalPut } from './conditional-put';

export const PRESS_KEY_PREFIX = 'slack-press#';
export const PRESS_RETENTION_SECONDS = 30 * 86_400;

export function slackPressLedger(
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  now: () => Date,
): PressLedger {
  const key = (pressKey: string) => ({ pk: { S: `${PRESS_KEY_PREFIX}${pressKey}` }, sk: { S: 'press' } });
  return {
    async claim(pressKey, by) {
      const first = await conditionalPut(client, {
        TableName: tableName,
        Item: {
          ...key(pressKey),
          type: { S: 'slack-press' },
          person: { S: by.person },
          userId: { S: by.userId },
          at: { S: by.at },
          ttl: { N: String(Math.floor(now().getTime() / 1000) + PRESS_RETENTION_SECONDS) },
        },
        ConditionExpression: ABSENT,
      });
      if (first) return true;
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(pressKey), ConsistentRead: true }),
      );
      return {
        person: Item?.person?.S ?? 'someone',
        userId: Item?.userId?.S ?? '?',
        at: Item?.at?.S ?? '?',
      };
    },
    async release(pressKey) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: key(pressKey) }));
    },
  };
}
