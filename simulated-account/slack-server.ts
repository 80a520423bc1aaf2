/**
 * A real HTTP server on 127.0.0.1 standing in for a Slack incoming webhook. Responses are scripted
 * per request (default 200 `ok`); every request is recorded with its parsed payload, and the highest
 * number of requests in flight at once is tracked to prove posts are serialised.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackMessage } from '../shared/slack/blocks';

export interface ScriptedResponse {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

export interface SlackServer {
  /** The webhook URL, with a secret-looking path like Slack's. */
  readonly url: string;
  readonly requests: Array<{ path: string; payload: SlackMessage; contentType: string | undefined }>;
  readonly maxInFlight: number;
  /** Responses for the next requests, in order; afterwards `fallback` (default 200 ok). */
  respond(...responses: ScriptedResponse[]): void;
  respondByDefault(response: ScriptedResponse): void;
  close(): Promise<void>;
}

export const WEBHOOK_PATH = '/services/T0NETWARDEN/B0ONCALL/xoxsecretZ9q8W7e6R5t4Y3u2';

export async function startSlackServer(): Promise<SlackServer> {
  const script: ScriptedResponse[] = [];
  let fallback: ScriptedResponse = { status: 200, body: 'ok' };
  const requests: SlackServer['requests'] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        path: request.url ?? '',
        payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackMessage,
        contentType: request.headers['content-type'],
      });
      const scripted = script.shift() ?? fallback;
      // Answer on a later tick so overlapping requests would really overlap.
      setImmediate(() => {
        inFlight -= 1;
        response.writeHead(scripted.status, { 'content-type': 'text/plain', ...scripted.headers });
        response.end(scripted.body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    respond: (...responses) => script.push(...responses),
    respondByDefault: (response) => {
      fallback = response;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 whose port nothing listens on: connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
}

/** A clock that only moves when the code under test sleeps: retries take no real time. */
export function manualTime(start = 1_750_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}
