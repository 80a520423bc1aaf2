/**
 * netwarden's state table for the simulated account: dynalite (a real DynamoDB implementation) in
 * process, on 127.0.0.1 at a random port. The key schema and index are serverless.yml's
 * (test/packaging/grants-template.test.ts holds the two together).
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { grantStore, LIVE_INDEX } from '../shared/aws/state-table/grants';
import { JOURNAL_INDEX } from '../shared/aws/state-table/journal';
import type { GrantStore } from '../shared/grants/record';

export const STATE_TABLE_KEYS = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'livePk', AttributeType: 'S' },
    { AttributeName: 'liveSk', AttributeType: 'S' },
    { AttributeName: 'timePk', AttributeType: 'S' },
    { AttributeName: 'timeSk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: LIVE_INDEX,
      KeySchema: [
        { AttributeName: 'livePk', KeyType: 'HASH' },
        { AttributeName: 'liveSk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: JOURNAL_INDEX,
      KeySchema: [
        { AttributeName: 'timePk', KeyType: 'HASH' },
        { AttributeName: 'timeSk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
} as const satisfies Omit<CreateTableCommandInput, 'TableName'>;

export interface StateTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly store: GrantStore;
}

let tables = 0;

export async function createStateTable(
  client: DynamoDBClient,
  prefix = 'netwarden-test-state',
): Promise<string> {
  tables += 1;
  const tableName = `${prefix}-${tables}`;
  await client.send(
    new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', ...STATE_TABLE_KEYS }),
  );
  return tableName;
}

/** Starts dynalite on 127.0.0.1:<random> and creates a state table in it. */
export async function startStateTable(prefix?: string): Promise<StateTable & { stop(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A forgotten table never keeps a process alive (the bench keeps one for its whole run).
  server.unref();
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'simulated', secretAccessKey: 'simulated' },
  });
  const tableName = await createStateTable(client, prefix);
  return {
    endpoint,
    tableName,
    client,
    store: grantStore(client, tableName),
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
