/**
 * The state table's conditional put (shared/aws/state-table/conditional-put.ts) on dynalite: written
 * once, then "someone was first" as false with the first item kept; any other error thrown as it came.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { expect, it } from 'vitest';
import { ABSENT, conditionalPut } from '../../../shared/aws/state-table/conditional-put';
import { useStateTable } from '../../helpers/state-table';

const table = useStateTable();
const key = { pk: { S: 'test#conditional-put' }, sk: { S: 'one' } };

it('writes a new item, then answers false and keeps the first when the condition no longer holds', async () => {
  const { client, tableName } = table.current;
  const put = (who: string) =>
    conditionalPut(client, {
      TableName: tableName,
      Item: { ...key, who: { S: who } },
      ConditionExpression: ABSENT,
    });

  expect(await put('first')).toBe(true);
  expect(await put('second')).toBe(false);

  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
  );
  expect(Item?.who?.S).toBe('first');
});

it('throws any other error as DynamoDB gave it: only a failed condition is an answer', async () => {
  const { client } = table.current;

  await expect(
    conditionalPut(client, { TableName: 'no-such-table', Item: key, ConditionExpression: ABSENT }),
  ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
});
