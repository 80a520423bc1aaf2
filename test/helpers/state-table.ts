/**
 * One dynalite per test file and a fresh state table per test (see simulated-account/state-table.ts).
 * STATE_TABLE_NAME and AWS_ENDPOINT_URL_DYNAMODB point the real handlers (which build their own
 * clients) at it; both are restored afterwards.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { grantStore } from '../../shared/aws/state-table/grants';
import { createStateTable, type StateTable, startStateTable } from '../../simulated-account/state-table';

export { STATE_TABLE_KEYS, type StateTable } from '../../simulated-account/state-table';

export function useStateTable(): { readonly current: StateTable } {
  let server: Awaited<ReturnType<typeof startStateTable>> | undefined;
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
