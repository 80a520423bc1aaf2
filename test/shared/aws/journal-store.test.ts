/** The journal in the state table on a real DynamoDB implementation (dynalite): keys, queries, paging. */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { allInWindow, journalReader, stateTableJournal } from '../../../shared/aws/state-table/journal';
import type { JournalEntry } from '../../../shared/safety/journal';
import { rebootEntry, restoreEntry, revokeEntry } from '../../helpers/journal';
import { useStateTable } from '../../helpers/state-table';

const table = useStateTable();
const DB = 'sg-0db00000000005432';
const OTHER = 'sg-0db00000000003306';

function stores() {
  const { client, tableName } = table.current;
  return { journal: stateTableJournal(client, tableName), reader: journalReader(client, tableName) };
}
const revoke = (at: string, eventId: string, groupId = DB, n = 1) =>
  revokeEntry({
    at,
    eventId,
    groupId,
    ruleId: `sgr-0000000000000000${n}`,
    rule: { port: 5432, cidr: `10.9.${n}.0/24`, description: `rule ${n}` },
  });
const ids = (entries: ReadonlyArray<{ entry: JournalEntry }>) => entries.map(({ entry }) => entry.id);

describe('journal store', () => {
  it('reads back every entry of an event exactly as recorded, newest first, as netwarden’s', async () => {
    const { journal, reader } = stores();
    const first = revoke('2026-12-02T01:00:00.000Z', 'ev-1', DB, 1);
    const second = restoreEntry({
      at: '2026-12-02T01:00:01.000Z',
      eventId: 'ev-1',
      groupId: DB,
      ruleId: 'sgr-0aaaaaaaaaaaaaaa1',
      rule: { port: 5432, sourceGroup: 'sg-0gateway000000001' },
    });
    await journal.record(first);
    await journal.record(second);
    await journal.record(revoke('2026-12-02T01:00:02.000Z', 'ev-2', DB, 2));

    const records = await reader.byEvent('ev-1');

    expect(records).toEqual([
      { entry: second, recordedBy: 'netwarden' },
      { entry: first, recordedBy: 'netwarden' },
    ]);
  });

  it('puts an entry once: recording it again (a retried invocation) changes nothing and does not fail', async () => {
    const { journal, reader } = stores();
    const entry = revoke('2026-12-02T01:00:00.000Z', 'ev-1');
    await journal.record(entry);
    await journal.record({ ...entry, cause: 'something else' });

    expect(await reader.byEvent('ev-1')).toEqual([{ entry, recordedBy: 'netwarden' }]);
  });

  it('keys an entry by event and by UTC day, and lets DynamoDB’s TTL remove it 90 days after the write', async () => {
    const { journal } = stores();
    const entry = revoke('2026-12-02T01:00:00.000Z', 'ev-1');
    await journal.record(entry);
    const { Item } = await table.current.client.send(
      new GetItemCommand({
        TableName: table.current.tableName,
        Key: { pk: { S: 'journal#ev-1' }, sk: { S: entry.id } },
      }),
    );
    expect(Item?.timePk).toEqual({ S: 'journal#2026-12-02' });
    expect(Item?.timeSk).toEqual({ S: `2026-12-02T01:00:00.000Z#${entry.id}` });
    expect(Item?.resource).toEqual({ S: DB });
    expect(Item?.ttl).toEqual({ N: String(Date.parse('2026-12-02T01:00:00Z') / 1000 + 90 * 86_400) });
  });

  it('lists a window newest first across UTC days, leaving out what is outside it, optionally for one resource', async () => {
    const { journal, reader } = stores();
    const before = revoke('2026-12-01T22:00:00.000Z', 'ev-0', DB, 1);
    const lateYesterday = revoke('2026-12-01T23:50:00.000Z', 'ev-1', DB, 2);
    const other = revoke('2026-12-01T23:55:00.000Z', 'ev-2', OTHER, 3);
    const reboot = rebootEntry({
      at: '2026-12-02T00:05:00.000Z',
      eventId: 'ev-3',
      instanceId: 'i-0gateway00000001',
      targetGroupArn: 'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/gateway/1',
    });
    const today = revoke('2026-12-02T00:10:00.000Z', 'ev-4', DB, 4);
    const after = revoke('2026-12-02T00:20:00.000Z', 'ev-5', DB, 5);
    for (const entry of [before, lateYesterday, other, reboot, today, after]) await journal.record(entry);
    const window = { since: new Date('2026-12-01T23:00:00Z'), until: new Date('2026-12-02T00:15:00Z') };

    expect(ids(await allInWindow(reader, window))).toEqual(
      ids([today, reboot, other, lateYesterday].map((entry) => ({ entry }))),
    );
    expect(ids(await allInWindow(reader, { ...window, resource: DB }))).toEqual([today.id, lateYesterday.id]);
  });

  it('pages: each page at most `limit` records, and the cursor goes on exactly where the last stopped', async () => {
    const { journal, reader } = stores();
    const entries = [
      revoke('2026-12-01T23:58:00.000Z', 'ev-a', DB, 1),
      revoke('2026-12-01T23:59:00.000Z', 'ev-b', DB, 2),
      revoke('2026-12-02T00:01:00.000Z', 'ev-c', DB, 3),
      revoke('2026-12-02T00:02:00.000Z', 'ev-d', DB, 4),
      revoke('2026-12-02T00:03:00.000Z', 'ev-e', DB, 5),
    ];
    for (const entry of entries) await journal.record(entry);
    const window = { since: new Date('2026-12-01T23:00:00Z'), until: new Date('2026-12-02T01:00:00Z') };

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await reader.page(window, { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.records.length).toBeLessThanOrEqual(2);
      pages.push(ids(page.records));
      cursor = page.next;
    } while (cursor);

    expect(pages.flat()).toEqual(entries.map((entry) => entry.id).reverse());
    expect(pages[0]).toHaveLength(2);
    await expect(reader.page(window, { cursor: 'not-a-cursor' })).rejects.toThrow(
      'journal cursor "not-a-cursor" is not one this store returned',
    );
  });

  it('keeps an undo’s reversal apart, as the operator’s record, once per entry', async () => {
    const { journal, reader } = stores();
    const entry = revoke('2026-12-02T01:00:00.000Z', 'ev-1');
    await journal.record(entry);
    const reversal: JournalEntry = {
      ...entry,
      id: '2026-12-02T01:10:00.000Z#undo0001',
      at: '2026-12-02T01:10:00.000Z',
      function: 'netwarden undo',
      action: 'restore',
      eventId: 'undo-1',
      finding: { kind: 'safety.undone', title: 'Undone' },
      call: entry.inverse as JournalEntry['call'],
      inverse: { irreversible: 'a reversal is not undone again' },
    };

    await reader.recordReversal(reversal, entry);

    expect(await reader.byEvent('ev-1')).toEqual([
      { entry: reversal, recordedBy: 'operator', reverses: entry.id },
      { entry, recordedBy: 'netwarden' },
    ]);
    await expect(reader.recordReversal({ ...reversal, id: 'again' }, entry)).rejects.toThrow();
    const window = { since: new Date('2026-12-02T00:00:00Z'), until: new Date('2026-12-02T02:00:00Z') };
    expect(ids(await allInWindow(reader, window))).toEqual([reversal.id, entry.id]);
  });

  it('says which item is not a journal entry, rather than reading it as one', async () => {
    const { reader } = stores();
    await table.current.client.send(
      new PutItemCommand({
        TableName: table.current.tableName,
        Item: { pk: { S: 'journal#ev-9' }, sk: { S: 'x' }, entry: { S: '{"id":"x"}' } },
      }),
    );
    await expect(reader.byEvent('ev-9')).rejects.toThrow(
      /^journal item journal#ev-9\/x is not a journal entry: at: /,
    );
  });
});
