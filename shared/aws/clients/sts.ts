/** The STS client (a module-level singleton): AssumeRole into member accounts (member-credentials.ts), and the CLI's GetCallerIdentity. */
import { STSClient } from '@aws-sdk/client-sts';
import { WRITER_RETRIES } from './retries';

let sts: STSClient | undefined;

export const stsClient = (): STSClient => {
  sts ??= new STSClient(WRITER_RETRIES);
  return sts;
};
