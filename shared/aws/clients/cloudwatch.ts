/** The CloudWatch client for the bulk reads of the audits (more retries). One module per service so a lazy adapter loads only its own. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { MemberAccess } from '../../policy/organization';
import { clientAs } from './member';
import { BULK_READER_RETRIES } from './retries';

let cloudWatch: CloudWatchClient | undefined;

export const cloudWatchClient = (): CloudWatchClient => {
  cloudWatch ??= new CloudWatchClient(BULK_READER_RETRIES);
  return cloudWatch;
};

/** The CloudWatch client of a member account: the member role's credentials (clients/member.ts). */
export const cloudWatchClientAs = (access: MemberAccess): CloudWatchClient =>
  clientAs(
    'cloudwatch',
    access,
    (credentials) => new CloudWatchClient({ ...BULK_READER_RETRIES, credentials }),
  );
