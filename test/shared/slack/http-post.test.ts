/**
 * notify-slack's own transport (node:http, not fetch) through the poster, against the stand-in Slack
 * on 127.0.0.1: the answers send.ts reads (status, body, Retry-After) and the failures it names
 * (a refused connection, a request that never answers) come out as they do with fetch.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message as build, slack as md } from '../../../shared/slack/blocks';
import { postWebhook } from '../../../shared/slack/http-post';
import { SlackRejected, SlackUnavailable, slackPoster } from '../../../shared/slack/send';
import {
  closedPortUrl,
  manualTime,
  type SlackServer,
  startSlackServer,
  WEBHOOK_PATH,
} from '../../../simulated-account/slack-server';

const message = build(md`ALARM: gateway-nlb/unhealthy-hosts`, []);
const budget = { budgetMs: 60_000 };

let slack: SlackServer;
let time: ReturnType<typeof manualTime>;
let post: ReturnType<typeof slackPoster>;

beforeEach(async () => {
  slack = await startSlackServer();
  time = manualTime();
  post = slackPoster({ fetch: postWebhook, sleep: time.sleep, now: time.now });
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

describe('posting over node:http', () => {
  it('posts the payload as JSON with its content type, once, on 200 ok', async () => {
    expect(await post(slack.url, message, budget)).toEqual({ attempts: 1 });
    expect(slack.requests).toEqual([
      { path: WEBHOOK_PATH, payload: message, contentType: 'application/json; charset=utf-8' },
    ]);
  });

  it('reads Retry-After on 429 and backs off on 5xx', async () => {
    slack.respond(
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '7' } },
      { status: 503, body: 'service unavailable' },
    );
    expect(await post(slack.url, message, budget)).toEqual({ attempts: 3 });
    expect(time.sleeps).toEqual([7_000, 1_000]);
  });

  it("carries Slack's error body on a 4xx", async () => {
    slack.respond({ status: 400, body: 'invalid_payload' });
    const error = await rejection(post(slack.url, message, budget));
    expect(error).toBeInstanceOf(SlackRejected);
    expect(error.message).toBe('Slack rejected the message: HTTP 400 invalid_payload');
  });

  it('names a refused connection by its code, never the URL', async () => {
    const error = await rejection(post(await closedPortUrl(), message, budget));
    expect(error).toBeInstanceOf(SlackUnavailable);
    expect(error.message).toBe('Slack webhook unavailable: network error ECONNREFUSED');
  });

  it('gives up on a request that never answers when its time is up, as a timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      // 300 ms of budget: one attempt, aborted by its AbortSignal.timeout, and no time left for another.
      const attempt = post(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, message, { budgetMs: 300 });
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(SlackUnavailable);
      expect(error.message).toMatch(/^Slack webhook unavailable: network error timeout/);
      expect(error.message).not.toContain(WEBHOOK_PATH);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
