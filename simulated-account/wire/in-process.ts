/**
 * The in-process transport: the SDK clients of the simulated services get a request handler that
 * passes each signed HTTP request to the router instead of the network. Everything above the
 * handler is the real SDK: serializers, signing, retries, deserializers, error classes, paginators.
 * Only clients of services the simulated account knows are redirected; any other (DynamoDB, which
 * dynalite serves over HTTP) keeps its own handler.
 */
import { Readable } from 'node:stream';
import type { HttpRequest } from '@smithy/types';
import { useSsmWire } from '../../shared/aws/secure-string';
import type { PostWebhook } from '../../shared/slack/http-post';
import { ConnectionDropped, type WireRouter } from './router';
import type { AnyClientClass } from './schema';

interface SmithyClient {
  config: { requestHandler: unknown; serviceId?: string };
}
type Send = (this: SmithyClient, ...args: unknown[]) => unknown;

export interface RequestHandler {
  handle(
    request: HttpRequest,
  ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
}

/** What answers the wire: one account's router, or an organisation's (organization.ts) that picks the account. */
export type Wire = Pick<WireRouter, 'handle'>;

export function inProcessHandler(router: Wire): RequestHandler {
  return {
    async handle(request) {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(request.query ?? {})) {
        for (const item of Array.isArray(value) ? value : [value])
          if (item !== null) query.append(name, item);
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
      );
      try {
        const response = await router.handle({
          method: request.method,
          host: request.hostname,
          path: request.path,
          query,
          headers,
          body: await bodyBytes(request.body),
        });
        return {
          response: {
            statusCode: response.status,
            headers: response.headers,
            body: Readable.from([response.body]),
          },
        };
      } catch (error) {
        // The SDK treats ECONNRESET as a transient network error, as it would a real dropped socket.
        if (error instanceof ConnectionDropped)
          throw Object.assign(new Error(error.message), { code: 'ECONNRESET' });
        throw error;
      }
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Readable || (typeof body === 'object' && Symbol.asyncIterator in body)) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new Error(`the simulated account cannot read a request body of type ${typeof body}`);
}

let active: { handler: RequestHandler } | undefined;
const patched = new Map<AnyClientClass, Send | undefined>();
const redirected = new Map<SmithyClient, unknown>();

/**
 * Redirects every instance of the patched client classes — created before or after — to `router`
 * from its next call on, until `disconnect()`. One simulated account is connected at a time.
 */
export function connect(router: Wire): void {
  giveHandlersBack();
  active = { handler: inProcessHandler(router) };
  // The functions read their secrets with one signed call and no SDK client (shared/aws/secure-string.ts).
  useSsmWire({ post: inProcessPost(router) });
}

/** The signed POST that shared/aws/secure-string.ts makes, answered by the router instead of the network. */
export function inProcessPost(router: Wire): PostWebhook {
  return async (url, init) => {
    const target = new URL(url);
    try {
      const response = await router.handle({
        method: init.method,
        host: target.hostname,
        path: target.pathname,
        query: target.searchParams,
        headers: Object.fromEntries(
          Object.entries(init.headers).map(([name, value]) => [name.toLowerCase(), value]),
        ),
        body: Buffer.from(init.body, 'utf8'),
      });
      const text = response.body.toString('utf8');
      return {
        ok: response.status >= 200 && response.status < 300,
        status: response.status,
        text: async () => text,
        headers: { get: (name) => response.headers[name.toLowerCase()] ?? null },
      };
    } catch (error) {
      // As node:http rejects a reset socket: the socket error, with its code, as the cause.
      if (error instanceof ConnectionDropped)
        throw new Error('request failed: ECONNRESET', {
          cause: Object.assign(new Error(error.message), { code: 'ECONNRESET' }),
        });
      throw error;
    }
  };
}

function giveHandlersBack(): void {
  for (const [client, handler] of redirected) client.config.requestHandler = handler;
  redirected.clear();
}

export function patch(client: AnyClientClass): void {
  if (patched.has(client)) return;
  const prototype = client.prototype as { send: Send };
  const own = Object.hasOwn(prototype, 'send') ? prototype.send : undefined;
  patched.set(client, own);
  const send = prototype.send;
  prototype.send = function redirectedSend(this: SmithyClient, ...args: unknown[]) {
    if (active && !redirected.has(this)) {
      redirected.set(this, this.config.requestHandler);
      this.config.requestHandler = active.handler;
    }
    return send.apply(this, args);
  };
}

/** Gives every redirected client its own request handler back and unpatches the classes. */
export function disconnect(): void {
  active = undefined;
  useSsmWire(undefined);
  giveHandlersBack();
  for (const [client, own] of patched) {
    const prototype = client.prototype as { send?: Send };
    if (own) prototype.send = own;
    else delete prototype.send;
  }
  patched.clear();
}
