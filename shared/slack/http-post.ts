/**
 * One HTTP(S) POST of a webhook payload over node:http / node:https, answering in the shape send.ts
 * reads from `fetch` (ok, status, text(), headers.get()).
 *
 * Why not the global `fetch`: its first call loads and compiles Node's bundled undici (and its llhttp
 * WebAssembly), about 90 ms of CPU on the 2-core bench machine, every cold start of notify-slack, while
 * node:http is already loaded for the AWS SDK's requests. Errors keep fetch's shape where send.ts looks:
 * a refused or reset connection rejects with the socket error as `cause` (its `code`, e.g. ECONNREFUSED),
 * and an aborted request (the caller's AbortSignal.timeout) rejects with an error named `AbortError`.
 * No message produced here carries the URL.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface WebhookRequest {
  readonly method: 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly signal: AbortSignal;
}

export interface WebhookResponse {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
  readonly headers: { get(name: string): string | null };
}

/** What send.ts needs of a transport; the global `fetch` fits it too (tests pass it). */
export type PostWebhook = (url: string, init: WebhookRequest) => Promise<WebhookResponse>;

function answer(response: IncomingMessage, body: Promise<string>): WebhookResponse {
  const status = response.statusCode ?? 0;
  return {
    ok: status >= 200 && status < 300,
    status,
    text: () => body,
    headers: {
      get: (name) => {
        const value = response.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
  };
}

export const postWebhook: PostWebhook = (url, init) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'http:' ? httpRequest : httpsRequest;
    const body = Buffer.from(init.body, 'utf8');
    const outgoing = send(
      target,
      {
        method: init.method,
        headers: { ...init.headers, 'content-length': String(body.length) },
        signal: init.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        // The body is read whole before the answer is given, as fetch's text() would; a stream cut
        // short by the timeout gives up what arrived.
        const text = new Promise<string>((done) => {
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
          response.on('error', () => done(Buffer.concat(chunks).toString('utf8')));
          response.on('aborted', () => done(Buffer.concat(chunks).toString('utf8')));
        });
        void text.then(() => resolve(answer(response, text)));
      },
    );
    outgoing.on('error', (error: Error) => {
      if (error.name === 'AbortError') {
        reject(error);
        return;
      }
      const code = (error as { code?: unknown }).code;
      reject(
        new Error(`webhook request failed: ${typeof code === 'string' ? code : error.name}`, {
          cause: error,
        }),
      );
    });
    outgoing.end(body);
  });
