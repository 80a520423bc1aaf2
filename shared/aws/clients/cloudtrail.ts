/** The CloudTrail client for the audits: more retries, since LookupEvents allows 2 calls a second. One module per service so a lazy adapter loads only its own. */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { MemberAccess } from '../../policy/organization';
import { clientAs } from './member';
import { BULK_READER_RETRIES } from './retries';

let cloudTrail: CloudTrailClient | undefined;

export const cloudTrailClient = (): CloudTrailClient => {
  cloudTrail ??= new CloudTrailClient(BULK_READER_RETRIES);
  return cloudTrail;
};

/** The CloudTrail client of a member account: the member role's credentials (clients/member.ts). */
export const cloudTrailClientAs = (access: MemberAccess): CloudTrailClient =>
  clientAs(
    'cloudtrail',
    access,
    (credentials) => new CloudTrailClient({ ...BULK_READER_RETRIES, credentials }),
  );
