/** The grant store on a real DynamoDB implementation (dynalite): conditional writes and the expiry index. */
import { describe, expect, it } from 'vitest';
import { accessKey, GrantConflict, type GrantRecord } from '../../../shared/grants/record';
import { grantedAccess } from '../../helpers/grants';
import { useStateTable } from '../../helpers/state-table';

const table = useStateTable();
const GROUP = 'sg-0db00000000005432';
const access = (cidr: string) => grantedAccess(GROUP, cidr);
const fields = (cidr: string, expiresAt: string) => ({
  groupId: GROUP,
  access: access(cidr),
  owner: 'arn:aws:sts::111122223333:assumed-role/db-oncall/alice',
  reason: 'INC-1',
  issuedAt: new Date('2026-11-23T00:00:00Z'),
  expiresAt: new Date(expiresAt),
  createdAt: new Date('2026-11-23T00:00:00Z'),
});

describe('grant store', () => {
  it('records a pending grant, marks it live and reads it back by access', async () => {
    const { store } = table.current;
    const pending = await store.putPending(fields('203.0.113.7/32', '2026-11-23T01:00:00Z'));
    const live = await store.markLive(pending, 'sgr-0123456789abcdef0');

    const read = await store.get(GROUP, accessKey(access('203.0.113.7/32')));

    expect(read).toEqual(live);
    expect(read).toMatchObject({ status: 'live', ruleId: 'sgr-0123456789abcdef0', version: 2 });
  });

  it('refuses a second grant for the same access (conditional put)', async () => {
    const { store } = table.current;
    await store.putPending(fields('203.0.113.7/32', '2026-11-23T01:00:00Z'));

    await expect(store.putPending(fields('203.0.113.7/32', '2026-11-23T02:00:00Z'))).rejects.toBeInstanceOf(
      GrantConflict,
    );
  });

  it('refuses a write based on a stale version', async () => {
    const { store } = table.current;
    const pending = await store.putPending(fields('203.0.113.7/32', '2026-11-23T01:00:00Z'));
    const live = await store.markLive(pending, 'sgr-1');
    await store.extend(live, {
      issuedAt: new Date('2026-11-23T00:30:00Z'),
      expiresAt: new Date('2026-11-23T01:30:00Z'),
      reason: 'INC-1 still',
      extendedBy: 'arn:aws:sts::111122223333:assumed-role/db-oncall/alice@example.com',
    });

    await expect(store.markWarned(live, new Date('2026-11-23T00:50:00Z'))).rejects.toBeInstanceOf(
      GrantConflict,
    );
  });

  it('finds due grants by a query of the expiry index, soonest first, and closed ones no more', async () => {
    const { store } = table.current;
    const early = await store.markLive(
      await store.putPending(fields('203.0.113.1/32', '2026-11-23T01:00:00Z')),
      'sgr-1',
    );
    await store.markLive(await store.putPending(fields('203.0.113.2/32', '2026-11-23T03:00:00Z')), 'sgr-2');
    await store.putPending(fields('203.0.113.3/32', '2026-11-23T00:30:00Z'));

    const due = await store.expiringBy(new Date('2026-11-23T01:00:00Z'));
    expect(due.map((record) => record.ruleId ?? record.status)).toEqual(['pending', 'sgr-1']);

    await store.close(early, { at: new Date('2026-11-23T01:00:00Z'), why: 'expired' });
    expect((await store.open()).map((record) => record.ruleId ?? record.status)).toEqual([
      'pending',
      'sgr-2',
    ]);
    expect(await store.get(GROUP, accessKey(access('203.0.113.1/32')))).toMatchObject({ status: 'closed' });
  });

  it('a closed record can be replaced by a new grant for the same access; an extension clears the warned marker', async () => {
    const { store } = table.current;
    const first = await store.markLive(
      await store.putPending(fields('203.0.113.7/32', '2026-11-23T01:00:00Z')),
      'sgr-1',
    );
    await store.close(first, { at: new Date('2026-11-23T01:00:00Z'), why: 'expired' });
    const closed = (await store.get(GROUP, accessKey(first.access))) as GrantRecord;

    const again = await store.putPending(fields('203.0.113.7/32', '2026-11-23T03:00:00Z'), closed);
    const warned = await store.markWarned(
      await store.markLive(again, 'sgr-2'),
      new Date('2026-11-23T02:50:00Z'),
    );
    const extended = await store.extend(warned, {
      issuedAt: new Date('2026-11-23T02:55:00Z'),
      expiresAt: new Date('2026-11-23T04:00:00Z'),
      reason: 'more',
      extendedBy: 'arn:aws:sts::111122223333:assumed-role/db-oncall/bob@example.com',
    });

    expect(await store.get(GROUP, accessKey(first.access))).toEqual(extended);
    // Who extended is recorded apart from the owner, read back as written.
    expect(extended).toMatchObject({
      extendedBy: 'arn:aws:sts::111122223333:assumed-role/db-oncall/bob@example.com',
    });
    expect(extended.warnedAt).toBeUndefined();
    expect((await store.expiringBy(new Date('2026-11-23T03:30:00Z'))).length).toBe(0);
  });

  it('discards a pending record (Authorize failed)', async () => {
    const { store } = table.current;
    const pending = await store.putPending(fields('203.0.113.7/32', '2026-11-23T01:00:00Z'));
    await store.discard(pending);
    expect(await store.get(GROUP, accessKey(pending.access))).toBeUndefined();
  });
});

describe('grant store with an organisation: grants carry their account', () => {
  const MEMBER = '222233334444';

  it('keeps a member account’s grant apart from the central grant on the same group id and access', async () => {
    const { store } = table.current;
    const central = await store.markLive(
      await store.putPending(fields('203.0.113.7/32', '2026-11-23T01:00:00Z')),
      'sgr-central',
    );
    const member = await store.markLive(
      await store.putPending({ ...fields('203.0.113.7/32', '2026-11-23T02:00:00Z'), account: MEMBER }),
      'sgr-member',
    );
    const key = accessKey(access('203.0.113.7/32'));

    expect(await store.get(GROUP, key)).toEqual(central);
    expect(await store.get(GROUP, key, MEMBER)).toEqual(member);
    expect(member).toMatchObject({ account: MEMBER, ruleId: 'sgr-member' });
    expect(central.account).toBeUndefined();
    // Both are open, each with its account (the central one without: backward compatible).
    expect((await store.open()).map((record) => [record.account, record.ruleId])).toEqual([
      [undefined, 'sgr-central'],
      [MEMBER, 'sgr-member'],
    ]);
    await store.close(member, { at: new Date('2026-11-23T02:00:00Z'), why: 'expired' });
    expect((await store.open()).map((record) => record.ruleId)).toEqual(['sgr-central']);
  });

  it('reads a record written before organisations (no account attribute) as the central account’s', async () => {
    const { store, client, tableName } = table.current;
    await store.putPending(fields('203.0.113.9/32', '2026-11-23T01:00:00Z'));
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const item = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: `grant#${GROUP}` }, sk: { S: accessKey(access('203.0.113.9/32')) } },
      }),
    );

    expect(item.Item?.account).toBeUndefined();
    expect((await store.get(GROUP, accessKey(access('203.0.113.9/32'))))?.account).toBeUndefined();
  });
});
