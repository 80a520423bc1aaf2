/**
 * The Slack Web API client of app mode (the contract: app.ts): `chat.postMessage`, `chat.update`,
 * `chat.postEphemeral` and `conversations.open` over fetch, with the bot token in the Authorization header, and the same small
 * retry as the webhook's (send.ts).
 *
 * What Slack answers, and what it means here:
 * - HTTP 200 with `ok: true`: done.
 * - HTTP 429 (`ratelimited`): wait `Retry-After` seconds, then try again while the time budget lasts.
 * - HTTP 5xx, a network error or a timeout, or `ok: false` with `internal_error`, `service_unavailable`
 *   or `request_timeout`: transient, retried with backoff; past the budget `SlackUnavailable`.
 * - Any other `ok: false` (`channel_not_found`, `not_in_channel`, `invalid_auth`, `is_archived`,
 *   `msg_too_long`, `invalid_blocks`, `message_not_found` …): permanent, thrown at once as
 *   `SlackApiRejected` naming the method, Slack's code and what to do about it.
 * Calls are serialised per client, so a batch never bursts past Slack's per-channel limit on its own.
 * The bot token is a secret: it goes only into the Authorization header, never into a message,
 * error or log this module produces.
 */
import type { MessageRef, SlackWebApi } from './app';
import { type SlackMessage, violations } from './blocks';
import type { WebhookResponse } from './http-post';
import {
  InvalidSlackMessage,
  RETRY,
  realSendDeps,
  type SendDeps,
  SlackRejected,
  SlackUnavailable,
} from './send';

export const SLACK_API_BASE_URL = 'https://slack.com/api';

/** What a refusal means for the one who must fix it; codes from Slack's method references. */
const HINTS: Record<string, string> = {
  not_authed: 'no bot token was sent',
  invalid_auth:
    'the bot token is not valid: check the SSM parameter holds the xoxb- token of the installed app',
  account_inactive: 'the bot token belongs to a deleted user or workspace',
  token_revoked: 'the bot token was revoked or the app uninstalled: reinstall it and store the new token',
  missing_scope: 'the app lacks a scope this call needs (chat:write, im:write): add it and reinstall',
  channel_not_found: "no channel with this id is visible to the bot: check the route's channel id",
  not_in_channel: 'the bot is not a member of the channel: invite it (/invite @netwarden)',
  is_archived: 'the channel is archived: route to another channel',
  msg_too_long: 'the message text is too long',
  invalid_blocks: 'Slack refused the blocks (more than 50, or one it cannot read)',
  invalid_thread_ts: "the thread's first message no longer exists",
  message_not_found: 'the message to update no longer exists',
  cant_update_message: "only the bot's own messages can be updated",
  edit_window_closed: 'the message is too old to be updated',
  user_not_found: 'no Slack user with this id',
  unknown_method: 'Slack has no such method',
};

/** Slack says these mean "try again later". */
const TRANSIENT = new Set([
  'internal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'rate_limited',
]);

/** Slack answered `ok: false` with a code that retrying cannot fix. `body` is Slack's code. */
export class SlackApiRejected extends SlackRejected {
  override readonly name: string = 'SlackApiRejected';
  constructor(
    readonly method: string,
    status: number,
    readonly code: string,
  ) {
    super(status, code);
    const hint = HINTS[code];
    this.message = `Slack refused ${method}: ${code}${hint ? ` (${hint})` : ''}`;
  }
}

export interface WebApiOptions {
  /** The bot token (an SSM SecureString), read when the first call is made. */
  readonly token: () => Promise<{ reveal(): string }>;
  /** `https://slack.com/api` unless a test points it at a stand-in on 127.0.0.1. */
  readonly baseUrl?: string;
  /** Milliseconds one call may take in all, waits included (the invocation's remaining time less a margin). */
  readonly budgetMs: () => number;
}

interface ApiAnswer {
  readonly ok?: boolean;
  readonly error?: string;
  readonly channel?: string | { readonly id?: string };
  readonly ts?: string;
}

type Attempt = { done: true; answer: ApiAnswer } | { done: false; problem: string; waitMs: number };

const COLOR = /^#[0-9a-f]{6}$/i;

/** The message as Slack reads it: blocks inside one coloured attachment when it has a colour. */
function content({ text, blocks, color }: SlackMessage): Record<string, unknown> {
  if (color && COLOR.test(color)) return { text, attachments: [{ color, blocks }] };
  return { text, blocks };
}

const backoffMs = (attempt: number) => Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));

function retryAfterMs(header: string | null): number {
  const seconds = header === null ? Number.NaN : Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : RETRY.defaultRetryAfterMs;
}

function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const name = error instanceof Error ? error.name : 'Error';
  return code ?? (name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : name);
}

/** A Slack Web API client with the bot token bound; keep one per process so every caller shares its queue. */
export function slackWebApi(options: WebApiOptions, deps: SendDeps = realSendDeps): SlackWebApi {
  const base = (options.baseUrl ?? SLACK_API_BASE_URL).replace(/\/+$/, '');
  let queue: Promise<unknown> = Promise.resolve();

  async function attempt(
    method: string,
    body: string,
    token: string,
    timeoutMs: number,
    n: number,
  ): Promise<Attempt> {
    let response: WebhookResponse;
    try {
      response = await deps.fetch(`${base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { done: false, problem: `network error ${networkProblem(error)}`, waitMs: backoffMs(n) };
    }
    const text = await response.text().catch(() => '');
    if (response.status === 429)
      return {
        done: false,
        problem: 'HTTP 429 ratelimited',
        waitMs: retryAfterMs(response.headers.get('retry-after')),
      };
    if (response.status >= 500)
      return { done: false, problem: `HTTP ${response.status}`, waitMs: backoffMs(n) };
    let answer: ApiAnswer;
    try {
      answer = JSON.parse(text) as ApiAnswer;
    } catch {
      // Not Slack's JSON (a proxy's page, a 404 for a mistyped base URL): nothing a retry fixes.
      throw new SlackApiRejected(method, response.status, `not_json_http_${response.status}`);
    }
    if (answer.ok === true) return { done: true, answer };
    const code = typeof answer.error === 'string' && answer.error ? answer.error : 'unknown_error';
    if (TRANSIENT.has(code)) return { done: false, problem: code, waitMs: backoffMs(n) };
    throw new SlackApiRejected(method, response.status, code);
  }

  async function callOnce(method: string, payload: Record<string, unknown>): Promise<ApiAnswer> {
    const token = (await options.token()).reveal();
    const body = JSON.stringify(payload);
    const deadline = deps.now() + options.budgetMs();
    let last = '';
    for (let n = 1; n <= RETRY.maxAttempts; n += 1) {
      const left = deadline - deps.now();
      if (left <= 0) break;
      const result = await attempt(method, body, token, Math.min(RETRY.requestTimeoutMs, left), n);
      if (result.done) return result.answer;
      last = result.problem;
      if (n === RETRY.maxAttempts) break;
      if (deps.now() + result.waitMs >= deadline) {
        last = `${last}; next try in ${result.waitMs} ms is past the time budget`;
        break;
      }
      await deps.sleep(result.waitMs);
    }
    throw new SlackUnavailable(`Slack ${method} unavailable: ${last || 'no time left to try'}`);
  }

  /** One call after another, even when callers overlap. */
  function call(method: string, payload: Record<string, unknown>): Promise<ApiAnswer> {
    const run = queue.catch(() => undefined).then(() => callOnce(method, payload));
    queue = run;
    return run;
  }

  function checked(message: SlackMessage): SlackMessage {
    const problems = violations(message);
    if (problems.length > 0)
      throw new InvalidSlackMessage(`refusing to send an invalid payload: ${problems.join('; ')}`);
    return message;
  }

  const refOf = (method: string, answer: ApiAnswer, channel: string): MessageRef => {
    const where = typeof answer.channel === 'string' ? answer.channel : channel;
    if (!answer.ts) throw new SlackApiRejected(method, 200, 'no_ts_in_answer');
    return { channel: where, ts: answer.ts };
  };

  async function postMessage(channel: string, message: SlackMessage, threadTs?: string): Promise<MessageRef> {
    const answer = await call('chat.postMessage', {
      channel,
      ...content(checked(message)),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      // netwarden's text is escaped by construction (blocks.ts): Slack must not turn words into links.
      unfurl_links: false,
      unfurl_media: false,
    });
    return refOf('chat.postMessage', answer, channel);
  }

  return {
    postMessage,
    async update(ref, message) {
      await call('chat.update', { channel: ref.channel, ts: ref.ts, ...content(checked(message)) });
    },
    async postDirect(userId, message) {
      checked(message);
      const opened = await call('conversations.open', { users: userId });
      const channel = typeof opened.channel === 'object' ? opened.channel.id : undefined;
      if (!channel) throw new SlackApiRejected('conversations.open', 200, 'no_channel_in_answer');
      return postMessage(channel, message);
    },
    async postEphemeral(channel, userId, message) {
      await call('chat.postEphemeral', { channel, user: userId, ...content(checked(message)) });
    },
  };
}
