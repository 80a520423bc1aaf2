/**
 * Posting to a Slack incoming webhook: one POST (node:http, see http-post.ts) and a small retry, nothing more.
 * - 200 `ok` is success.
 * - 429 waits `Retry-After` seconds (Slack's rate limit is about one message a second per webhook).
 * - 5xx, timeouts and network errors retry with exponential backoff while the time budget lasts.
 * - Any other 4xx is permanent (`invalid_payload`, `no_service`, `channel_is_archived` …): it throws
 *   `SlackRejected` carrying Slack's plain-text error body, and is never retried here.
 * Posts to one webhook are serialised, so a batch never bursts past the rate limit on its own.
 * The webhook URL is a secret: no message, error or cause this module produces contains it.
 */
import { type SlackMessage, slackPayload, violations } from './blocks';
import { type PostWebhook, postWebhook, type WebhookResponse } from './http-post';

export class SlackRejected extends Error {
  override readonly name: string = 'SlackRejected';
  constructor(
    readonly status: number,
    /** Slack's error code, e.g. `invalid_payload`: plain text, not JSON. */
    readonly body: string,
  ) {
    super(`Slack rejected the message: HTTP ${status} ${body}`);
  }
}

/** Slack could not be reached or kept failing within the time budget: worth retrying later. */
export class SlackUnavailable extends Error {
  override readonly name = 'SlackUnavailable';
}

/** A payload that breaks Block Kit's rules: a formatter bug, caught before Slack sees it. */
export class InvalidSlackMessage extends Error {
  override readonly name = 'InvalidSlackMessage';
}

export interface SendDeps {
  /** A fetch-shaped POST: the global `fetch` fits; the function itself uses node:http (http-post.ts). */
  readonly fetch: PostWebhook;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

export interface SendOptions {
  /** Milliseconds this post may take in all, waits included (e.g. the Lambda's remaining time minus a margin). */
  readonly budgetMs: number;
}

export const RETRY = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  /** One request never waits longer than this for Slack. */
  requestTimeoutMs: 10_000,
  /** 429 without a usable Retry-After. */
  defaultRetryAfterMs: 1_000,
} as const;

export const realSendDeps: SendDeps = {
  fetch: postWebhook,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

/** Removes the webhook URL (and its secret path) from any text before it can reach a log. */
export function redact(text: string, url: string): string {
  let clean = text.replaceAll(url, '[webhook]');
  try {
    const { pathname } = new URL(url);
    if (pathname.length > 1) clean = clean.replaceAll(pathname, '/[redacted]');
  } catch {
    // Not a URL: the whole string was already replaced.
  }
  return clean;
}

function retryAfterMs(header: string | null): number {
  const seconds = header === null ? Number.NaN : Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : RETRY.defaultRetryAfterMs;
}

const backoffMs = (attempt: number) => Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));

function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const name = error instanceof Error ? error.name : 'Error';
  return code ?? (name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : name);
}

type Attempt = { done: true } | { done: false; problem: string; waitMs: number };

async function attempt(
  url: string,
  body: string,
  deps: SendDeps,
  timeoutMs: number,
  n: number,
): Promise<Attempt> {
  let response: WebhookResponse;
  try {
    response = await deps.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { done: false, problem: `network error ${networkProblem(error)}`, waitMs: backoffMs(n) };
  }
  const text = (await response.text().catch(() => '')).trim().slice(0, 200);
  if (response.ok) return { done: true };
  if (response.status === 429)
    return { done: false, problem: 'HTTP 429', waitMs: retryAfterMs(response.headers.get('retry-after')) };
  if (response.status >= 500)
    return { done: false, problem: `HTTP ${response.status} ${text}`, waitMs: backoffMs(n) };
  throw new SlackRejected(response.status, redact(text || 'no body', url));
}

/** Posts one message, retrying what can be retried within `budgetMs`; throws SlackRejected or SlackUnavailable. */
async function postOnce(
  url: string,
  message: SlackMessage,
  options: SendOptions,
  deps: SendDeps,
): Promise<number> {
  const problems = violations(message);
  if (problems.length > 0)
    throw new InvalidSlackMessage(`refusing to send an invalid payload: ${problems.join('; ')}`);
  const body = JSON.stringify(slackPayload(message));
  const deadline = deps.now() + options.budgetMs;
  let last = '';
  for (let n = 1; n <= RETRY.maxAttempts; n += 1) {
    const left = deadline - deps.now();
    if (left <= 0) break;
    const result = await attempt(url, body, deps, Math.min(RETRY.requestTimeoutMs, left), n);
    if (result.done) return n;
    last = redact(result.problem, url);
    if (n === RETRY.maxAttempts) break;
    // Waiting past the budget would only end in a Lambda timeout; give the message back to the queue instead.
    if (deps.now() + result.waitMs >= deadline) {
      last = `${last}; next try in ${result.waitMs} ms is past the time budget`;
      break;
    }
    await deps.sleep(result.waitMs);
  }
  throw new SlackUnavailable(`Slack webhook unavailable: ${last || 'no time left to try'}`);
}

export type PostToSlack = (
  url: string,
  message: SlackMessage,
  options: SendOptions,
) => Promise<{ attempts: number }>;

/**
 * A poster whose posts to the same webhook run one after another, even when called concurrently.
 * Keep one per process (module scope) so every caller shares the queue.
 */
export function slackPoster(deps: SendDeps = realSendDeps): PostToSlack {
  const queues = new Map<string, Promise<unknown>>();
  return (url, message, options) => {
    const previous = queues.get(url) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => postOnce(url, message, options, deps));
    queues.set(url, run);
    const settle = () => {
      if (queues.get(url) === run) queues.delete(url);
    };
    run.then(settle, settle);
    return run.then((attempts) => ({ attempts }));
  };
}
