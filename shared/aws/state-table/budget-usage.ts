/**
 * What `netwarden status` reads of the blast-radius budget: one account's count in one window, as the
 * write gate keeps it (shared/aws/state-table/budget.ts: pk `budget#<account>`, sk the window's start).
 * One consistent GetItem; no item means no write in the window.
 */
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { BudgetUsage, BudgetWindow } from '../../safety/budget';
import { BUDGET_KEY_PREFIX, GROUP_PREFIX } from './budget';

export async function readBudgetUsage(
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  account: string,
  window: BudgetWindow,
): Promise<BudgetUsage> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: `${BUDGET_KEY_PREFIX}${account}` }, sk: { S: window.start.toISOString() } },
      ConsistentRead: true,
    }),
  );
  const groups: Record<string, number> = {};
  for (const [name, value] of Object.entries(Item ?? {}))
    if (name.startsWith(GROUP_PREFIX) && value.N !== undefined)
      groups[name.slice(GROUP_PREFIX.length)] = Number(value.N);
  return { total: Number(Item?.total?.N ?? '0'), groups };
}
