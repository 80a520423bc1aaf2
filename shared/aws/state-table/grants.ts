/**
 * netwarden's state table (one per stage, declared in serverless.yml): generic `pk`/`sk` string keys so
 * that later state (idempotency keys, repeat suppression, Slack thread refs) can live beside grants,
 * and a sparse index `live-by-expiry` that holds only open grants, ordered by expiry.
 *
 * A grant item: pk `grant#<groupId>`, sk `<direction>|<protocol>|<from>|<to>|<peer>` (its access),
 * livePk `grant#live` and liveSk `<expiresAt ISO>#<groupId>#<sk>` while it is open. Closing removes
 * livePk/liveSk (so it leaves the index) and sets `ttl`, so the audit trail ages out on its own.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  accessKey,
  GrantConflict,
  type GrantRecord,
  type GrantStatus,
  type GrantStore,
} from '../../grants/record';
import type { Direction, Peer } from '../../rules/rule';

export const LIVE_INDEX = 'live-by-expiry';
const LIVE_PK = 'grant#live';
/** Closed grants stay readable this long, then DynamoDB's TTL removes them. */
const CLOSED_RETENTION_SECONDS = 90 * 86_400;

type Item = Record<string, AttributeValue>;

/**
 * A member account's grants are keyed by account too (security group ids are per account); the central
 * account's keep the key they always had, so records written before organisations read unchanged.
 */
const pkOf = (groupId: string, account?: string) =>
  account ? `grant#${account}#${groupId}` : `grant#${groupId}`;
const liveSkOf = (record: { expiresAt: Date; groupId: string; access: GrantRecord['access'] }) =>
  `${record.expiresAt.toISOString()}#${record.groupId}#${accessKey(record.access)}`;
const keyOf = (record: Pick<GrantRecord, 'groupId' | 'access' | 'account'>): Item => ({
  pk: { S: pkOf(record.groupId, record.account) },
  sk: { S: accessKey(record.access) },
});

function peerItem(peer: Peer): Item {
  switch (peer.type) {
    case 'ipv4':
    case 'ipv6':
      return { peerType: { S: peer.type }, peer: { S: peer.cidr } };
    case 'prefix-list':
      return { peerType: { S: peer.type }, peer: { S: peer.prefixListId } };
    case 'security-group':
      return { peerType: { S: peer.type }, peer: { S: peer.groupId } };
  }
}

function peerOf(type: string, value: string): Peer {
  if (type === 'ipv4' || type === 'ipv6') return { type, cidr: value };
  if (type === 'prefix-list') return { type, prefixListId: value };
  return { type: 'security-group', groupId: value };
}

function text(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`state table item ${item.pk?.S}/${item.sk?.S} has no ${name}`);
  return value;
}
const number = (item: Item, name: string): number => Number(item[name]?.N ?? Number.NaN);
const date = (item: Item, name: string): Date => new Date(text(item, name));

export function recordFromItem(item: Item): GrantRecord {
  const groupId = text(item, 'groupId');
  const warnedAt = item.warnedAt?.S;
  const ruleId = item.ruleId?.S;
  const extendedBy = item.extendedBy?.S;
  const account = item.account?.S;
  return {
    groupId,
    ...(account ? { account } : {}),
    access: {
      groupId,
      direction: text(item, 'direction') as Direction,
      protocol: text(item, 'protocol'),
      fromPort: number(item, 'fromPort'),
      toPort: number(item, 'toPort'),
      peer: peerOf(text(item, 'peerType'), text(item, 'peer')),
      tags: {},
    },
    status: text(item, 'status') as GrantStatus,
    ...(ruleId ? { ruleId } : {}),
    owner: text(item, 'owner'),
    reason: text(item, 'reason'),
    issuedAt: date(item, 'issuedAt'),
    expiresAt: date(item, 'expiresAt'),
    createdAt: date(item, 'createdAt'),
    ...(warnedAt ? { warnedAt: new Date(warnedAt) } : {}),
    ...(extendedBy ? { extendedBy } : {}),
    version: number(item, 'version'),
  };
}

function itemFromRecord(record: GrantRecord): Item {
  const { access } = record;
  return {
    ...keyOf(record),
    type: { S: 'grant' },
    status: { S: record.status },
    groupId: { S: record.groupId },
    ...(record.account ? { account: { S: record.account } } : {}),
    direction: { S: access.direction },
    protocol: { S: access.protocol },
    fromPort: { N: String(access.fromPort) },
    toPort: { N: String(access.toPort) },
    ...peerItem(access.peer),
    ...(record.ruleId ? { ruleId: { S: record.ruleId } } : {}),
    owner: { S: record.owner },
    ...(record.extendedBy ? { extendedBy: { S: record.extendedBy } } : {}),
    reason: { S: record.reason },
    issuedAt: { S: record.issuedAt.toISOString() },
    expiresAt: { S: record.expiresAt.toISOString() },
    createdAt: { S: record.createdAt.toISOString() },
    version: { N: String(record.version) },
    ...(record.status === 'closed' ? {} : { livePk: { S: LIVE_PK }, liveSk: { S: liveSkOf(record) } }),
  };
}

async function conditional<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      throw new GrantConflict(`${what}: the record changed since it was read`, { cause: error });
    throw error;
  }
}

export function grantStore(client: DynamoDBClient, tableName: string): GrantStore {
  const versionIs = (record: GrantRecord) => ({
    ConditionExpression: '#version = :version AND #status = :status',
    ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
    ExpressionAttributeValues: {
      ':version': { N: String(record.version) },
      ':status': { S: record.status },
    } as Item,
  });

  async function query(until?: Date): Promise<GrantRecord[]> {
    const records: GrantRecord[] = [];
    const values: Item = { ':live': { S: LIVE_PK } };
    // '~' sorts after '#': every item expiring at or before `until` is included, whatever its group.
    if (until) values[':until'] = { S: `${until.toISOString()}#~` };
    const pages = paginateQuery(
      { client },
      {
        TableName: tableName,
        IndexName: LIVE_INDEX,
        KeyConditionExpression: until ? 'livePk = :live AND liveSk <= :until' : 'livePk = :live',
        ExpressionAttributeValues: values,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) records.push(recordFromItem(item));
    return records;
  }

  return {
    async get(groupId, access, account) {
      const output = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: pkOf(groupId, account) }, sk: { S: access } },
          ConsistentRead: true,
        }),
      );
      return output.Item ? recordFromItem(output.Item) : undefined;
    },

    async putPending(fields, replacing) {
      const record: GrantRecord = { ...fields, status: 'pending', version: (replacing?.version ?? 0) + 1 };
      const condition = replacing
        ? versionIs(replacing)
        : { ConditionExpression: 'attribute_not_exists(pk)' };
      await conditional(`recording the grant on ${record.groupId}`, () =>
        client.send(new PutItemCommand({ TableName: tableName, Item: itemFromRecord(record), ...condition })),
      );
      return record;
    },

    async markLive(record, ruleId) {
      const next: GrantRecord = { ...record, status: 'live', ruleId, version: record.version + 1 };
      const condition = versionIs(record);
      await conditional(`marking the grant ${ruleId} live`, () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(record),
            UpdateExpression: 'SET #status = :next, ruleId = :ruleId, #version = :nextVersion',
            ...condition,
            ExpressionAttributeValues: {
              ...condition.ExpressionAttributeValues,
              ':next': { S: 'live' },
              ':ruleId': { S: ruleId },
              ':nextVersion': { N: String(next.version) },
            },
          }),
        ),
      );
      return next;
    },

    async extend(record, change) {
      const { warnedAt: _cleared, ...rest } = record;
      const next: GrantRecord = { ...rest, ...change, version: record.version + 1 };
      const condition = versionIs(record);
      await conditional(`extending the grant on ${record.groupId}`, () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(record),
            UpdateExpression:
              'SET issuedAt = :issuedAt, expiresAt = :expiresAt, reason = :reason, extendedBy = :extendedBy, liveSk = :liveSk, #version = :nextVersion REMOVE warnedAt',
            ...condition,
            ExpressionAttributeValues: {
              ...condition.ExpressionAttributeValues,
              ':issuedAt': { S: change.issuedAt.toISOString() },
              ':expiresAt': { S: change.expiresAt.toISOString() },
              ':reason': { S: change.reason },
              ':extendedBy': { S: change.extendedBy },
              ':liveSk': { S: liveSkOf(next) },
              ':nextVersion': { N: String(next.version) },
            },
          }),
        ),
      );
      return next;
    },

    async markWarned(record, at) {
      const next: GrantRecord = { ...record, warnedAt: at, version: record.version + 1 };
      const condition = versionIs(record);
      await conditional(`marking the grant on ${record.groupId} warned`, () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(record),
            UpdateExpression: 'SET warnedAt = :at, #version = :nextVersion',
            ...condition,
            ExpressionAttributeValues: {
              ...condition.ExpressionAttributeValues,
              ':at': { S: at.toISOString() },
              ':nextVersion': { N: String(next.version) },
            },
          }),
        ),
      );
      return next;
    },

    async close(record, how) {
      const condition = versionIs(record);
      await conditional(`closing the grant on ${record.groupId}`, () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(record),
            UpdateExpression:
              'SET #status = :closed, closedAt = :at, closedWhy = :why, #ttl = :ttl, #version = :nextVersion REMOVE livePk, liveSk',
            ...condition,
            ExpressionAttributeNames: { ...condition.ExpressionAttributeNames, '#ttl': 'ttl' },
            ExpressionAttributeValues: {
              ...condition.ExpressionAttributeValues,
              ':closed': { S: 'closed' },
              ':at': { S: how.at.toISOString() },
              ':why': { S: how.why },
              ':ttl': { N: String(Math.floor(how.at.getTime() / 1000) + CLOSED_RETENTION_SECONDS) },
              ':nextVersion': { N: String(record.version + 1) },
            },
          }),
        ),
      );
    },

    async discard(record) {
      await conditional(`forgetting the pending grant on ${record.groupId}`, () =>
        client.send(
          new DeleteItemCommand({ TableName: tableName, Key: keyOf(record), ...versionIs(record) }),
        ),
      );
    },

    expiringBy: (time) => query(time),
    open: () => query(),
  };
}
