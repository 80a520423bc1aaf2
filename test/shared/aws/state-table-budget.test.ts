/**
 * The blast-radius budget's count on a real DynamoDB implementation (dynalite): one conditional
 * UpdateItem per charge, the account and group limits, a refusal that says what was done, windows kept
 * apart, concurrent charges that never overshoot, and the window's one notice.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { stateTableBudget } from '../../../shared/aws/state-table/budget';
import { windowOf } from '../../../shared/safety/budget';
import { useStateTable } from '../../helpers/state-table';

const table = useStateTable();
const ACCOUNT = '111122223333';
const limits = { windowMs: 600_000, perAccount: 4, perGroup: 2, perTargetGroup: 2 };
const window = windowOf(new Date('2026-12-01T10:03:00Z'), limits.windowMs);
const counter = () => stateTableBudget(table.current.client, table.current.tableName);
const scope = (group: string) => ({ account: ACCOUNT, group });

describe('the budget counter in the state table', () => {
  it('grants up to the group limit, then refuses that group while others still have writes', async () => {
    const budget = counter();
    expect(await budget.charge(scope('sg-a'), window, limits)).toEqual({
      granted: true,
      usage: { total: 1, groups: { 'sg-a': 1 } },
    });
    expect(await budget.charge(scope('sg-a'), window, limits)).toMatchObject({ granted: true });

    expect(await budget.charge(scope('sg-a'), window, limits)).toEqual({
      granted: false,
      exhausted: 'group',
      usage: { total: 2, groups: { 'sg-a': 2 } },
    });
    expect(await budget.charge(scope('sg-b'), window, limits)).toEqual({
      granted: true,
      usage: { total: 3, groups: { 'sg-a': 2, 'sg-b': 1 } },
    });
  });

  it('refuses every group once the account limit is reached; a refused charge counts nothing', async () => {
    const budget = counter();
    for (const group of ['sg-a', 'sg-a', 'sg-b', 'sg-c'])
      expect(await budget.charge(scope(group), window, limits)).toMatchObject({ granted: true });

    const refused = await budget.charge(scope('sg-d'), window, limits);

    expect(refused).toEqual({
      granted: false,
      exhausted: 'account',
      usage: { total: 4, groups: { 'sg-a': 2, 'sg-b': 1, 'sg-c': 1 } },
    });
    const { Item } = await table.current.client.send(
      new GetItemCommand({
        TableName: table.current.tableName,
        Key: { pk: { S: `budget#${ACCOUNT}` }, sk: { S: '2026-12-01T10:00:00.000Z' } },
      }),
    );
    expect(Item?.total).toEqual({ N: '4' });
    expect(Item?.['g#sg-d']).toBeUndefined();
    // Kept a day past the window's end (10:10), then DynamoDB's TTL removes it.
    expect(Item?.ttl).toEqual({ N: String(Date.parse('2026-12-01T10:10:00Z') / 1000 + 86_400) });
  });

  it('holds a target group to its heal cap: half its targets, at most perTargetGroup', async () => {
    const budget = counter();
    const tg =
      'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/gateway-tg-https/0123456789abcdef';
    const healing = { account: ACCOUNT, group: tg, targets: 3 };
    expect(await budget.charge(healing, window, limits)).toMatchObject({ granted: true });

    expect(await budget.charge(healing, window, limits)).toEqual({
      granted: false,
      exhausted: 'group',
      usage: { total: 1, groups: { [tg]: 1 } },
    });
    // Half of 8 targets is 4, but perTargetGroup is 2: one more heal, then no more.
    const larger = { ...healing, targets: 8 };
    expect(await budget.charge(larger, window, limits)).toMatchObject({ granted: true });
    expect(await budget.charge(larger, window, limits)).toMatchObject({ granted: false, exhausted: 'group' });
  });

  it('keeps windows and accounts apart', async () => {
    const budget = counter();
    for (const group of ['sg-a', 'sg-b', 'sg-c', 'sg-d']) await budget.charge(scope(group), window, limits);

    const next = windowOf(new Date('2026-12-01T10:10:00Z'), limits.windowMs);
    expect(await budget.charge(scope('sg-a'), next, limits)).toEqual({
      granted: true,
      usage: { total: 1, groups: { 'sg-a': 1 } },
    });
    expect(await budget.charge({ account: '444455556666', group: 'sg-a' }, window, limits)).toMatchObject({
      granted: true,
    });
  });

  it('two counters (two containers) charging at once never grant more than the limit', async () => {
    const [first, second] = [counter(), counter()];
    const charges = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (index % 2 ? first : second).charge(scope(`sg-${index % 3}`), window, limits),
      ),
    );

    expect(charges.filter((charge) => charge.granted)).toHaveLength(4);
  });

  it('gives the window’s notice to exactly one caller', async () => {
    const [first, second] = [counter(), counter()];
    await first.charge(scope('sg-a'), window, limits);

    const claims = await Promise.all([
      first.claimNotice(ACCOUNT, window),
      second.claimNotice(ACCOUNT, window),
    ]);

    expect(claims.sort()).toEqual([false, true]);
    expect(await first.claimNotice(ACCOUNT, window)).toBe(false);
  });
});
