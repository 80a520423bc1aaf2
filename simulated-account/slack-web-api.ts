/**
 * A real HTTP server on 127.0.0.1 standing in for Slack's Web API (https://slack.com/api/<method>), as
 * app mode calls it. It checks what Slack checks, answering as Slack does (HTTP 200 with `ok: false`
 * and the method reference's error code), and records every call for assertions:
 * - the token: `Authorization: Bearer <token>`; none is `not_authed`, another is `invalid_auth`;
 * - the method: only chat.postMessage, chat.update, chat.postEphemeral and conversations.open (others
 *   `unknown_method`); an ephemeral message is kept apart (`ephemerals`): only its user sees it;
 * - the channel: a known one (`channel_not_found`) of which the bot is a member (`not_in_channel`),
 *   not archived (`is_archived`);
 * - Slack's limits: a top-level text of at most 40,000 characters (`msg_too_long`), text or blocks
 *   present (`no_text`), at most 50 blocks (`invalid_blocks`), a `thread_ts` that names a message of
 *   the channel (`invalid_thread_ts`), a `chat.update` of a message that exists (`message_not_found`);
 * - a scripted rate limit: HTTP 429 with `Retry-After` and `ratelimited`.
 * Messages it accepted are kept per channel with their replies, so a test reads the thread as on-call would.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STAND_IN_BOT_TOKEN = 'xoxb-1111-2222-standinTokenNotARealOne';

export interface WebApiCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
  /** The answer sent: `ok`, and Slack's code when it refused. */
  readonly ok: boolean;
  readonly error?: string;
}

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  text: string;
  blocks: unknown[];
  attachments: unknown[];
  /** Every earlier version, oldest first, when chat.update replaced it. */
  readonly history: Array<{ text: string; blocks: unknown[]; attachments: unknown[] }>;
}

export interface ChannelSetup {
  readonly id: string;
  /** Whether the bot was invited (default true). */
  readonly member?: boolean;
  readonly archived?: boolean;
}

export interface SlackWebApiStandIn {
  /** The base URL to give the client instead of https://slack.com/api. */
  readonly baseUrl: string;
  readonly calls: WebApiCall[];
  readonly messages: PostedMessage[];
  /** The ephemeral messages (chat.postEphemeral), each with the one user who sees it. */
  readonly ephemerals: Array<{ channel: string; user: string; text: string; blocks: unknown[] }>;
  /** The top-level messages of a channel, oldest first. */
  topLevel(channel: string): PostedMessage[];
  /** The replies under the message `ts`, oldest first. */
  replies(channel: string, ts: string): PostedMessage[];
  /** The next `count` calls get HTTP 429 `ratelimited` with `Retry-After: seconds`. */
  rateLimit(count: number, seconds: number): void;
  /** The next `count` calls get HTTP `status` (5xx) with no JSON. */
  fail(count: number, status: number): void;
  addChannel(channel: ChannelSetup): void;
  close(): Promise<void>;
}

const MAX_TEXT = 40_000;
const MAX_BLOCKS = 50;
const METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'conversations.open']);

export async function startSlackWebApi(
  setup: { token?: string; channels?: ReadonlyArray<ChannelSetup>; users?: ReadonlyArray<string> } = {},
): Promise<SlackWebApiStandIn> {
  const token = setup.token ?? STAND_IN_BOT_TOKEN;
  const channels = new Map<string, ChannelSetup>();
  for (const channel of setup.channels ?? []) channels.set(channel.id, channel);
  const users = new Set(setup.users ?? []);
  const calls: WebApiCall[] = [];
  const messages: PostedMessage[] = [];
  const ephemerals: SlackWebApiStandIn['ephemerals'] = [];
  const scripted: Array<{ status: number; retryAfter?: number }> = [];
  const clock = 1_750_000_000;
  let sequence = 0;
  const nextTs = () => {
    sequence += 1;
    return `${clock + sequence}.${String(sequence).padStart(6, '0')}`;
  };
  const find = (channel: string, ts: string) => messages.find((m) => m.channel === channel && m.ts === ts);

  const refuse = (error: string) => ({ ok: false, error });

  /** The answer Slack would give, and what it changes. */
  function handle(method: string, payload: Record<string, unknown>): Record<string, unknown> {
    if (method === 'conversations.open') {
      const user = typeof payload.users === 'string' ? payload.users : '';
      if (!users.has(user)) return refuse('user_not_found');
      const id = `D${user.slice(1)}`;
      if (!channels.has(id)) channels.set(id, { id, member: true });
      return { ok: true, channel: { id } };
    }
    const channelId = typeof payload.channel === 'string' ? payload.channel : '';
    const channel = channels.get(channelId);
    if (!channel) return refuse('channel_not_found');
    if (channel.member === false) return refuse('not_in_channel');
    if (channel.archived) return refuse('is_archived');
    const text = typeof payload.text === 'string' ? payload.text : '';
    const attachments = Array.isArray(payload.attachments) ? payload.attachments : [];
    const blocks = Array.isArray(payload.blocks) ? payload.blocks : [];
    const attachmentBlocks = attachments.flatMap((a) =>
      Array.isArray((a as { blocks?: unknown }).blocks)
        ? ((a as { blocks: unknown[] }).blocks as unknown[])
        : [],
    );
    if (text.length > MAX_TEXT) return refuse('msg_too_long');
    if (!text && blocks.length === 0 && attachments.length === 0) return refuse('no_text');
    if (blocks.length > MAX_BLOCKS || attachmentBlocks.length > MAX_BLOCKS) return refuse('invalid_blocks');
    if (method === 'chat.postEphemeral') {
      const user = typeof payload.user === 'string' ? payload.user : '';
      if (!user) return refuse('user_not_found');
      ephemerals.push({
        channel: channelId,
        user,
        text,
        blocks: attachmentBlocks.length > 0 ? attachmentBlocks : blocks,
      });
      return { ok: true, message_ts: nextTs() };
    }
    if (method === 'chat.update') {
      const target = find(channelId, typeof payload.ts === 'string' ? payload.ts : '');
      if (!target) return refuse('message_not_found');
      target.history.push({ text: target.text, blocks: target.blocks, attachments: target.attachments });
      target.text = text;
      target.blocks = blocks;
      target.attachments = attachments;
      return { ok: true, channel: channelId, ts: target.ts, text };
    }
    const threadTs = typeof payload.thread_ts === 'string' ? payload.thread_ts : undefined;
    if (threadTs !== undefined && !find(channelId, threadTs)) return refuse('invalid_thread_ts');
    const ts = nextTs();
    messages.push({
      channel: channelId,
      ts,
      ...(threadTs ? { threadTs } : {}),
      text,
      blocks,
      attachments,
      history: [],
    });
    return { ok: true, channel: channelId, ts, message: { text, ts } };
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const answer = (
        status: number,
        body: Record<string, unknown>,
        headers: Record<string, string> = {},
      ) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        response.end(JSON.stringify(body));
      };
      let payload: Record<string, unknown> = {};
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        payload = {};
      }
      const record = (body: Record<string, unknown>) =>
        calls.push({
          method,
          payload,
          ok: body.ok === true,
          ...(typeof body.error === 'string' ? { error: body.error } : {}),
        });
      const next = scripted.shift();
      if (next) {
        const body = next.status === 429 ? refuse('ratelimited') : refuse('internal_error');
        record(body);
        if (next.status === 429) return answer(429, body, { 'retry-after': String(next.retryAfter ?? 1) });
        response.writeHead(next.status, { 'content-type': 'text/html' });
        return response.end('<html>upstream error</html>');
      }
      const auth = request.headers.authorization;
      let body: Record<string, unknown>;
      if (!auth) body = refuse('not_authed');
      else if (auth !== `Bearer ${token}`) body = refuse('invalid_auth');
      else if (!METHODS.has(method)) body = refuse('unknown_method');
      else if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
        body = refuse('invalid_post_type');
      else body = handle(method, payload);
      record(body);
      answer(method && METHODS.has(method) ? 200 : 404, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    calls,
    messages,
    ephemerals,
    topLevel: (channel) => messages.filter((m) => m.channel === channel && !m.threadTs),
    replies: (channel, ts) => messages.filter((m) => m.channel === channel && m.threadTs === ts),
    rateLimit: (count, seconds) => {
      for (let i = 0; i < count; i += 1) scripted.push({ status: 429, retryAfter: seconds });
    },
    fail: (count, status) => {
      for (let i = 0; i < count; i += 1) scripted.push({ status });
    },
    addChannel: (channel) => channels.set(channel.id, channel),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
