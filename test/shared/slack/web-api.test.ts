/**
 * The Slack Web API client against the stand-in (simulated-account/slack-web-api.ts), a real HTTP
 * server on 127.0.0.1 that checks the token, the method, the channel and Slack's limits. Time is a
 * manual clock moved only by the injected sleep, so rate-limit waits are asserted, not waited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message as build, slack as md, section } from '../../../shared/slack/blocks';
import { InvalidSlackMessage, SlackUnavailable } from '../../../shared/slack/send';
import { SlackApiRejected, slackWebApi } from '../../../shared/slack/web-api';
import { manualTime } from '../../../simulated-account/slack-server';
import {
  type SlackWebApiStandIn,
  STAND_IN_BOT_TOKEN,
  startSlackWebApi,
} from '../../../simulated-account/slack-web-api';

const ONCALL = 'C0NCALL0001';
const message = build(md`ALARM: gateway-nlb/unhealthy-hosts`, [section(md`*OK → ALARM*`)]);
const followUp = build(md`OK: gateway-nlb/unhealthy-hosts`, [section(md`*ALARM → OK*`)]);

let api: SlackWebApiStandIn;
let time: ReturnType<typeof manualTime>;

const client = (token = STAND_IN_BOT_TOKEN) =>
  slackWebApi(
    { token: async () => ({ reveal: () => token }), baseUrl: api.baseUrl, budgetMs: () => 60_000 },
    { fetch: (...args) => fetch(...args), sleep: time.sleep, now: time.now },
  );

beforeEach(async () => {
  api = await startSlackWebApi({
    channels: [{ id: ONCALL }, { id: 'C0UTSIDE001', member: false }, { id: 'C0LD0000001', archived: true }],
    users: ['U0AL1CE001'],
  });
  time = manualTime();
});
afterEach(async () => api.close());

describe('slackWebApi', () => {
  it('posts with the bot token, threads a reply under the first message and updates the first message', async () => {
    const slack = client();

    const first = await slack.postMessage(ONCALL, message);
    const reply = await slack.postMessage(ONCALL, followUp, first.ts);
    await slack.update(first, { ...followUp, color: '#2eb67d' });

    expect(first.channel).toBe(ONCALL);
    expect(api.calls.map((call) => [call.method, call.ok])).toEqual([
      ['chat.postMessage', true],
      ['chat.postMessage', true],
      ['chat.update', true],
    ]);
    expect(api.replies(ONCALL, first.ts).map((m) => m.ts)).toEqual([reply.ts]);
    const [parent] = api.topLevel(ONCALL);
    expect(parent?.text).toBe('OK: gateway-nlb/unhealthy-hosts');
    expect(parent?.attachments).toEqual([{ color: '#2eb67d', blocks: followUp.blocks }]);
    expect(parent?.history.map((h) => h.text)).toEqual(['ALARM: gateway-nlb/unhealthy-hosts']);
  });

  it('sends a direct message by opening the conversation first', async () => {
    const ref = await client().postDirect('U0AL1CE001', message);

    expect(api.calls.map((call) => call.method)).toEqual(['conversations.open', 'chat.postMessage']);
    expect(ref.channel).toBe('D0AL1CE001');
  });

  it.each([
    ['C0NOSUCH001', 'channel_not_found', "check the route's channel id"],
    ['C0UTSIDE001', 'not_in_channel', 'invite it'],
    ['C0LD0000001', 'is_archived', 'archived'],
  ])('refuses to post to %s with %s, once, naming the method and what to do', async (channel, code, hint) => {
    const error = await client()
      .postMessage(channel, message)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SlackApiRejected);
    expect((error as SlackApiRejected).code).toBe(code);
    expect((error as Error).message).toContain(`Slack refused chat.postMessage: ${code}`);
    expect((error as Error).message).toContain(hint);
    expect(api.calls).toHaveLength(1);
  });

  it('says invalid_auth for a wrong token and never puts the token in the error', async () => {
    const wrong = 'xoxb-9999-wrong-secretvalue';
    const error = await client(wrong)
      .postMessage(ONCALL, message)
      .catch((e: unknown) => e);

    expect((error as SlackApiRejected).code).toBe('invalid_auth');
    expect(
      JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack }),
    ).not.toContain('secretvalue');
    expect(api.messages).toHaveLength(0);
  });

  it('refuses a reply under a thread that does not exist, and an update of a message that does not exist', async () => {
    const slack = client();

    await expect(slack.postMessage(ONCALL, followUp, '1.000001')).rejects.toThrow(/invalid_thread_ts/);
    await expect(slack.update({ channel: ONCALL, ts: '1.000001' }, followUp)).rejects.toThrow(
      /chat.update: message_not_found/,
    );
    expect(api.messages).toHaveLength(0);
  });

  it('waits Retry-After on 429 ratelimited, then posts once', async () => {
    api.rateLimit(2, 3);

    await client().postMessage(ONCALL, message);

    expect(time.sleeps).toEqual([3000, 3000]);
    expect(api.messages).toHaveLength(1);
    expect(api.calls.map((call) => call.error ?? 'ok')).toEqual(['ratelimited', 'ratelimited', 'ok']);
  });

  it('gives up with SlackUnavailable when 5xx outlasts the attempts, having posted nothing', async () => {
    api.fail(10, 503);

    await expect(client().postMessage(ONCALL, message)).rejects.toBeInstanceOf(SlackUnavailable);
    expect(api.messages).toHaveLength(0);
  });

  it('refuses an invalid payload before Slack sees it (51 blocks)', async () => {
    const tooMany = { text: message.text, blocks: Array.from({ length: 51 }, () => message.blocks[0]) };

    await expect(client().postMessage(ONCALL, tooMany as typeof message)).rejects.toBeInstanceOf(
      InvalidSlackMessage,
    );
    expect(api.calls).toHaveLength(0);
  });
});

describe('the stand-in checks what Slack checks', () => {
  const raw = (method: string, body: unknown, withToken: boolean) =>
    fetch(`${api.baseUrl}/${method}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(withToken ? { authorization: `Bearer ${STAND_IN_BOT_TOKEN}` } : {}),
      },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<{ ok: boolean; error?: string }>);

  it.each([
    ['chat.postMessage', { channel: ONCALL, text: 'x' }, false, 'not_authed'],
    ['chat.delete', { channel: ONCALL, ts: '1.1' }, true, 'unknown_method'],
    ['chat.postMessage', { channel: ONCALL, text: 'x'.repeat(40_001) }, true, 'msg_too_long'],
    ['chat.postMessage', { channel: ONCALL }, true, 'no_text'],
    ['conversations.open', { users: 'U0NOBODY01' }, true, 'user_not_found'],
    ['chat.postMessage', { channel: 'C0NOSUCH001', text: 'x' }, true, 'channel_not_found'],
    ['chat.postMessage', { channel: 'C0UTSIDE001', text: 'x' }, true, 'not_in_channel'],
    ['chat.postMessage', { channel: 'C0LD0000001', text: 'x' }, true, 'is_archived'],
    [
      'chat.postMessage',
      { channel: ONCALL, text: 'x', attachments: Array.from({ length: 101 }, () => ({ text: 'a' })) },
      true,
      'too_many_attachments',
    ],
  ])('%s %# → %s', async (method, body, withToken, code) => {
    expect(await raw(method, body, withToken)).toEqual({ ok: false, error: code });
    expect(api.messages).toHaveLength(0);
  });

  const text = (type: string, length: number) => ({ type, text: 'x'.repeat(length) });
  const button = (label: number, value = 1) => ({
    type: 'button',
    action_id: 'netwarden:undo',
    text: text('plain_text', label),
    value: 'v'.repeat(value),
  });
  // Each limit of Block Kit's reference, just within (taken) and just past (invalid_blocks, naming where).
  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), '/blocks'],
    ['an unknown block type', [{ type: 'modal' }], '/blocks/0'],
    ['a block_id of 256', [{ type: 'divider', block_id: 'b'.repeat(256) }], '/blocks/0/block_id'],
    ['section text of 3001', [{ type: 'section', text: text('mrkdwn', 3001) }], '/blocks/0/text/text'],
    ['a section with neither text nor fields', [{ type: 'section' }], '/blocks/0'],
    [
      '11 fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => text('mrkdwn', 1)) }],
      '/blocks/0/fields',
    ],
    ['a field of 2001', [{ type: 'section', fields: [text('mrkdwn', 2001)] }], '/blocks/0/fields/0/text'],
    ['a header of 151', [{ type: 'header', text: text('plain_text', 151) }], '/blocks/0/text/text'],
    ['a mrkdwn header', [{ type: 'header', text: text('mrkdwn', 5) }], '/blocks/0/text/type'],
    ['an empty text', [{ type: 'section', text: text('mrkdwn', 0) }], '/blocks/0/text/text'],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => text('mrkdwn', 1)) }],
      '/blocks/0/elements',
    ],
    [
      '26 buttons',
      [{ type: 'actions', elements: Array.from({ length: 26 }, () => button(4)) }],
      '/blocks/0/elements',
    ],
    ['a button label of 76', [{ type: 'actions', elements: [button(76)] }], '/blocks/0/elements/0/text/text'],
    [
      'a button value of 2001',
      [{ type: 'actions', elements: [button(4, 2001)] }],
      '/blocks/0/elements/0/value',
    ],
  ])('refuses %s as invalid_blocks, in blocks and in an attachment', async (_, blocks, pointer) => {
    const top = await raw('chat.postMessage', { channel: ONCALL, text: 'x', blocks }, true);
    const inAttachment = await raw(
      'chat.postMessage',
      { channel: ONCALL, text: 'x', attachments: [{ color: '#e01e5a', blocks }] },
      true,
    );

    for (const [answer, at] of [
      [top, pointer],
      [inAttachment, pointer.replace('/blocks', '/attachments/0/blocks')],
    ] as const) {
      expect(answer).toMatchObject({ ok: false, error: 'invalid_blocks' });
      expect(JSON.stringify(answer)).toContain(`[json-pointer:${at}]`);
    }
    expect(api.messages).toHaveLength(0);
  });

  it('takes every limit at its edge', async () => {
    const blocks = [
      { type: 'header', text: text('plain_text', 150), block_id: 'b'.repeat(255) },
      { type: 'section', text: text('mrkdwn', 3000) },
      { type: 'section', fields: Array.from({ length: 10 }, () => text('mrkdwn', 2000)) },
      { type: 'context', elements: Array.from({ length: 10 }, () => text('mrkdwn', 1)) },
      { type: 'actions', elements: Array.from({ length: 25 }, () => button(75, 2000)) },
      ...Array.from({ length: 45 }, () => ({ type: 'divider' })),
    ];

    expect(
      await raw('chat.postMessage', { channel: ONCALL, text: 'x'.repeat(40_000), blocks }, true),
    ).toMatchObject({
      ok: true,
    });
    expect(api.messages).toHaveLength(1);
  });
});
