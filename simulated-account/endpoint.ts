/**
 * The simulated account as an HTTP endpoint on 127.0.0.1: any process — a packaged handler, `osls
 * invoke local`, the CLI, a user's script — reaches it with `AWS_ENDPOINT_URL=<url>` and any
 * credentials. Each request goes through the same router as the in-process transport.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Identity } from './identities';
import type { Simulation } from './index';
import { ConnectionDropped, type WireRequest } from './wire/router';

export interface ServedSimulation {
  readonly url: string;
  close(): Promise<void>;
}

async function wireRequest(request: IncomingMessage): Promise<WireRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    method: request.method ?? 'GET',
    host: (headers.host ?? '').replace(/:\d+$/, ''),
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: Buffer.concat(chunks),
  };
}

export interface ServeOptions {
  readonly port?: number;
  /** Who a request's signer is, from its access key id: the principal its CloudTrail events name. */
  readonly identityOf?: (accessKeyId: string) => Identity;
}

const accessKeyOf = (authorization = ''): string => /Credential=([^/]+)\//.exec(authorization)?.[1] ?? '';

export async function serveSimulation(
  sim: Simulation,
  options: ServeOptions = {},
): Promise<ServedSimulation> {
  const answer = async (wire: WireRequest) => {
    const identity = options.identityOf?.(accessKeyOf(wire.headers.authorization));
    if (!identity) return sim.account.router.handle(wire);
    const outcome = await sim.account.as(identity, () => sim.account.router.handle(wire));
    if (outcome.error) throw outcome.error;
    if (!outcome.result) throw new Error('the simulated account gave no answer');
    return outcome.result;
  };
  const server = createServer((request, response) => {
    // AWS SDKs and CLIs send no Origin; a browser does. A web page must not drive the sandbox.
    if (request.headers.origin !== undefined) {
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end('the simulated account answers AWS clients, not browsers');
      request.resume();
      return;
    }
    wireRequest(request)
      .then(answer)
      .then((answer) => {
        response.writeHead(answer.status, {
          ...answer.headers,
          'content-length': String(answer.body.length),
        });
        response.end(answer.body);
      })
      .catch((error: unknown) => {
        // A dropped connection is a fault the test asked for; anything else is a simulation bug, said loudly.
        if (error instanceof ConnectionDropped) {
          request.socket.destroy();
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`simulated account failure: ${message}`);
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
