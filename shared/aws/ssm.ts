/**
 * SSM Parameter Store. Secrets: a SecureString read with decryption, cached in module scope for
 * a TTL so warm invocations skip the call, and a rotated value is picked up within the TTL. And the
 * kill switch's String parameter, read (its cache is shared/safety/kill-switch.ts) and set by the CLI.
 * The value never appears in a log, an error message or a serialised object (see `Secret`).
 */
import {
  DescribeParametersCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { awsErrorCode } from '../errors';
import { ssmClient } from './clients/ssm';

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

/**
 * `() => Promise<Secret>` reading `name` at most once per TTL. A failed read is not cached, and its
 * error names the parameter and AWS's error code only — never the value, never AWS's message text.
 */
export function cachedSecureString(
  client: Pick<SSMClient, 'send'>,
  name: string,
  options: CachedSecretOptions = { ttlMs: DEFAULT_SECRET_TTL_MS, now: () => new Date() },
): () => Promise<Secret> {
  let cached: { secret: Secret; expires: number } | undefined;
  let loading: Promise<Secret> | undefined;
  const load = async (): Promise<Secret> => {
    try {
      const output = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = output.Parameter?.Value;
      if (!value) throw new SecretUnavailable(`SSM parameter ${name} has no value`);
      if (output.Parameter?.Type !== 'SecureString')
        throw new SecretUnavailable(
          `SSM parameter ${name} is a ${output.Parameter?.Type}, expected a SecureString`,
        );
      const secret = new Secret(value);
      cached = { secret, expires: options.now().getTime() + options.ttlMs };
      return secret;
    } catch (error) {
      if (error instanceof SecretUnavailable) throw error;
      throw new SecretUnavailable(
        `could not read SSM parameter ${name}: ${awsErrorCode(error) ?? 'unknown error'}`,
        {
          cause: { code: awsErrorCode(error) },
        },
      );
    }
  };
  return async () => {
    if (cached && options.now().getTime() < cached.expires) return cached.secret;
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  };
}

/**
 * A plain String parameter's value (the kill switch), or `undefined` when it does not exist. Any other
 * failure throws: the caller decides what an unreadable parameter means.
 */
export async function readStringParameter(
  client: Pick<SSMClient, 'send'>,
  name: string,
): Promise<string | undefined> {
  try {
    const output = await client.send(new GetParameterCommand({ Name: name }));
    return output.Parameter?.Value;
  } catch (error) {
    if (awsErrorCode(error) === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/**
 * Sets a plain String parameter (the kill switch: `netwarden pause` / `resume`), overwriting it if it
 * exists; `description` says who paused it and why, for whoever reads the parameter next.
 */
export async function writeStringParameter(
  client: Pick<SSMClient, 'send'>,
  name: string,
  value: string,
  description: string,
): Promise<void> {
  await client.send(
    new PutParameterCommand({
      Name: name,
      Value: value,
      Type: 'String',
      Overwrite: true,
      Description: description,
    }),
  );
}

/** A parameter's metadata as Parameter Store keeps it; `lastModifiedUser` is AWS's record, not the writer's. */
export interface ParameterMetadata {
  readonly description?: string;
  readonly lastModified?: Date;
  readonly lastModifiedUser?: string;
}

/** The metadata of `name` (DescribeParameters, never the value), or `undefined` when it does not exist. */
export async function describeParameter(
  client: Pick<SSMClient, 'send'>,
  name: string,
): Promise<ParameterMetadata | undefined> {
  const output = await client.send(
    new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }] }),
  );
  const found = output.Parameters?.find((parameter) => parameter.Name === name);
  if (!found) return undefined;
  return {
    ...(found.Description !== undefined ? { description: found.Description } : {}),
    ...(found.LastModifiedDate ? { lastModified: found.LastModifiedDate } : {}),
    ...(found.LastModifiedUser ? { lastModifiedUser: found.LastModifiedUser } : {}),
  };
}

/**
 * The SecureString `name` through the shared SSM client. It imports its own client module statically, so a
 * bundle reaching it carries the SSM client only.
 */
export const secureStringReader = (name: string, options?: CachedSecretOptions): (() => Promise<Secret>) =>
  cachedSecureString(ssmClient(), name, options);
