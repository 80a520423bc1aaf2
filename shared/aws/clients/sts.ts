/** The STS client (a module-level singleton): the CLI asks it who the caller is. */
import { STSClient } from '@aws-sdk/client-sts';
import { WRITER_RETRIES } from './retries';

let sts: STSClient | undefined;

export const stsClient = (): STSClient => {
  sts ??= new STSClient(WRITER_RETRIES);
  return sts;
};
