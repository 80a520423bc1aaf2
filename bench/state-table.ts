/**
 * One state table (dynalite on 127.0.0.1) for the whole bench. The handlers read STATE_TABLE_NAME at
 * cold start and their SDK clients (module singletons) keep the endpoint they were built with, so the
 * table must exist before the first handler loads and outlive every capability.
 */
import { startStateTable } from '../simulated-account/state-table';

let shared: ReturnType<typeof startStateTable> | undefined;

export async function benchStateTable() {
  shared ??= startStateTable('netwarden-bench-state');
  const table = await shared;
  process.env.STATE_TABLE_NAME = table.tableName;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = table.endpoint;
  return table;
}
