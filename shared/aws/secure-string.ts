/**
 * A SecureString read with one signed HTTPS call to SSM's GetParameter, without the AWS SDK.
 *
 * Why: the functions that only need a secret before their first post (notify-slack's webhook URL,
 * slack-interact's signing secret, app mode's bot token) paid for the SDK's SSM client on every cold
 * start — the client, its serde, the credential provider chain, the user-agent parser — which was
 * most of notify-slack's cold first event (`npm run bench`). What a Lambda needs of all that is small
 * and fixed: the execution role's credentials are in the environment, the endpoint is the region's
 * (or AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL, as the SDK reads them), the protocol is AWS JSON 1.1
 * signed with SigV4 (test/shared/aws/secure-string.test.ts checks the signature against the SDK's own
 * signer, @smithy/signature-v4). Throttling, 5xx and dropped connections are retried like the SDK's
 * standard mode; anything else fails with AWS's error code.
 *
 * The value never appears in a log, an error message or a serialised object (see `Secret`).
 */
import { createHash, createHmac } from 'node:crypto';
import { type PostWebhook, postWebhook } from '../slack/http-post';

/** A string that prints as `[redacted]` everywhere except through `reveal()`. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[redacted]';
  }
}

export class SecretUnavailable extends Error {
  override readonly name = 'SecretUnavailable';
}

export interface CachedSecretOptions {
  readonly ttlMs: number;
  /** The clock (the function's, from its wiring). */
  readonly now: () => Date;
}

export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;

/** What GetParameter answers of a parameter: its type and value. */
export interface ParameterRead {
  readonly type?: string;
  readonly value?: string;
}

/** An error AWS answered, named by its code (`ParameterNotFound`), as the SDK's errors are. */
export class AwsCallFailed extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
  ) {
    super(`SSM answered ${status} ${code}`);
    this.name = code;
  }
}

/**
 * `() => Promise<Secret>` reading `name` through `read` at most once per TTL. A failed read is not
 * cached, and its error names the parameter and AWS's error code only — never the value, never AWS's
 * message text.
 */
export function cachedSecret(
  read: (name: string) => Promise<ParameterRead>,
  name: string,
  options: CachedSecretOptions = { ttlMs: DEFAULT_SECRET_TTL_MS, now: () => new Date() },
): () => Promise<Secret> {
  let cached: { secret: Secret; expires: number } | undefined;
  let loading: Promise<Secret> | undefined;
  const load = async (): Promise<Secret> => {
    let parameter: ParameterRead;
    try {
      parameter = await read(name);
    } catch (error) {
      const code = errorCode(error);
      throw new SecretUnavailable(`could not read SSM parameter ${name}: ${code ?? 'unknown error'}`, {
        cause: { code },
      });
    }
    if (!parameter.value) throw new SecretUnavailable(`SSM parameter ${name} has no value`);
    if (parameter.type !== 'SecureString')
      throw new SecretUnavailable(`SSM parameter ${name} is a ${parameter.type}, expected a SecureString`);
    const secret = new Secret(parameter.value);
    cached = { secret, expires: options.now().getTime() + options.ttlMs };
    return secret;
  };
  return async () => {
    if (cached && options.now().getTime() < cached.expires) return cached.secret;
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  };
}

/** AWS's error code of a failed call (the SDK's `name` or `Code`), or a network error's own code. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { name?: unknown; Code?: unknown; cause?: { code?: unknown } };
  if (typeof candidate.Code === 'string') return candidate.Code;
  if (typeof candidate.cause?.code === 'string') return candidate.cause.code;
  return typeof candidate.name === 'string' ? candidate.name : undefined;
}

// ── GetParameter on the wire ─────────────────────────────────────────────────────────────────────

/** Where the call goes: the transport and the environment it reads (Lambda's, by default). */
export interface SsmWire {
  readonly post: PostWebhook;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  /** Waits between attempts; tests may pass one that does not wait. */
  readonly sleep: (ms: number) => Promise<void>;
}

const defaultWire: SsmWire = {
  post: postWebhook,
  env: process.env,
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
// Kept on globalThis under a registered symbol, not in a module variable: a test that re-imports the
// handler (vi.resetModules) gets a fresh copy of this module, and the connection must reach it too.
const WIRE = Symbol.for('netwarden.ssm-wire');
const holder = globalThis as { [WIRE]?: SsmWire };
const currentWire = (): SsmWire => holder[WIRE] ?? defaultWire;

/**
 * Points the reader at another transport, or back at the network (`undefined`). Only the simulated
 * account's in-process connection uses it (simulated-account/wire/in-process.ts), as it replaces the
 * SDK clients' request handler: the request is still signed and encoded as it would be on the network.
 */
export function useSsmWire(replacement: Partial<SsmWire> | undefined): void {
  if (replacement) holder[WIRE] = { ...defaultWire, ...replacement };
  else delete holder[WIRE];
}

/** Attempts per read, as the SDK's standard retry mode of the writers (shared/aws/clients/retries.ts). */
const MAX_ATTEMPTS = 5;
/** Each attempt's own limit: far above SSM's answer time, far below the functions' timeouts. */
const ATTEMPT_TIMEOUT_MS = 5_000;
const RETRYABLE_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyUpdates',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
]);

function endpointOf(env: NodeJS.ProcessEnv, region: string): URL {
  const configured = env.AWS_ENDPOINT_URL_SSM ?? env.AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://ssm.${region}.${suffix}/`);
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/**
 * SigV4 headers of a POST of `body` to `endpoint`'s path with `headers` (lower-case names), signed
 * for `service` in `region` at `at`. Every header given is signed, host and x-amz-date included.
 */
export function signedHeaders(request: {
  readonly endpoint: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly at: Date;
}): Record<string, string> {
  const amzDate = request.at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...request.headers,
    host: request.endpoint.host,
    'x-amz-date': amzDate,
    ...(request.credentials.sessionToken ? { 'x-amz-security-token': request.credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'POST',
    request.endpoint.pathname || '/',
    '',
    ...names.map((name) => `${name}:${String(headers[name]).trim().replace(/\s+/g, ' ')}`),
    '',
    names.join(';'),
    sha256Hex(request.body),
  ].join('\n');
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key = hmac(`AWS4${request.credentials.secretAccessKey}`, day);
  for (const part of [request.region, request.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${request.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

/**
 * GetParameter, signed with the execution role's credentials from the environment: with decryption
 * (a SecureString), or without it for a plain String (the kill switch, which the role may read
 * without any KMS grant).
 */
export async function getParameterOverHttp(name: string, withDecryption = true): Promise<ParameterRead> {
  const wire = currentWire();
  const { env } = wire;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!region) throw new AwsCallFailed('MissingRegion', 0);
  if (!accessKeyId || !secretAccessKey) throw new AwsCallFailed('MissingCredentials', 0);
  const endpoint = endpointOf(env, region);
  const body = JSON.stringify(withDecryption ? { Name: name, WithDecryption: true } : { Name: name });
  for (let attempt = 1; ; attempt += 1) {
    const headers = signedHeaders({
      endpoint,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonSSM.GetParameter',
      },
      body,
      region,
      service: 'ssm',
      credentials: {
        accessKeyId,
        secretAccessKey,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      },
      at: wire.now(),
    });
    let failure: unknown;
    try {
      const response = await wire.post(endpoint.href, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      const text = await response.text();
      const answer = (text ? JSON.parse(text) : {}) as {
        Parameter?: { Type?: string; Value?: string };
        __type?: string;
        code?: string;
      };
      if (response.ok)
        return {
          ...(answer.Parameter?.Type !== undefined ? { type: answer.Parameter.Type } : {}),
          ...(answer.Parameter?.Value !== undefined ? { value: answer.Parameter.Value } : {}),
        };
      // AWS JSON names the error in a header or in the body, sometimes as `namespace#Code` or `Code:detail`.
      const raw = response.headers.get('x-amzn-errortype') ?? answer.__type ?? answer.code ?? 'UnknownError';
      failure = new AwsCallFailed((raw.split(':')[0] ?? raw).split('#').pop() ?? raw, response.status);
    } catch (error) {
      // A refused or dropped connection, a timeout, an answer cut short: worth another attempt.
      failure = error;
    }
    if (failure instanceof AwsCallFailed && !retryable(failure)) throw failure;
    if (attempt >= MAX_ATTEMPTS) throw failure;
    // Standard mode's backoff: full jitter, base 100 ms, doubling.
    await wire.sleep(Math.random() * 100 * 2 ** (attempt - 1));
  }
}

const retryable = (error: AwsCallFailed) =>
  error.status >= 500 || error.status === 429 || RETRYABLE_CODES.has(error.code);

/**
 * A plain String parameter's value over signed HTTPS (no SDK), or undefined when it does not exist:
 * the kill switch, read on every event by every function that publishes. Through the SDK's SSM
 * client it cost each cold first event the client's load and setup, the most of any client the
 * weekly check loaded (`npm run bench`), for one small call.
 */
export async function stringParameterOverHttp(name: string): Promise<string | undefined> {
  try {
    return (await getParameterOverHttp(name, false)).value;
  } catch (error) {
    if (error instanceof AwsCallFailed && error.code === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/** The SecureString `name`, read over signed HTTPS (no SDK), cached per `options`. */
export const secureStringOverHttp = (name: string, options?: CachedSecretOptions): (() => Promise<Secret>) =>
  cachedSecret(getParameterOverHttp, name, options);
