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
 *   present (`no_text`), at most 100 attachments (`too_many_attachments`), a `thread_ts` that names a
 *   message of the channel (`invalid_thread_ts`), a `chat.update` of a message that exists
 *   (`message_not_found`);
 * - the blocks, at the top level or in an attachment, as Block Kit's reference states them: at most 50;
 *   a known type; a block_id of at most 255; a section's text at most 3,000 and its fields at most 10
 *   of 2,000 each, one of the two present; a header's plain_text at most 150; a context's 1 to 10
 *   elements; an action block's 1 to 25 elements, a button's plain_text at most 75, its action_id 255
 *   and value 2,000; every text object `plain_text` or `mrkdwn` and not empty. Anything else is
 *   `invalid_blocks`, with Slack's `response_metadata.messages` naming where, as Slack does. These
 *   numbers are written here, not imported from shared/slack/blocks.ts: the stand-in must catch the
 *   day netwarden's own limits are wrong;
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
const MAX_ATTACHMENTS = 100;
/** The block types a message may hold (https://api.slack.com/reference/block-kit/blocks). */
const MESSAGE_BLOCK_TYPES = new Set([
  'actions',
  'context',
  'divider',
  'file',
  'header',
  'image',
  'markdown',
  'rich_text',
  'section',
  'video',
]);

type Problems = string[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A text object: `plain_text` (when `plainOnly`) or `mrkdwn`, of 1 to `max` characters. */
function checkText(value: unknown, max: number, where: string, problems: Problems, plainOnly = false): void {
  if (!isRecord(value) || typeof value.text !== 'string') {
    problems.push(`[ERROR] must provide an object [json-pointer:${where}]`);
    return;
  }
  const types = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (!types.includes(String(value.type)))
    problems.push(`[ERROR] must be one of ${types.join(', ')} [json-pointer:${where}/type]`);
  if (value.text.length === 0)
    problems.push(`[ERROR] must be more than 0 characters [json-pointer:${where}/text]`);
  if (value.text.length > max)
    problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${where}/text]`);
}

function checkString(value: unknown, max: number, where: string, problems: Problems): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > max)
    problems.push(`[ERROR] must be a string of at most ${max} characters [json-pointer:${where}]`);
}

/** Slack's `response_metadata.messages` for the blocks, empty when Slack would take them. */
export function blockProblems(blocks: ReadonlyArray<unknown>, at: string): Problems {
  const problems: Problems = [];
  if (blocks.length > MAX_BLOCKS)
    problems.push(`[ERROR] no more than ${MAX_BLOCKS} items allowed [json-pointer:${at}]`);
  blocks.forEach((block, index) => {
    const where = `${at}/${index}`;
    if (!isRecord(block) || !MESSAGE_BLOCK_TYPES.has(String(block.type))) {
      problems.push(
        `[ERROR] unsupported type: ${String(isRecord(block) ? block.type : block)} [json-pointer:${where}]`,
      );
      return;
    }
    checkString(block.block_id, 255, `${where}/block_id`, problems);
    const list = (key: string) => (Array.isArray(block[key]) ? (block[key] as unknown[]) : undefined);
    switch (block.type) {
      case 'section': {
        const fields = list('fields');
        if (block.text === undefined && !fields)
          problems.push(`[ERROR] must provide text or fields [json-pointer:${where}]`);
        if (block.text !== undefined) checkText(block.text, 3000, `${where}/text`, problems);
        if (fields && fields.length > 10)
          problems.push(`[ERROR] no more than 10 items allowed [json-pointer:${where}/fields]`);
        for (const [i, field] of (fields ?? []).entries())
          checkText(field, 2000, `${where}/fields/${i}`, problems);
        break;
      }
      case 'header':
        checkText(block.text, 150, `${where}/text`, problems, true);
        break;
      case 'context': {
        const elements = list('elements') ?? [];
        if (elements.length < 1 || elements.length > 10)
          problems.push(`[ERROR] must have 1 to 10 items [json-pointer:${where}/elements]`);
        elements.forEach((element, i) => {
          if (isRecord(element) && element.type === 'image') return;
          checkText(element, 3000, `${where}/elements/${i}`, problems);
        });
        break;
      }
      case 'actions': {
        const elements = list('elements') ?? [];
        if (elements.length < 1 || elements.length > 25)
          problems.push(`[ERROR] must have 1 to 25 items [json-pointer:${where}/elements]`);
        elements.forEach((element, i) => {
          const on = `${where}/elements/${i}`;
          if (!isRecord(element) || element.type !== 'button') return;
          checkText(element.text, 75, `${on}/text`, problems, true);
          checkString(element.action_id, 255, `${on}/action_id`, problems);
          checkString(element.value, 2000, `${on}/value`, problems);
          checkString(element.url, 3000, `${on}/url`, problems);
        });
        break;
      }
    }
  });
  return problems;
}
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

  const refuse = (error: string, messages?: ReadonlyArray<string>) => ({
    ok: false,
    error,
    ...(messages && messages.length > 0 ? { response_metadata: { messages } } : {}),
  });

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
    const blocksOf = (a: unknown) => (isRecord(a) && Array.isArray(a.blocks) ? (a.blocks as unknown[]) : []);
    const attachmentBlocks = attachments.flatMap(blocksOf);
    if (text.length > MAX_TEXT) return refuse('msg_too_long');
    if (!text && blocks.length === 0 && attachments.length === 0) return refuse('no_text');
    if (attachments.length > MAX_ATTACHMENTS) return refuse('too_many_attachments');
    const problems = [
      ...blockProblems(blocks, '/blocks'),
      ...attachments.flatMap((a, i) => blockProblems(blocksOf(a), `/attachments/${i}/blocks`)),
    ];
    if (problems.length > 0) return refuse('invalid_blocks', problems);
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
