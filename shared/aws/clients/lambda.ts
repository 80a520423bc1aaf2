/** The Lambda client (a module-level singleton; one module per service so a lazy adapter loads only its own). */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { WRITER_RETRIES } from './retries';

let lambda: LambdaClient | undefined;

export const lambdaClient = (): LambdaClient => {
  lambda ??= new LambdaClient(WRITER_RETRIES);
  return lambda;
};
