/** The ACM client for the weekly audit (bulk reads). One module per service so a lazy adapter loads only its own. */
import { ACMClient } from '@aws-sdk/client-acm';
import type { MemberAccess } from '../../policy/organization';
import { clientAs } from './member';
import { BULK_READER_RETRIES } from './retries';

let acm: ACMClient | undefined;

export const acmClient = (): ACMClient => {
  acm ??= new ACMClient(BULK_READER_RETRIES);
  return acm;
};

/** The ACM client of a member account: the member role's credentials (clients/member.ts). */
export const acmClientAs = (access: MemberAccess): ACMClient =>
  clientAs('acm', access, (credentials) => new ACMClient({ ...BULK_READER_RETRIES, credentials }));
