/** The EC2 clients (module-level singletons; one module per service so a lazy adapter loads only its own). */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { MemberAccess } from '../../policy/organization';
import { clientAs } from './member';
import { BULK_READER_RETRIES, WRITER_RETRIES } from './retries';

let ec2: EC2Client | undefined;
let ec2Bulk: EC2Client | undefined;

export const ec2Client = (): EC2Client => {
  ec2 ??= new EC2Client(WRITER_RETRIES);
  return ec2;
};
export const ec2BulkClient = (): EC2Client => {
  ec2Bulk ??= new EC2Client(BULK_READER_RETRIES);
  return ec2Bulk;
};

/** The EC2 client of a member account: the member role's credentials (clients/member.ts). */
export const ec2ClientAs = (access: MemberAccess, options: { bulk?: boolean } = {}): EC2Client =>
  clientAs(
    options.bulk ? 'ec2-bulk' : 'ec2',
    access,
    (credentials) => new EC2Client({ ...(options.bulk ? BULK_READER_RETRIES : WRITER_RETRIES), credentials }),
  );
