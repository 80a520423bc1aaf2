/**
 * How the CLI reaches grant-access: an HTTPS call to its Function URL, signed with SigV4 (service
 * `lambda`) using the caller's OWN credentials, so that AWS verifies who is asking and grant-access
 * takes the requester from that verification, never from the request. Nothing here decides anything.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface GrantCall {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** `/grants` or `/grants/<rule-id>`. */
  readonly path: string;
  readonly body?: Record<string, unknown>;
}
export interface GrantReply {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
}
export type GrantTransport = (call: GrantCall) => Promise<GrantReply>;
/** Static keys or a provider (the SDK's default chain: env, profile, SSO, instance role …). */
type SignerCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/** `https://<id>.lambda-url.<region>.on.aws/` names its region; anything else needs AWS_REGION. */
export function regionOf(url: URL, fallback: string | undefined): string {
  const match = /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(url.hostname);
  const region = match?.[1] ?? fallback;
  if (!region)
    throw new Error(
      `cannot tell the region of ${url.origin}: set AWS_REGION (a Function URL names it in its host)`,
    );
  return region;
}

export function signedTransport(
  base: string,
  options: {
    credentials: SignerCredentials;
    region?: string;
    fetch?: typeof fetch;
  },
): GrantTransport {
  const root = new URL(base);
  const signer = new SignatureV4({
    service: 'lambda',
    region: regionOf(root, options.region),
    credentials: options.credentials,
    sha256: Sha256,
  });
  const send = options.fetch ?? fetch;
  return async (call) => {
    const url = new URL(call.path.replace(/^\//, ''), root.href.endsWith('/') ? root.href : `${root.href}/`);
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const signed = await signer.sign({
      method: call.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: {
        host: url.host,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body }),
    });
    const response = await send(url, {
      method: call.method,
      headers: signed.headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      // AWS's own refusals (a bad signature, no lambda:InvokeFunctionUrl) come as JSON {Message} or text.
      parsed = { problems: [text.slice(0, 500)] };
    }
    if (typeof parsed.Message === 'string' || typeof parsed.message === 'string')
      parsed = { ...parsed, problems: [String(parsed.Message ?? parsed.message)] };
    return { statusCode: response.status, body: parsed };
  };
}
