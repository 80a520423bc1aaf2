/** The SSM client (a module-level singleton; one module per service so a lazy adapter loads only its own). */
import { SSMClient } from '@aws-sdk/client-ssm';
import { WRITER_RETRIES } from './retries';

let ssm: SSMClient | undefined;

export const ssmClient = (): SSMClient => {
  ssm ??= new SSMClient(WRITER_RETRIES);
  return ssm;
};
