/**
 * notify-slack in app mode end to end: the real Web API client against the stand-in on 127.0.0.1
 * (simulated-account/slack-web-api.ts) and the real thread store on dynalite. Asserted: the channel
 * the policy's first fitting route names, the route's mention, the thread under a story's first
 * message, the chat.update of that first message, and a refused post handed back to the queue.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifySlackApp, planAppPosts } from '../../../functions/notify-slack/app-mode';
import { slackThreadStore } from '../../../shared/aws/state-table/slack-threads';
import type { AlarmNotice } from '../../../shared/events/alarm';
import type { NotificationRecord } from '../../../shared/events/sqs';
import type { Finding } from '../../../shared/findings/finding';
import { SlackPolicy } from '../../../shared/policy/slack';
import { slackWebApi } from '../../../shared/slack/web-api';
import { manualTime } from '../../../simulated-account/slack-server';
import {
  type SlackWebApiStandIn,
  STAND_IN_BOT_TOKEN,
  startSlackWebApi,
} from '../../../simulated-account/slack-web-api';
import { useStateTable } from '../../helpers/state-table';

const table = useStateTable();
const DB = 'C0DBONCALL01';
const ALARMS = 'C0ALARMS0001';
const REST = 'C0NETWARDEN1';
const policy = SlackPolicy.parse({
  timezone: 'Asia/Seoul',
  routes: [
    {
      name: 'db',
      match: { kinds: ['grant.*', 'sg.*'], groups: ['sg-0db00000000005432'] },
      channel: DB,
      mention: ['S0DBTEAM001'],
    },
    { name: 'alarms', match: { kinds: ['alarm'] }, channel: ALARMS, mention: 'here' },
    { name: 'rest', channel: REST, mention: 'none' },
  ],
});
const ARN = 'arn:aws:cloudwatch:ap-northeast-2:111122223333:alarm:gateway-nlb-unhealthy';
const alarm = (newState: 'ALARM' | 'OK', timestamp: string): AlarmNotice => ({
  name: 'gateway-nlb-unhealthy',
  arn: ARN,
  oldState: newState === 'ALARM' ? 'OK' : 'ALARM',
  newState,
  reason: 'Threshold Crossed',
  metrics: [],
  account: '111122223333',
  region: 'ap-northeast-2',
  timestamp,
  via: 'eventbridge',
});
const grant = (kind: 'grant.created' | 'grant.expired'): Finding => ({
  kind,
  severity: 'info',
  title:
    kind === 'grant.created'
      ? 'Temporary access granted on sg-0db00000000005432'
      : 'Temporary access expired on sg-0db00000000005432',
  mode: 'enforce',
  outcome: 'acted',
  time: '2026-12-02T00:00:00.000Z',
  account: '111122223333',
  resource: { type: 'security-group', id: 'sg-0db00000000005432', name: 'rds-postgres-sg' },
  rules: [{ summary: 'ingress tcp 5432 from 203.0.113.7/32', ruleId: 'sgr-0123456789abcdef0' }],
  why: 'requested by alice (verified by IAM): INC-1',
  actions: [],
});
let n = 0;
const read = (notification: NotificationRecord['notification']): NotificationRecord => {
  n += 1;
  return { id: `m-${n}`, notification, retryable: true };
};

let api: SlackWebApiStandIn;
const logs: Array<[string, Record<string, unknown>]> = [];
const deps = () => {
  const time = manualTime();
  return {
    api: slackWebApi(
      {
        token: async () => ({ reveal: () => STAND_IN_BOT_TOKEN }),
        baseUrl: api.baseUrl,
        budgetMs: () => 60_000,
      },
      { fetch: (...args) => fetch(...args), sleep: time.sleep, now: time.now },
    ),
    threads: slackThreadStore(
      table.current.client,
      table.current.tableName,
      () => new Date('2026-12-02T00:00:00Z'),
    ),
    slack: policy,
    format: { defaultRegion: 'ap-northeast-2' },
    remainingMs: () => 60_000,
    log: {
      info: (m: string, d: Record<string, unknown>) => logs.push([m, d]),
      warn: (m: string, d: Record<string, unknown>) => logs.push([m, d]),
      error: (m: string, d: Record<string, unknown>) => logs.push([m, d]),
    },
  };
};

beforeEach(async () => {
  api = await startSlackWebApi({ channels: [{ id: DB }, { id: ALARMS }, { id: REST }] });
});
afterEach(async () => api.close());

describe('routing (pure)', () => {
  it('sends each message to the first fitting route, with its mention and colour', () => {
    const posts = planAppPosts(
      [
        read({ type: 'alarm', alarm: alarm('ALARM', '2026-12-02T00:00:00.000+0000') }),
        read({ type: 'finding', finding: grant('grant.created') }),
        read({
          type: 'finding',
          finding: {
            ...grant('grant.created'),
            resource: { type: 'security-group', id: 'sg-0aaaaaaaaaaaaaaaa' },
          },
        }),
      ],
      policy,
      { defaultRegion: 'ap-northeast-2' },
    );

    expect(posts.map((p) => p.channel)).toEqual([ALARMS, DB, REST]);
    expect(posts[0]?.message.text).toMatch(/^<!here> ALARM/);
    expect(posts[0]?.message.color).toBe('#e01e5a');
    expect(posts[1]?.story?.key).toBe('grant#sg-0db00000000005432#ingress tcp 5432 from 203.0.113.7/32');
  });

  it("says the route's mention, not @here, and names the group from the policy (issue 17)", () => {
    const critical: Finding = {
      ...grant('grant.created'),
      kind: 'sg.drift',
      severity: 'critical',
      resource: { type: 'security-group', id: 'sg-0db00000000005432' },
    };
    const other: Finding = { ...critical, resource: { type: 'security-group', id: 'sg-0aaaaaaaaaaaaaaaa' } };
    const posts = planAppPosts(
      [read({ type: 'finding', finding: critical }), read({ type: 'finding', finding: other })],
      policy,
      { defaultRegion: 'ap-northeast-2', groupNames: { 'sg-0db00000000005432': 'rds-postgres' } },
    );
    expect(posts[0]?.message.text).toBe(
      '<!subteam^S0DBTEAM001> Temporary access granted on rds-postgres (sg-0db…)',
    );
    expect(posts[0]?.message.color).toBe('#e01e5a');
    // The rest route says nothing: `mention: none`.
    expect(posts[1]?.message.text).toBe(
      'Temporary access granted on sg-0db00000000005432 · sg-0aaaaaaaaaaaaaaaa',
    );
    expect(JSON.stringify(posts)).not.toContain('<!here>');
  });

  it('refuses a policy whose last route matches something, and a channel name instead of an id', () => {
    const result = SlackPolicy.safeParse({
      routes: [{ name: 'x', match: { kinds: ['sg.*'] }, channel: '#db-oncall' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'expected a Slack channel id like C0123ABCDEF (a name can change hands; an id cannot)',
      'expected the last route ("x") to match everything (no match), so that no message goes unposted',
    ]);
    expect(
      SlackPolicy.safeParse({ timezone: 'Mars/Olympus', routes: [{ name: 'r', channel: REST }] }).error
        ?.issues[0]?.message,
    ).toBe('expected an IANA time zone such as "Asia/Seoul"');
  });
});

describe('notify-slack app mode on the stand-in', () => {
  it('threads an alarm’s OK under its ALARM and updates the first message; the next ALARM opens a new thread', async () => {
    await notifySlackApp(
      [read({ type: 'alarm', alarm: alarm('ALARM', '2026-12-02T00:00:00.000+0000') })],
      deps(),
    );
    await notifySlackApp(
      [read({ type: 'alarm', alarm: alarm('OK', '2026-12-02T00:05:00.000+0000') })],
      deps(),
    );
    await notifySlackApp(
      [read({ type: 'alarm', alarm: alarm('ALARM', '2026-12-02T01:00:00.000+0000') })],
      deps(),
    );

    const [first, second] = api.topLevel(ALARMS);
    expect(api.topLevel(ALARMS)).toHaveLength(2);
    expect(api.replies(ALARMS, first?.ts ?? '').map((m) => m.text)).toEqual([
      expect.stringMatching(/^OK: gateway-nlb-unhealthy/),
    ]);
    expect(first?.text).toMatch(/^\[OK \(was ALARM\)\] OK: gateway-nlb-unhealthy/);
    expect(first?.history.map((h) => h.text)).toEqual([expect.stringMatching(/^<!here> ALARM/)]);
    expect(first?.attachments).toEqual([expect.objectContaining({ color: '#2eb67d' })]);
    expect(second?.text).toMatch(/^<!here> ALARM/);
    expect(api.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'chat.postMessage',
      'chat.update',
      'chat.postMessage',
    ]);
  });

  it('threads a grant’s expiry under its creation, in the route’s channel, group named and time in the policy’s zone', async () => {
    await notifySlackApp([read({ type: 'finding', finding: grant('grant.created') })], deps());
    await notifySlackApp([read({ type: 'finding', finding: grant('grant.expired') })], deps());

    const [parent] = api.topLevel(DB);
    expect(api.topLevel(DB)).toHaveLength(1);
    expect(api.replies(DB, parent?.ts ?? '')).toHaveLength(1);
    expect(parent?.text).toMatch(/^\[expired \(access closed\)\]/);
    const shown = JSON.stringify(parent?.attachments);
    expect(shown).toContain('rds-postgres-sg (sg-0db00000000005432)');
    expect(shown).toContain('2026-12-02 09:00:00 GMT+9');
  });

  it('hands a message whose channel the bot is not in back to the queue, saying why', async () => {
    api.addChannel({ id: ALARMS, member: false });

    const response = await notifySlackApp(
      [read({ type: 'alarm', alarm: alarm('ALARM', '2026-12-02T00:00:00.000+0000') })],
      deps(),
    );

    expect(response.batchItemFailures).toHaveLength(1);
    expect(api.messages).toHaveLength(0);
    expect(logs.at(-1)?.[1].error).toMatch(/Slack refused chat.postMessage: not_in_channel \(.*invite it/);
  });
});
