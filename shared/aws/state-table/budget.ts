/**
 * The blast-radius budget's count (shared/safety/budget.ts) in netwarden's state table: one item per
 * account and window, pk `budget#<account>`, sk the window's start (ISO 8601), with `total` (the
 * window's writes) and one attribute `g#<group>` per group written in the window. A charge is ONE
 * conditional UpdateItem (ADD 1 to both, if both are under their limits), so containers and concurrent
 * invocations share one count and no two of them can both take the last write. A refused charge reads
 * the item once (consistently) to say what was done. Marks the window's one
 * `safety.budget-exhausted` finding (`noticeSent`); `ttl` removes the item a day after its window.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { BudgetCounter, BudgetUsage, BudgetWindow } from '../../safety/budget';

export const BUDGET_KEY_PREFIX = 'budget#';
export const GROUP_PREFIX = 'g#';
const RETENTION_SECONDS = 86_400;

export function stateTableBudget(client: DynamoDBClient, tableName: string): BudgetCounter {
  const key = (account: string, window: BudgetWindow): Record<string, AttributeValue> => ({
    pk: { S: `${BUDGET_KEY_PREFIX}${account}` },
    sk: { S: window.start.toISOString() },
  });

  function usageOf(item: Record<string, AttributeValue> | undefined): BudgetUsage {
    const groups: Record<string, number> = {};
    for (const [name, value] of Object.entries(item ?? {}))
      if (name.startsWith(GROUP_PREFIX) && value.N !== undefined)
        groups[name.slice(GROUP_PREFIX.length)] = Number(value.N);
    return { total: Number(item?.total?.N ?? '0'), groups };
  }

  return {
    async charge(scope, window, limits) {
      try {
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(scope.account, window),
            UpdateExpression: 'ADD #total :one, #group :one SET #type = :type, #ttl = :ttl',
            ConditionExpression:
              '(attribute_not_exists(#total) OR #total < :perAccount) AND (attribute_not_exists(#group) OR #group < :perGroup)',
            ExpressionAttributeNames: {
              '#total': 'total',
              '#group': `${GROUP_PREFIX}${scope.group}`,
              '#type': 'type',
              '#ttl': 'ttl',
            },
            ExpressionAttributeValues: {
              ':one': { N: '1' },
              ':perAccount': { N: String(limits.perAccount) },
              ':perGroup': { N: String(limits.perGroup) },
              ':type': { S: 'budget' },
              ':ttl': { N: String(Math.floor(window.end.getTime() / 1000) + RETENTION_SECONDS) },
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { granted: true, usage: usageOf(Attributes) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(scope.account, window), ConsistentRead: true }),
      );
      const usage = usageOf(Item);
      return { granted: false, exhausted: usage.total >= limits.perAccount ? 'account' : 'group', usage };
    },

    async claimNotice(account, window) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(account, window),
            UpdateExpression: 'SET noticeSent = :sent',
            ConditionExpression: 'attribute_not_exists(noticeSent)',
            ExpressionAttributeValues: { ':sent': { BOOL: true } },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
