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
const deps = (time = manualTime(), token = STAND_IN_BOT_TOKEN) => {
  return {
    api: slackWebApi(
      {
        token: async () => ({ reveal: () => token }),
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

  it('shows the UTC times a title or reason quotes in the policy’s zone, as the message’s own time', () => {
    const expiring: Finding = {
      ...grant('grant.created'),
      kind: 'grant.expiring',
      title:
        'Grant expiring in 15m on sg-0db00000000005432: ingress tcp 5432 from 203.0.113.7/32 until 2026-12-02T01:00:00Z',
      why: 'expires at 2026-12-02T01:00:00.000Z; extend it with `netwarden grant`',
    };

    const [post] = planAppPosts([read({ type: 'finding', finding: expiring })], policy, {
      defaultRegion: 'ap-northeast-2',
    });
    const shown = `${post?.message.text} ${JSON.stringify(post?.message.blocks)}`;

    expect(post?.message.text).toMatch(/until 2026-12-02 10:00:00 GMT\+9$/);
    expect(shown).toContain('expires at 2026-12-02 10:00:00 GMT+9;');
    expect(shown).toContain('2026-12-02 09:00:00 GMT+9'); // the finding's own time, in the context line
    expect(shown).not.toMatch(/T\d\d:\d\d:\d\d/);
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

  it('threads an OK in the channel its ALARM went to, though the OK alone would route elsewhere', async () => {
    const bySeverity = SlackPolicy.parse({
      routes: [
        { name: 'wake', match: { severities: ['critical'] }, channel: ALARMS, mention: 'here' },
        { name: 'rest', channel: REST, mention: 'none' },
      ],
    });
    await notifySlackApp([read({ type: 'alarm', alarm: alarm('ALARM', '2026-12-02T00:00:00.000+0000') })], {
      ...deps(),
      slack: bySeverity,
    });
    await notifySlackApp([read({ type: 'alarm', alarm: alarm('OK', '2026-12-02T00:05:00.000+0000') })], {
      ...deps(),
      slack: bySeverity,
    });

    const [first] = api.topLevel(ALARMS);
    expect(api.replies(ALARMS, first?.ts ?? '').map((m) => m.text)).toEqual([
      expect.stringMatching(/^OK: gateway-nlb-unhealthy/),
    ]);
    expect(api.messages.filter((m) => m.channel === REST)).toEqual([]);
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

  const TG =
    'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/gateway-tg-80/0123456789abcdef';
  const targets = (kind: 'targets.healing' | 'targets.waiting' | 'targets.recovered'): Finding => ({
    kind,
    severity: kind === 'targets.recovered' ? 'info' : 'warning',
    title:
      kind === 'targets.healing'
        ? 'gateway-tg-80: 1 of 2 targets unhealthy — rebooted i-0abc0000000000001'
        : kind === 'targets.waiting'
          ? 'gateway-tg-80: 1 of 2 targets unhealthy — waiting (cooldown or cap)'
          : 'gateway-tg-80 recovered: 2 of 2 targets healthy (i-0abc0000000000001)',
    mode: 'enforce',
    outcome: kind === 'targets.healing' ? 'acted' : 'no-action',
    time: '2026-12-02T00:00:00.000Z',
    account: '111122223333',
    region: 'ap-northeast-2',
    resource: { type: 'target-group', id: TG, name: 'gateway-tg-80' },
    why: 'i-0abc0000000000001:80 failed its health checks',
    actions:
      kind === 'targets.healing'
        ? ['ec2:RebootInstances i-0abc0000000000001']
        : kind === 'targets.recovered'
          ? ['ec2:DeleteTags i-0abc0000000000001 netwarden:heal-*']
          : [],
  });
  const EVENT = '8c1c3a5e-1b2c-4d5e-8f90-0123456789ab';
  const revert: Finding = {
    ...grant('grant.created'),
    kind: 'sg.drift',
    severity: 'warning',
    title: 'Reverted a hand-made rule on sg-0db00000000005432',
    eventId: EVENT,
    actions: ['RevokeSecurityGroupIngress sg-0db00000000005432 sgr-0123456789abcdef0'],
  };
  const undone = (outcome: 'acted' | 'failed', reversedKind = 'sg.drift'): Finding => ({
    kind: 'safety.undone',
    severity: outcome === 'failed' ? 'critical' : 'warning',
    title: 'Undone: revoke on sg-0db00000000005432 (Reverted a hand-made rule on sg-0db00000000005432)',
    mode: 'enforce',
    outcome,
    time: '2026-12-02T00:10:00.000Z',
    account: '111122223333',
    region: 'ap-northeast-2',
    eventId: EVENT,
    resource: { type: 'security-group', id: 'sg-0db00000000005432' },
    rules: [{ summary: 'ingress tcp 5432 from 203.0.113.7/32' }],
    why: 'netwarden undo (undo-1, by arn:aws:iam::111122223333:user/alice) reverses what revert-sg-drift did',
    actions: ['AuthorizeSecurityGroupIngress sg-0db00000000005432 ingress tcp 5432 from 203.0.113.7/32'],
    details: { undoId: 'undo-1', entryId: 'j-1', reversedKind },
  });
  const post = (...findings: Finding[]) =>
    notifySlackApp(
      findings.map((finding) => read({ type: 'finding', finding })),
      deps(),
    );

  it('threads healing, waiting and recovery under the healing message; the recovery says it deleted the heal tags', async () => {
    await post(targets('targets.healing'));
    await post(targets('targets.waiting'));
    await post(targets('targets.recovered'));
    await post(targets('targets.healing'));

    const [first, second] = api.topLevel(REST);
    expect(api.topLevel(REST)).toHaveLength(2);
    const replies = api.replies(REST, first?.ts ?? '');
    expect(replies.map((m) => m.text)).toEqual([
      expect.stringContaining('waiting (cooldown or cap)'),
      expect.stringContaining('recovered: 2 of 2 targets healthy'),
    ]);
    const recovery = JSON.stringify(replies[1]?.attachments);
    expect(recovery).toContain('ec2:DeleteTags i-0abc0000000000001 netwarden:heal-*');
    expect(recovery).not.toContain('no action taken');
    expect(first?.text).toMatch(/^\[recovered\] /);
    expect(first?.history.map((h) => h.text)).toEqual([
      expect.stringContaining('rebooted i-0abc0000000000001'),
      expect.stringMatching(/^\[waiting for targets to pass health checks\] /),
    ]);
    expect(JSON.stringify(first?.attachments)).toContain('Now: recovered');
    // The recovery ended the story: the next healing opens a thread of its own.
    expect(second?.text).toContain('rebooted i-0abc0000000000001');
  });

  it('threads a grant’s expiring-soon and expiry under its creation, the first message standing at each', async () => {
    await post(grant('grant.created'));
    await post({
      ...grant('grant.created'),
      kind: 'grant.expiring',
      title: 'Temporary access expires in 15 min',
    });
    await post(grant('grant.expired'));

    const [parent] = api.topLevel(DB);
    expect(api.topLevel(DB)).toHaveLength(1);
    expect(api.replies(DB, parent?.ts ?? '').map((m) => m.text)).toEqual([
      expect.stringContaining('expires in 15 min'),
      expect.stringContaining('Temporary access expired'),
    ]);
    expect(parent?.history.map((h) => h.text.split(' ')[0])).toEqual(['Temporary', '[expiring']);
    expect(parent?.text).toMatch(/^\[expired \(access closed\)\]/);
    expect(
      api.calls.filter((c) => c.method === 'chat.update').map((c) => (c.payload as { ts?: string }).ts),
    ).toEqual([parent?.ts, parent?.ts]);
  });

  it('threads a `netwarden undo` of a revert (safety.undone) under the revert and updates it', async () => {
    await post(revert);
    await post(undone('acted'));

    const [parent] = api.topLevel(DB);
    expect(api.topLevel(DB)).toHaveLength(1);
    expect(api.replies(DB, parent?.ts ?? '').map((m) => m.text)).toEqual([
      expect.stringContaining('Undone: revoke'),
    ]);
    expect(parent?.text).toMatch(/^\[undone \(netwarden undo\)\] /);
    expect(parent?.history.map((h) => h.text)).toEqual([
      expect.stringContaining('Reverted a hand-made rule'),
    ]);
  });

  it('says a failed undo where the revert stands, and threads the reversal of a heal under its healing', async () => {
    await post(revert, targets('targets.healing'));
    await post(undone('failed'));
    const healUndone: Finding = {
      ...undone('acted', 'targets.healing'),
      title: 'Undone: reboot-tags on gateway-tg-80',
      resource: { type: 'target-group', id: TG },
      rules: undefined,
    };
    await post(healUndone);

    const [revertHead] = api.topLevel(DB);
    expect(revertHead?.text).toMatch(/^\[undo failed: needs a person\] /);
    const [healHead] = api.topLevel(REST);
    expect(api.replies(REST, healHead?.ts ?? '').map((m) => m.text)).toEqual([
      expect.stringContaining('Undone: reboot-tags on gateway-tg-80'),
    ]);
  });

  it('opens no story for an undo whose reversed kind is not known: an event id alone is not enough', async () => {
    await post(revert);
    const { details: _, ...withoutKind } = undone('acted');
    await post(withoutKind);

    // Not a reply, no update: a message of its own, where the policy routes safety.undone.
    expect(api.topLevel(DB)).toHaveLength(1);
    expect(api.topLevel(REST)).toEqual([
      expect.objectContaining({ text: expect.stringContaining('Undone: revoke') }),
    ]);
    expect(api.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
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

  it('waits Retry-After when Slack says ratelimited, then posts each message once', async () => {
    api.rateLimit(2, 7);
    const time = manualTime();

    const response = await notifySlackApp(
      [
        read({ type: 'alarm', alarm: alarm('ALARM', '2026-12-02T00:00:00.000+0000') }),
        read({ type: 'finding', finding: grant('grant.created') }),
      ],
      deps(time),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(time.sleeps).toEqual([7000, 7000]);
    expect(api.calls.map((c) => c.error ?? 'ok')).toEqual(['ratelimited', 'ratelimited', 'ok', 'ok']);
    expect(api.messages).toHaveLength(2);
  });

  it('hands the whole batch back to the queue when Retry-After is past the time left, trying nothing more', async () => {
    api.rateLimit(1, 120);
    const time = manualTime();
    const reads = [
      read({ type: 'alarm', alarm: alarm('ALARM', '2026-12-02T00:00:00.000+0000') }),
      read({ type: 'finding', finding: grant('grant.created') }),
    ];

    const response = await notifySlackApp(reads, deps(time));

    expect(response.batchItemFailures).toEqual(reads.map((r) => ({ itemIdentifier: r.id })));
    expect(time.sleeps).toEqual([]);
    expect(api.calls.map((c) => c.error ?? 'ok')).toEqual(['ratelimited']);
    expect(api.messages).toHaveLength(0);
    expect(logs.map(([message]) => message)).toContain('post not attempted');
    expect(JSON.stringify(logs)).toMatch(/past the time budget/);
  });

  it('fails a message Slack refuses for a bad token (invalid_auth) without logging the token', async () => {
    const wrong = 'xoxb-9999-8888-wrongSecretTokenValue';
    const reads = [read({ type: 'finding', finding: grant('grant.created') })];

    const response = await notifySlackApp(reads, deps(manualTime(), wrong));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: reads[0]?.id }]);
    expect(api.calls.map((c) => c.error)).toEqual(['invalid_auth']);
    expect(logs.at(-1)?.[1].error).toMatch(
      /Slack refused chat.postMessage: invalid_auth \(the bot token is not valid/,
    );
    expect(JSON.stringify(logs)).not.toContain('wrongSecretTokenValue');
    expect(JSON.stringify(logs)).not.toContain(STAND_IN_BOT_TOKEN);
  });

  it('posts a follow-up whose thread is gone from Slack (invalid_thread_ts) as a new message that restarts the story', async () => {
    await post(grant('grant.created'));
    // The first message was deleted by hand in Slack; its reference is still in the state table.
    api.messages.splice(0, api.messages.length);
    const first = await post({
      ...grant('grant.created'),
      kind: 'grant.expiring',
      title: 'Temporary access expires in 15 min',
    });
    const second = await post(grant('grant.expired'));

    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(api.calls.map((c) => `${c.method} ${c.error ?? 'ok'}`)).toEqual([
      'chat.postMessage ok',
      'chat.postMessage invalid_thread_ts',
      'chat.postMessage ok',
      'chat.postMessage ok',
      'chat.update ok',
    ]);
    const [restarted] = api.topLevel(DB);
    expect(restarted?.text).toMatch(/^\[expired \(access closed\)\]/);
    expect(api.replies(DB, restarted?.ts ?? '').map((m) => m.text)).toEqual([
      expect.stringContaining('Temporary access expired'),
    ]);
    expect(logs.map(([message]) => message)).toContain(
      'the story’s first message is gone from Slack: posting a new one',
    );
  });
});
