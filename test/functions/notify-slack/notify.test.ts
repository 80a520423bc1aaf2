/** The use case with plain fakes: which messages fail, which posts are made, and what is logged. */
import { describe, expect, it } from 'vitest';
import { type NotifyDeps, notifySlack, RESERVE_MS } from '../../../functions/notify-slack/notify';
import { type NotificationRecord, SqsBatchTrigger, type SqsRecord } from '../../../shared/events/sqs';
import type { SlackMessage } from '../../../shared/slack/blocks';
import {
  InvalidSlackMessage,
  type PostToSlack,
  SlackRejected,
  SlackUnavailable,
} from '../../../shared/slack/send';
import { loadEvent } from '../../../simulated-account/load-event';
import { snsAlarm, sqsRecord, stormRecords } from '../../../simulated-account/notifications';

const URL = 'https://hooks.slack.com/services/T0/B0/secret';

function fakes(
  options: { fail?: (message: SlackMessage, index: number) => Error | undefined; remaining?: number[] } = {},
) {
  const posted: SlackMessage[] = [];
  const logs: Array<{ level: string; message: string; data: Record<string, unknown> }> = [];
  let webhookReads = 0;
  const remaining = [...(options.remaining ?? [])];
  const post: PostToSlack = async (url, message) => {
    expect(url).toBe(URL);
    const error = options.fail?.(message, posted.length);
    posted.push(message);
    if (error) throw error;
    return { attempts: 1 };
  };
  const log = (level: string) => (message: string, data: Record<string, unknown>) =>
    logs.push({ level, message, data });
  const deps: NotifyDeps = {
    webhookUrl: async () => {
      webhookReads += 1;
      return { reveal: () => URL };
    },
    post,
    remainingMs: () => remaining.shift() ?? 60_000,
    format: { defaultRegion: 'ap-northeast-2' },
    log: { info: log('info'), warn: log('warn'), error: log('error') },
  };
  return { deps, posted, logs, webhookReads: () => webhookReads };
}

const finding = () => sqsRecord(loadEvent('sns/finding-guardrail-breach.json'));
const alarm = (name = 'gateway-nlb/unhealthy-hosts') => sqsRecord(snsAlarm({ name }));
const failures = (...records: SqsRecord[]) => records.map((record) => ({ itemIdentifier: record.messageId }));

/** The records as the way in hands them to the use case: each one read by the trigger's schema. */
function read(records: ReadonlyArray<unknown>): ReadonlyArray<NotificationRecord> {
  const parsed = SqsBatchTrigger.safeParse({ Records: records });
  if (!parsed.success) throw new Error(parsed.reason);
  return parsed.data.Records;
}

describe('notifySlack', () => {
  it('posts one message per alarm and per finding, and reports no failures', async () => {
    const { deps, posted } = fakes();
    const records = [alarm(), finding()];

    const response = await notifySlack(read(records), deps);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(posted.map((message) => message.text)).toEqual([
      '<!here> ALARM: gateway-nlb/unhealthy-hosts (OK → ALARM) in 111122223333 ap-northeast-2',
      '<!here> Guardrail breach on rds-postgres-sg (sg-0db…): ingress tcp 5432 from 0.0.0.0/0 revoked',
    ]);
  });

  it('returns exactly the ids of the messages whose post failed', async () => {
    const { deps, posted } = fakes({
      fail: (message) =>
        message.text.includes('db-b') ? new SlackRejected(400, 'invalid_payload') : undefined,
    });
    const records = [alarm('db-a'), alarm('db-b'), finding()];

    const response = await notifySlack(read(records), deps);

    expect(response).toEqual({ batchItemFailures: failures(records[1] as SqsRecord) });
    expect(posted).toHaveLength(3);
  });

  it('logs Slack’s error body for a permanent rejection, so the message can rest in the DLQ', async () => {
    const { deps, logs } = fakes({ fail: () => new SlackRejected(400, 'invalid_payload') });
    const record = finding();

    await notifySlack(read([record]), deps);

    expect(logs.filter((log) => log.level === 'error')).toEqual([
      {
        level: 'error',
        message: 'Slack rejected the message',
        data: {
          kind: 'finding',
          messageIds: [record.messageId],
          blocks: 6,
          status: 400,
          slackError: 'invalid_payload',
        },
      },
    ]);
  });

  it('fails every message of a grouped post when that post fails', async () => {
    const { deps, posted } = fakes({
      fail: (message) =>
        message.text.includes('→ OK') ? new SlackRejected(400, 'invalid_blocks') : undefined,
    });
    const { records } = stormRecords(100);

    const response = await notifySlack(read(records), deps);

    // States cycle ALARM, ALARM, OK, INSUFFICIENT_DATA: every 4th from the third is OK.
    const okIds = records.filter((_, i) => i % 4 === 2).map((record) => record.messageId);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(okIds);
    expect(posted.length).toBeLessThanOrEqual(5);
  });

  it('fails only the message whose payload the sender refused (unescaped markup), and posts the rest', async () => {
    const refusal = new InvalidSlackMessage(
      'refusing to send an invalid payload: text: unescaped "<" outside netwarden\'s own links and @here',
    );
    const { deps, posted, logs } = fakes({ fail: (_message, index) => (index === 0 ? refusal : undefined) });
    const records = [alarm('db-a'), finding()];

    const response = await notifySlack(read(records), deps);

    expect(response).toEqual({ batchItemFailures: failures(records[0] as SqsRecord) });
    expect(posted).toHaveLength(2);
    expect(logs.filter((log) => log.level === 'error')).toEqual([
      {
        level: 'error',
        message: 'post failed',
        data: expect.objectContaining({ kind: 'alarm', error: refusal.message }),
      },
    ]);
  });

  it('once Slack is unavailable, does not try the rest of the batch: it all goes back to the queue', async () => {
    const { deps, posted } = fakes({
      fail: () => new SlackUnavailable('Slack webhook unavailable: network error'),
    });
    const records = [alarm('a'), finding(), finding()];

    const response = await notifySlack(read(records), deps);

    expect(posted).toHaveLength(1);
    expect(response).toEqual({ batchItemFailures: failures(...records) });
  });

  it('stops posting to a dead webhook (404 no_service) and fails the rest without trying', async () => {
    const { deps, posted } = fakes({ fail: () => new SlackRejected(404, 'no_service') });
    const records = [finding(), finding()];

    expect(await notifySlack(read(records), deps)).toEqual({ batchItemFailures: failures(...records) });
    expect(posted).toHaveLength(1);
  });

  it('does not start a post with less than the reserve left, and fails those messages', async () => {
    const { deps, posted } = fakes({ remaining: [60_000, 50_000, RESERVE_MS - 1] });
    const records = [finding(), finding()];

    const response = await notifySlack(read(records), deps);

    expect(posted).toHaveLength(1);
    expect(response).toEqual({ batchItemFailures: failures(records[1] as SqsRecord) });
  });

  it('posts a short notice for unreadable messages and treats them as processed (never retried forever)', async () => {
    const { deps, posted, logs } = fakes();
    const bad = sqsRecord('not json at all');
    const unknown = sqsRecord({ hello: 'world' });
    const good = finding();

    const response = await notifySlack(read([bad, good, unknown]), deps);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(posted.map((message) => message.text)).toEqual([
      'notify-slack could not read 2 messages',
      expect.stringContaining('Guardrail breach'),
    ]);
    expect(logs.filter((log) => log.message === 'unprocessable message').map((log) => log.data)).toEqual([
      { messageId: bad.messageId, reason: 'body: not JSON' },
      {
        messageId: unknown.messageId,
        reason: 'body: neither a CloudWatch alarm, an alarm state change event nor a netwarden finding',
      },
    ]);
  });

  it('skips alarm configuration changes without posting or reading the webhook', async () => {
    const { deps, posted, webhookReads } = fakes();

    const response = await notifySlack(
      read([sqsRecord(loadEvent('cloudwatch/alarm-configuration-change.json'))]),
      deps,
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(posted).toEqual([]);
    expect(webhookReads()).toBe(0);
  });

  it('lets a failed webhook read throw, so the whole batch returns to the queue', async () => {
    const { deps } = fakes();
    const failing: NotifyDeps = {
      ...deps,
      webhookUrl: async () => {
        throw new Error(
          'could not read SSM parameter /netwarden/test/slack-webhook-url: ThrottlingException',
        );
      },
    };
    await expect(notifySlack(read([finding()]), failing)).rejects.toThrow('ThrottlingException');
  });
});
