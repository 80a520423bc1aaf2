/** The SQS client (a module-level singleton; one module per service so a lazy adapter loads only its own). */
import { SQSClient } from '@aws-sdk/client-sqs';
import { WRITER_RETRIES } from './retries';

let sqs: SQSClient | undefined;

export const sqsClient = (): SQSClient => {
  sqs ??= new SQSClient(WRITER_RETRIES);
  return sqs;
};
