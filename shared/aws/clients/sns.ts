/** The SNS client (a module-level singleton; one module per service so a lazy adapter loads only its own). */
import { SNSClient } from '@aws-sdk/client-sns';
import { WRITER_RETRIES } from './retries';

let sns: SNSClient | undefined;

export const snsClient = (): SNSClient => {
  sns ??= new SNSClient(WRITER_RETRIES);
  return sns;
};
