/**
 * netwarden's state table on dynalite (a real DynamoDB implementation) listening on 127.0.0.1 at a
 * random port. The key schema and index are serverless.yml's (test/packaging/grants-template.test.ts
 * holds the two together).
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { grantStore, LIVE_INDEX } from '../../shared/aws/state-table';
import type { GrantStore } from '../../shared/grants/record';

export const STATE_TABLE_KEYS = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'livePk', AttributeType: 'S' },
    { AttributeName: 'liveSk', AttributeType: 'S' },
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
  ],
} as const satisfies Omit<CreateTableCommandInput, 'TableName'>;

export interface StateTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly store: GrantStore;
}

let tables = 0;

/** Starts dynalite on 127.0.0.1:<random> and creates a state table in it. */
export async function startStateTable(): Promise<StateTable & { stop(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const tableName = await createStateTable(client);
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

export async function createStateTable(client: DynamoDBClient): Promise<string> {
  tables += 1;
  const tableName = `netwarden-test-state-${tables}`;
  await client.send(
    new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', ...STATE_TABLE_KEYS }),
  );
  return tableName;
}

/**
 * One dynalite per test file and a fresh table per test. STATE_TABLE_NAME and AWS_ENDPOINT_URL_DYNAMODB
 * point the real handlers (which build their own clients) at it; restored afterwards.
 */
export function useStateTable(): { readonly current: StateTable } {
  let server: (StateTable & { stop(): Promise<void> }) | undefined;
  let current: StateTable | undefined;
  const saved = { table: process.env.STATE_TABLE_NAME, endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB };
  beforeAll(async () => {
    server = await startStateTable();
  });
  afterAll(async () => {
    await server?.stop();
    if (saved.table === undefined) delete process.env.STATE_TABLE_NAME;
    else process.env.STATE_TABLE_NAME = saved.table;
    if (saved.endpoint === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    else process.env.AWS_ENDPOINT_URL_DYNAMODB = saved.endpoint;
  });
  beforeEach(async () => {
    if (!server) throw new Error('dynalite did not start');
    const tableName = await createStateTable(server.client);
    current = { ...server, tableName, store: grantStore(server.client, tableName) };
    process.env.STATE_TABLE_NAME = tableName;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = server.endpoint;
  });
  return {
    get current(): StateTable {
      if (!current) throw new Error('useStateTable() is only available inside a test');
      return current;
    },
  };
}
