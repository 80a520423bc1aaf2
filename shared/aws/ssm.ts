/**
 * SSM Parameter Store through the SDK, for the CLI: the kill switch's String parameter, read (its
 * cache is shared/safety/kill-switch.ts) and set. The functions read their parameters without the SDK
 * (secure-string.ts).
 */
import {
  DescribeParametersCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { awsErrorCode } from '../errors';

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
