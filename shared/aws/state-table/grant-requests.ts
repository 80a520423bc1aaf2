/**
 * Grant requests asked for in Slack, in netwarden's state table (the contract: shared/grants/approval.ts):
 * pk `grant-request#<id>`, sk `request`, the record as JSON beside its `state` and `version`. Every
 * write is conditional on the version read, so two approvers at once, a double press or Slack's retry
 * move a request once. A pending request sits in the sparse `live-by-expiry` index under livePk
 * `grant-request#pending` (sorted by its answer deadline), an approved one (being granted) under
 * `grant-request#approved` (sorted by when it was approved) and a granted one under
 * `grant-request#granted` (sorted by its grant's expiry), so expire-grants finds the due ones with one
 * query each, never a scan; any other state leaves the index and gets a `ttl` (kept 90 days as a trail).
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
} from '@aws-sdk/client-dynamodb';
import {
  canMove,
  type GrantRequestRecord,
  type GrantRequestStore,
  RequestConflict,
  type RequestState,
} from '../../grants/approval';
import { LIVE_INDEX } from './grants';

export const REQUEST_KEY_PREFIX = 'grant-request#';
const RETENTION_SECONDS = 90 * 86_400;
type Item = Record<string, AttributeValue>;

const keyOf = (id: string): Item => ({ pk: { S: `${REQUEST_KEY_PREFIX}${id}` }, sk: { S: 'request' } });
const indexPk = (state: 'pending' | 'approved' | 'granted') => `${REQUEST_KEY_PREFIX}${state}`;

const DATES = ['requestedAt', 'answerBy', 'answeredAt', 'expiresAt', 'warnedAt', 'workTakenAt'] as const;

function fromItem(item: Item): GrantRequestRecord {
  const raw = JSON.parse(item.request?.S ?? '{}') as Record<string, unknown>;
  for (const field of DATES) if (typeof raw[field] === 'string') raw[field] = new Date(raw[field]);
  return { ...raw, state: item.state?.S, version: Number(item.version?.N) } as unknown as GrantRequestRecord;
}

function toItem(record: GrantRequestRecord, now: Date): Item {
  const { state, version, ...rest } = record;
  const since = (record.answeredAt ?? record.requestedAt).toISOString();
  const indexed =
    state === 'pending'
      ? { livePk: { S: indexPk('pending') }, liveSk: { S: `${record.answerBy.toISOString()}#${record.id}` } }
      : state === 'approved'
        ? { livePk: { S: indexPk('approved') }, liveSk: { S: `${since}#${record.id}` } }
        : state === 'granted' && record.expiresAt
          ? {
              livePk: { S: indexPk('granted') },
              liveSk: { S: `${record.expiresAt.toISOString()}#${record.id}` },
            }
          : undefined;
  return {
    ...keyOf(record.id),
    type: { S: 'grant-request' },
    state: { S: state },
    version: { N: String(version) },
    request: { S: JSON.stringify(rest) },
    ...(indexed ?? { ttl: { N: String(Math.floor(now.getTime() / 1000) + RETENTION_SECONDS) } }),
  };
}

export function grantRequestStore(
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  now: () => Date,
): GrantRequestStore {
  async function put(record: GrantRequestRecord, condition: 'new' | GrantRequestRecord) {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: toItem(record, now()),
          ...(condition === 'new'
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :version AND #state = :state',
                ExpressionAttributeNames: { '#version': 'version', '#state': 'state' },
                ExpressionAttributeValues: {
                  ':version': { N: String(condition.version) },
                  ':state': { S: condition.state },
                },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new RequestConflict(`grant request ${record.id} changed meanwhile`, { cause: error });
      throw error;
    }
    return record;
  }
  return {
    create: (record) => put({ ...record, version: 0 }, 'new'),
    async get(id) {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: keyOf(id), ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    },
    move(record, to: RequestState, changes = {}) {
      if (!canMove(record.state, to))
        throw new Error(`grant request ${record.id} cannot move from ${record.state} to ${to}`);
      return put({ ...record, ...changes, state: to, version: record.version + 1 }, record);
    },
    update: (record, changes) => put({ ...record, ...changes, version: record.version + 1 }, record),
    async due(state, by) {
      const found: GrantRequestRecord[] = [];
      const pages = paginateQuery(
        { client: client as DynamoDBClient },
        {
          TableName: tableName,
          IndexName: LIVE_INDEX,
          KeyConditionExpression: 'livePk = :pk AND liveSk < :upper',
          ExpressionAttributeValues: {
            ':pk': { S: indexPk(state) },
            // '~' sorts after every character of an id: every request due at or before `by`.
            ':upper': { S: `${by.toISOString()}~` },
          },
        },
      );
      for await (const page of pages) for (const item of page.Items ?? []) found.push(fromItem(item));
      return found.filter((record) => record.state === state);
    },
  };
}
