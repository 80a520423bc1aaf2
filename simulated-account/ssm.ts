import {
  DescribeParametersCommand,
  type DescribeParametersCommandInput,
  GetParameterCommand,
  type GetParameterCommandInput,
  type ParameterType,
  PutParameterCommand,
  type PutParameterCommandInput,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { SimulatedAccount } from './account';
import { awsError } from './errors';

interface StoredParameter {
  readonly type: ParameterType;
  readonly value: string;
  readonly version: number;
  readonly description?: string;
  readonly lastModified?: Date;
  /** The ARN of the identity that made the last write, as AWS records it (not a request field). */
  readonly lastModifiedUser?: string;
}

export interface ParameterStore {
  put(name: string, value: string, type?: ParameterType): void;
  delete(name: string): void;
  /** The stored value and description, as the console would show them. */
  get(name: string): { value: string; type: ParameterType; description?: string } | undefined;
}

/**
 * SSM Parameter Store's GetParameter and PutParameter. GetParameter: a SecureString comes back decrypted only WithDecryption, as
 * AWS does (otherwise the value is the KMS ciphertext, base64); a missing name is ParameterNotFound.
 */
export function installSsm(account: SimulatedAccount): ParameterStore {
  const parameters = new Map<string, StoredParameter>();
  account.handle(SSMClient, GetParameterCommand, (input: GetParameterCommandInput) => {
    const name = input.Name ?? '';
    const stored = parameters.get(name);
    if (!stored) throw awsError('ParameterNotFound', `Parameter ${name} not found.`);
    const encrypted = stored.type === 'SecureString' && input.WithDecryption !== true;
    return {
      Parameter: {
        Name: name,
        Type: stored.type,
        Value: encrypted
          ? Buffer.from(`kms-ciphertext:${stored.version}:${name}`).toString('base64')
          : stored.value,
        Version: stored.version,
        ARN: `arn:aws:ssm:${account.region}:${account.accountId}:parameter${name}`,
        DataType: 'text',
        ...(stored.lastModified ? { LastModifiedDate: stored.lastModified } : {}),
      },
    };
  });
  // PutParameter as the SSM API reference has it: an existing name without Overwrite is
  // ParameterAlreadyExists; an empty value or one over 4 KB (standard tier) is a ValidationException;
  // a changed Type on overwrite is refused too. Each write makes a new version.
  account.handle(SSMClient, PutParameterCommand, (input: PutParameterCommandInput) => {
    const name = input.Name ?? '';
    const value = input.Value ?? '';
    if (value.length === 0 || value.length > 4096)
      throw awsError(
        'ValidationException',
        `1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length between 1 and 4096`,
      );
    const existing = parameters.get(name);
    if (existing && input.Overwrite !== true)
      throw awsError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    const type = input.Type ?? existing?.type ?? 'String';
    if (existing && input.Type && input.Type !== existing.type)
      throw awsError(
        'ValidationException',
        'The parameter type cannot be changed by overwriting; delete the parameter first.',
      );
    const version = (existing?.version ?? 0) + 1;
    parameters.set(name, {
      type,
      value,
      version,
      lastModified: account.clock.now(),
      lastModifiedUser: String(account.caller.userIdentity.arn),
      ...(input.Description !== undefined
        ? { description: input.Description }
        : existing?.description !== undefined
          ? { description: existing.description }
          : {}),
    });
    return { Version: version, Tier: 'Standard' };
  });
  // DescribeParameters, the metadata only (never a value): the Name Equals filter the CLI uses.
  account.handle(SSMClient, DescribeParametersCommand, (input: DescribeParametersCommandInput) => {
    const names = (input.ParameterFilters ?? [])
      .filter((filter) => filter.Key === 'Name')
      .flatMap((filter) => filter.Values ?? []);
    const listed = [...parameters.entries()].filter(([name]) => names.length === 0 || names.includes(name));
    return {
      Parameters: listed.map(([name, stored]) => ({
        Name: name,
        ARN: `arn:aws:ssm:${account.region}:${account.accountId}:parameter${name}`,
        Type: stored.type,
        Version: stored.version,
        Tier: 'Standard',
        DataType: 'text',
        ...(stored.description !== undefined ? { Description: stored.description } : {}),
        ...(stored.lastModified ? { LastModifiedDate: stored.lastModified } : {}),
        ...(stored.lastModifiedUser ? { LastModifiedUser: stored.lastModifiedUser } : {}),
      })),
    };
  });
  return {
    put(name, value, type = 'SecureString') {
      const version = (parameters.get(name)?.version ?? 0) + 1;
      parameters.set(name, { type, value, version });
    },
    delete(name) {
      parameters.delete(name);
    },
    get(name) {
      const stored = parameters.get(name);
      return (
        stored && {
          value: stored.value,
          type: stored.type,
          ...(stored.description !== undefined ? { description: stored.description } : {}),
        }
      );
    },
  };
}
