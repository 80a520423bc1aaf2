/**
 * The event ledger (shared/findings/event-ledger.ts) in netwarden's state table: one item per event
 * and function, pk `event#<eventId>`, sk `<function>`. `status` is `in-progress` (with `lockedUntil`,
 * epoch ms: the claim lapses when the invocation that holds it would have timed out) or `decided`
 * (with the findings as JSON and how many of them are published). `ttl` removes the item after 7 days,
 * longer than EventBridge and Lambda keep retrying or redelivering an event.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Claim, EventLedger } from '../../findings/event-ledger';
import type { Finding } from '../../findings/finding';
import { ABSENT, conditionalPut } from './conditional-put';

export const EVENT_KEY_PREFIX = 'event#';
const RETENTION_SECONDS = 7 * 86_400;

export function eventLedger(client: DynamoDBClient, tableName: string, owner: string): EventLedger {
  const key = (eventId: string): Record<string, AttributeValue> => ({
    pk: { S: `${EVENT_KEY_PREFIX}${eventId}` },
    sk: { S: owner },
  });

  async function read(eventId: string): Promise<Claim> {
    const { Item: item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: key(eventId), ConsistentRead: true }),
    );
    // Gone between the failed write and this read (TTL): another attempt will claim it.
    if (item?.status?.S !== 'decided') return { state: 'in-progress' };
    return {
      state: 'decided',
      findings: JSON.parse(item.findings?.S ?? '[]') as Finding[],
      published: Number(item.published?.N ?? '0'),
    };
  }

  return {
    async claim(eventId, now, until) {
      const claimed = await conditionalPut(client, {
        TableName: tableName,
        Item: {
          ...key(eventId),
          type: { S: 'event' },
          status: { S: 'in-progress' },
          lockedUntil: { N: String(until.getTime()) },
          ttl: { N: String(Math.floor(now.getTime() / 1000) + RETENTION_SECONDS) },
        },
        // New, or claimed by an attempt that has since timed out without deciding.
        ConditionExpression: `${ABSENT} OR (#status = :progress AND lockedUntil < :now)`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':progress': { S: 'in-progress' },
          ':now': { N: String(now.getTime()) },
        },
      });
      return claimed ? { state: 'claimed' } : read(eventId);
    },

    async decided(eventId, findings) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(eventId),
          UpdateExpression:
            'SET #status = :decided, findings = :findings, published = :zero REMOVE lockedUntil',
          ConditionExpression: '#status = :progress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':decided': { S: 'decided' },
            ':progress': { S: 'in-progress' },
            ':findings': { S: JSON.stringify(findings) },
            ':zero': { N: '0' },
          },
        }),
      );
    },

    async published(eventId, count) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(eventId),
          UpdateExpression: 'SET published = :count',
          ConditionExpression: '#status = :decided',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':decided': { S: 'decided' }, ':count': { N: String(count) } },
        }),
      );
    },

    async release(eventId) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(eventId),
            UpdateExpression: 'SET lockedUntil = :lapsed',
            ConditionExpression: '#status = :progress',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':progress': { S: 'in-progress' }, ':lapsed': { N: '0' } },
          }),
        );
      } catch (error) {
        // Already decided: nothing to release.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
