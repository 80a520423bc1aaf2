/**
 * The webhook sender against a real HTTP server on 127.0.0.1 standing in for Slack. Time is a manual
 * clock moved only by the injected sleep, so retries and Retry-After waits are asserted, not waited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  message as build,
  slack as md,
  render,
  type SlackMessage,
  section,
} from '../../../shared/slack/blocks';
import {
  InvalidSlackMessage,
  RETRY,
  redact,
  SlackRejected,
  SlackUnavailable,
  slackPoster,
} from '../../../shared/slack/send';
import {
  closedPortUrl,
  manualTime,
  type SlackServer,
  startSlackServer,
  WEBHOOK_PATH,
} from '../../../simulated-account/slack-server';

const message = build(md`ALARM: gateway-nlb/unhealthy-hosts`, [section(md`*OK → ALARM*`)]);
/** A payload a builder bug could hand over: the type system is bypassed on purpose. */
const unchecked = (payload: SlackMessage<string>) => payload as SlackMessage;
const budget = { budgetMs: 60_000 };

let slack: SlackServer;
let time: ReturnType<typeof manualTime>;
let post: ReturnType<typeof slackPoster>;

beforeEach(async () => {
  slack = await startSlackServer();
  time = manualTime();
  post = slackPoster({ fetch: globalThis.fetch, sleep: time.sleep, now: time.now });
});
afterEach(async () => {
  await slack.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('posting to a Slack webhook', () => {
  it('posts the payload as JSON once when Slack answers 200 ok', async () => {
    const result = await post(slack.url, message, budget);

    expect(result).toEqual({ attempts: 1 });
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]).toEqual({
      path: WEBHOOK_PATH,
      payload: message,
      contentType: 'application/json; charset=utf-8',
    });
    expect(time.sleeps).toEqual([]);
  });

  it('on 429 waits exactly Retry-After seconds, then posts again', async () => {
    slack.respond({ status: 429, body: 'rate_limited', headers: { 'retry-after': '7' } });

    const result = await post(slack.url, message, budget);

    expect(result).toEqual({ attempts: 2 });
    expect(time.sleeps).toEqual([7_000]);
    expect(slack.requests).toHaveLength(2);
  });

  it('on 429 without a usable Retry-After waits one second', async () => {
    slack.respond({ status: 429, body: 'rate_limited', headers: { 'retry-after': 'soon' } });
    await post(slack.url, message, budget);
    expect(time.sleeps).toEqual([RETRY.defaultRetryAfterMs]);
  });

  it('retries a 500 with backoff and succeeds', async () => {
    slack.respond({ status: 500, body: 'rollup_error' }, { status: 503, body: 'service unavailable' });

    const result = await post(slack.url, message, budget);

    expect(result).toEqual({ attempts: 3 });
    expect(time.sleeps).toEqual([500, 1_000]);
    expect(slack.requests).toHaveLength(3);
  });

  it('does not retry 400 invalid_payload and carries Slack’s error body', async () => {
    slack.respond({ status: 400, body: 'invalid_payload' });

    const error = await rejection(post(slack.url, message, budget));

    expect(error).toBeInstanceOf(SlackRejected);
    expect(error).toMatchObject({ status: 400, body: 'invalid_payload' });
    expect(error.message).toBe('Slack rejected the message: HTTP 400 invalid_payload');
    expect(slack.requests).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });

  it.each([
    [403, 'action_prohibited'],
    [404, 'no_service'],
    [410, 'channel_is_archived'],
  ])('treats %i %s as permanent', async (status, body) => {
    slack.respond({ status, body });
    const error = await rejection(post(slack.url, message, budget));
    expect(error).toMatchObject({ name: 'SlackRejected', status, body });
    expect(slack.requests).toHaveLength(1);
  });

  it('retries a refused connection with backoff, then fails as unavailable without the URL in the error', async () => {
    const url = await closedPortUrl();

    const error = await rejection(post(url, message, budget));

    expect(error).toBeInstanceOf(SlackUnavailable);
    expect(error.message).toBe('Slack webhook unavailable: network error ECONNREFUSED');
    expect(time.sleeps).toEqual([500, 1_000, 2_000, 4_000]);
    expect(error.message).not.toContain(WEBHOOK_PATH);
  });

  it('gives up when the next wait would pass the time budget, leaving the message for a later retry', async () => {
    slack.respond({ status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } });

    const error = await rejection(post(slack.url, message, { budgetMs: 10_000 }));

    expect(error).toBeInstanceOf(SlackUnavailable);
    expect(error.message).toBe(
      'Slack webhook unavailable: HTTP 429; next try in 30000 ms is past the time budget',
    );
    expect(time.sleeps).toEqual([]);
    expect(slack.requests).toHaveLength(1);
  });

  it('refuses an invalid payload without sending it', async () => {
    const error = await rejection(post(slack.url, unchecked({ text: '', blocks: [] }), budget));
    expect(error).toBeInstanceOf(InvalidSlackMessage);
    expect(error.message).toBe('refusing to send an invalid payload: text: empty text');
    expect(slack.requests).toEqual([]);
  });

  it('refuses a payload carrying outside markup (a mention or a forged link) without sending it', async () => {
    const forged = unchecked({
      text: '<!channel> <https://evil.example|Approve access>',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'grant for <!everyone>' } }],
    });

    const error = await rejection(post(slack.url, forged, budget));

    expect(error).toBeInstanceOf(InvalidSlackMessage);
    expect(error.message).toBe(
      'refusing to send an invalid payload: text: unescaped "<" outside netwarden\'s own links and @here; ' +
        'blocks[0].text: unescaped "<" outside netwarden\'s own links and @here',
    );
    expect(slack.requests).toEqual([]);
  });

  it('serialises posts to one webhook, even when called concurrently, and keeps their order', async () => {
    const texts = Array.from({ length: 6 }, (_, i) => `message ${i}`);
    slack.respond({ status: 500, body: 'rollup_error' });

    await Promise.all(
      texts.map((text) => post(slack.url, { ...message, text: render(md`${text}`) }, budget)),
    );

    expect(slack.maxInFlight).toBe(1);
    expect(slack.requests.map((request) => request.payload.text)).toEqual([texts[0], ...texts]);
  });

  it('a failed post does not block the next one to the same webhook', async () => {
    slack.respond({ status: 400, body: 'no_text' });
    const results = await Promise.allSettled([
      post(slack.url, message, budget),
      post(slack.url, message, budget),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
  });
});

it('redacts the webhook URL and its secret path', () => {
  const url = 'https://hooks.slack.com/services/T0/B0/secret';
  expect(redact(`posting to ${url} failed; path /services/T0/B0/secret`, url)).toBe(
    'posting to [webhook] failed; path /[redacted]',
  );
});
