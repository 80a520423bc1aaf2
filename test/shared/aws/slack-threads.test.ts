/** The Slack thread store on a real DynamoDB implementation (dynalite): the conditional claim and its end. */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { slackThreadStore, THREAD_RETENTION_SECONDS } from '../../../shared/aws/state-table/slack-threads';
import { useStateTable } from '../../helpers/state-table';

const table = useStateTable();
const STORY = 'alarm#arn:aws:cloudwatch:ap-northeast-2:111122223333:alarm:gateway-nlb-unhealthy';
const first = { channel: 'C0NCALL0001', ts: '1750000001.000001' };
const second = { channel: 'C0NCALL0001', ts: '1750000002.000002' };

const storeAt = (iso: string) => {
  const { client, tableName } = table.current;
  return slackThreadStore(client, tableName, () => new Date(iso));
};

describe('slack thread store', () => {
  it('finds nothing for a new story, then the first message once claimed', async () => {
    const threads = storeAt('2026-12-02T00:00:00Z');

    expect(await threads.find(STORY)).toBeUndefined();
    expect(await threads.claim(STORY, first)).toBe(true);
    expect(await threads.find(STORY)).toEqual(first);
  });

  it('lets only one of two racing posts claim the story (a conditional put); the first stays', async () => {
    const threads = storeAt('2026-12-02T00:00:00Z');

    const claims = await Promise.all([threads.claim(STORY, first), threads.claim(STORY, second)]);

    expect(claims.filter(Boolean)).toHaveLength(1);
    const kept = await threads.find(STORY);
    expect(kept).toEqual(claims[0] ? first : second);
  });

  it('stores the item under slack-thread#, with a ttl 30 days on', async () => {
    const threads = storeAt('2026-12-02T00:00:00Z');
    await threads.claim(STORY, first);

    const { Item } = await table.current.client.send(
      new GetItemCommand({
        TableName: table.current.tableName,
        Key: { pk: { S: `slack-thread#${STORY}` }, sk: { S: 'first' } },
      }),
    );
    expect(Item?.ttl?.N).toBe(String(Date.parse('2026-12-02T00:00:00Z') / 1000 + THREAD_RETENTION_SECONDS));
  });

  it('forgets a released story, and one whose ttl has passed though DynamoDB has not yet deleted it', async () => {
    const threads = storeAt('2026-12-02T00:00:00Z');
    await threads.claim(STORY, first);
    await threads.release(STORY);
    expect(await threads.find(STORY)).toBeUndefined();

    await threads.claim(STORY, first);
    const later = storeAt('2027-01-02T00:00:00Z');
    expect(await later.find(STORY)).toBeUndefined();
    expect(await later.claim(STORY, second)).toBe(true);
    expect(await later.find(STORY)).toEqual(second);
  });
});
