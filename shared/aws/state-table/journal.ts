/**
 * The journal (shared/safety/journal.ts) in netwarden's state table.
 *
 * An entry: pk `journal#<eventId>`, sk `<entry id>` (`<ISO time>#<random>`), so one query returns
 * everything an event made netwarden do; `timePk` `journal#<UTC day>` and `timeSk` `<entry id>` put it in
 * the `journal-by-time` index, so a window (`--since 15m`) is one query per day it spans, newest first.
 * `ttl` removes it 90 days after the write. Entries are put once (`attribute_not_exists`) and never
 * changed: the table's policy lets netwarden's roles only put `journal#…` items, and nobody update or
 * delete them.
 *
 * A reversal made by `netwarden undo` (with the operator's credentials): pk `undo#<eventId of the entry
 * it reversed>`, sk `<that entry's id>`, in the same day partitions of the index. The table's policy lets
 * only the roles the stack's `undoOperatorArns` names put `undo#…` items (nobody when it names none),
 * because undo trusts one to say an entry is already reversed and skips it. They are read as the
 * operator's word: they show in the history and mark an entry as reversed; their own `inverse` is never
 * carried out.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  PutItemCommand,
  paginateQuery,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type {
  Journal,
  JournalEntry,
  JournalPage,
  JournalReader,
  JournalRecord,
  JournalWindow,
} from '../../safety/journal';
import { ABSENT, conditionalPut } from './conditional-put';

export const JOURNAL_INDEX = 'journal-by-time';
export const JOURNAL_KEY_PREFIX = 'journal#';
export const UNDO_KEY_PREFIX = 'undo#';
const RETENTION_SECONDS = 90 * 86_400;
const DAY_MS = 86_400_000;
const DEFAULT_PAGE = 100;

type Item = Record<string, AttributeValue>;

const AwsCallSchema = z.object({
  service: z.enum(['ec2', 'elbv2']),
  operation: z.string(),
  input: z.record(z.string(), z.unknown()),
});
const EntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  account: z.string(),
  region: z.string(),
  function: z.string(),
  action: z.enum([
    'revoke',
    'restore',
    'start',
    'reboot',
    'register',
    'deregister',
    'grant',
    'expire',
    'tag',
    'untag',
  ]),
  resource: z.string(),
  cause: z.string(),
  eventId: z.string(),
  finding: z.object({ kind: z.string(), title: z.string(), id: z.string().optional() }),
  call: AwsCallSchema,
  inverse: z.union([AwsCallSchema, z.object({ irreversible: z.string() })]),
});

/** The day partition of the time index an entry made at `at` lives in. */
export const dayOf = (at: Date | string): string =>
  `${JOURNAL_KEY_PREFIX}${new Date(at).toISOString().slice(0, 10)}`;

function itemOf(pk: string, sk: string, entry: JournalEntry): Item {
  const at = new Date(entry.at);
  if (Number.isNaN(at.getTime())) throw new Error(`journal entry ${entry.id} has no valid time: ${entry.at}`);
  return {
    pk: { S: pk },
    sk: { S: sk },
    type: { S: pk.startsWith(UNDO_KEY_PREFIX) ? 'undo' : 'journal' },
    timePk: { S: dayOf(at) },
    timeSk: { S: `${at.toISOString()}#${entry.id}` },
    resource: { S: entry.resource },
    entry: { S: JSON.stringify(entry) },
    ttl: { N: String(Math.floor(at.getTime() / 1000) + RETENTION_SECONDS) },
  };
}

/** An item read back; who wrote it is what its key proves, whatever the item says. */
export function recordOf(item: Item): JournalRecord {
  const pk = item.pk?.S ?? '';
  const where = `journal item ${pk}/${item.sk?.S ?? ''}`;
  let raw: unknown;
  try {
    raw = JSON.parse(item.entry?.S ?? '');
  } catch {
    throw new Error(`${where} holds no readable entry`);
  }
  const parsed = EntrySchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${where} is not a journal entry: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  const entry: JournalEntry = parsed.data as JournalEntry;
  if (pk.startsWith(UNDO_KEY_PREFIX)) return { entry, recordedBy: 'operator', reverses: item.sk?.S ?? '' };
  return { entry, recordedBy: 'netwarden' };
}

/** Cursor: the day partition a page stopped in, and DynamoDB's key to go on from. */
interface Cursor {
  readonly day: string;
  readonly key?: Item;
}
const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof value.day === 'string' && value.day.startsWith(JOURNAL_KEY_PREFIX)) return value;
  } catch {
    // fall through to the one error below
  }
  throw new Error(`journal cursor ${JSON.stringify(text)} is not one this store returned`);
}

/** The day partitions a window spans, newest first. */
function daysOf(window: JournalWindow): string[] {
  const days: string[] = [];
  const first = Date.UTC(
    window.since.getUTCFullYear(),
    window.since.getUTCMonth(),
    window.since.getUTCDate(),
  );
  for (let day = window.until.getTime(); day >= first; day -= DAY_MS) days.push(dayOf(new Date(day)));
  if (days.at(-1) !== dayOf(window.since)) days.push(dayOf(window.since));
  return days;
}

/** What every writing function records with: put once, never overwritten. */
export function stateTableJournal(client: DynamoDBClient, tableName: string): Journal {
  return {
    async record(entry) {
      // Not written when the same entry was recorded before (a retried invocation): it is there, which
      // is all that counts.
      await conditionalPut(client, {
        TableName: tableName,
        Item: itemOf(`${JOURNAL_KEY_PREFIX}${entry.eventId}`, entry.id, entry),
        ConditionExpression: ABSENT,
      });
    },
  };
}

/** What the CLI reads (history, undo) and where undo records its reversals. */
export function journalReader(client: DynamoDBClient, tableName: string): JournalReader {
  async function partition(pk: string): Promise<JournalRecord[]> {
    const records: JournalRecord[] = [];
    const pages = paginateQuery(
      { client },
      {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) records.push(recordOf(item));
    return records;
  }

  return {
    async byEvent(eventId) {
      const [entries, reversals] = await Promise.all([
        partition(`${JOURNAL_KEY_PREFIX}${eventId}`),
        partition(`${UNDO_KEY_PREFIX}${eventId}`),
      ]);
      return [...entries, ...reversals].sort(newestFirst);
    },

    async page(window, options = {}) {
      const limit = options.limit ?? DEFAULT_PAGE;
      if (!Number.isInteger(limit) || limit < 1)
        throw new Error(`journal page limit must be 1 or more, got ${limit}`);
      const days = daysOf(window);
      const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
      let dayIndex = cursor ? days.indexOf(cursor.day) : 0;
      if (dayIndex < 0) throw new Error(`journal cursor is for ${cursor?.day}, outside this window`);
      let startKey = cursor?.key;
      const records: JournalRecord[] = [];
      const values: Item = {
        ':from': { S: window.since.toISOString() },
        // '~' sorts after every id character: entries made within the last millisecond are included.
        ':to': { S: `${window.until.toISOString()}~` },
      };
      if (window.resource) values[':resource'] = { S: window.resource };
      while (dayIndex < days.length) {
        const day = days[dayIndex] as string;
        const output = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: JOURNAL_INDEX,
            KeyConditionExpression: 'timePk = :day AND timeSk BETWEEN :from AND :to',
            ...(window.resource ? { FilterExpression: '#resource = :resource' } : {}),
            ...(window.resource ? { ExpressionAttributeNames: { '#resource': 'resource' } } : {}),
            ExpressionAttributeValues: { ...values, ':day': { S: day } },
            ScanIndexForward: false,
            Limit: limit - records.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of output.Items ?? []) records.push(recordOf(item));
        startKey = output.LastEvaluatedKey;
        if (!startKey) dayIndex += 1;
        if (records.length >= limit) break;
      }
      const more = dayIndex < days.length;
      return {
        records,
        ...(more
          ? { next: encodeCursor({ day: days[dayIndex] as string, ...(startKey ? { key: startKey } : {}) }) }
          : {}),
      };
    },

    async recordReversal(entry, reverses) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: itemOf(`${UNDO_KEY_PREFIX}${reverses.eventId}`, reverses.id, entry),
          // One reversal per entry: a second undo of the same entry finds this one and skips it.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
  };
}

/** Newest first; the id breaks ties (it starts with the time, then a random part). */
export function newestFirst(a: JournalRecord, b: JournalRecord): number {
  const byTime = Date.parse(b.entry.at) - Date.parse(a.entry.at);
  if (byTime !== 0) return byTime;
  return a.entry.id < b.entry.id ? 1 : a.entry.id > b.entry.id ? -1 : 0;
}

/** Every record of a window, all pages (the CLI's reads). */
export async function allInWindow(reader: JournalReader, window: JournalWindow): Promise<JournalRecord[]> {
  const records: JournalRecord[] = [];
  let cursor: string | undefined;
  do {
    const page: JournalPage = await reader.page(window, { limit: 500, ...(cursor ? { cursor } : {}) });
    records.push(...page.records);
    cursor = page.next;
  } while (cursor);
  return records;
}
