/**
 * SSM Parameter Store. Secrets: a SecureString read with decryption, cached in module scope for
 * a TTL so warm invocations skip the call, and a rotated value is picked up within the TTL (the
 * functions' own reads go without the SDK: secure-string.ts). And the
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
import { type CachedSecretOptions, cachedSecret, type Secret } from './secure-string';

export {
  type CachedSecretOptions,
  DEFAULT_SECRET_TTL_MS,
  Secret,
  SecretUnavailable,
} from './secure-string';

/**
 * `() => Promise<Secret>` reading `name` through the SDK's `client` at most once per TTL (the
 * functions read their secrets without the SDK: secure-string.ts). A failed read is not cached, and
 * its error names the parameter and AWS's error code only — never the value, never AWS's message text.
 */
export function cachedSecureString(
  client: Pick<SSMClient, 'send'>,
  name: string,
  options?: CachedSecretOptions,
): () => Promise<Secret> {
  return cachedSecret(
    async (parameter) => {
      const output = await client.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
      return {
        ...(output.Parameter?.Type !== undefined ? { type: output.Parameter.Type } : {}),
        ...(output.Parameter?.Value !== undefined ? { value: output.Parameter.Value } : {}),
      };
    },
    name,
    options,
  );
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
