import {
  GetParameterCommand,
  type GetParameterCommandInput,
  type ParameterType,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { SimulatedAccount } from './account';
import { awsError } from './errors';

interface StoredParameter {
  readonly type: ParameterType;
  readonly value: string;
  readonly version: number;
}

export interface ParameterStore {
  put(name: string, value: string, type?: ParameterType): void;
  delete(name: string): void;
}

/**
 * SSM Parameter Store's GetParameter: a SecureString comes back decrypted only WithDecryption, as
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
      },
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
  };
}
