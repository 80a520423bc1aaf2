/** The ACM client for the weekly audit (bulk reads). One module per service so a lazy adapter loads only its own. */
import { ACMClient } from '@aws-sdk/client-acm';
import { BULK_READER_RETRIES } from './retries';

let acm: ACMClient | undefined;

export const acmClient = (): ACMClient => {
  acm ??= new ACMClient(BULK_READER_RETRIES);
  return acm;
};
