/** The EC2 clients (module-level singletons; one module per service so a lazy adapter loads only its own). */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { MemberAccess } from '../../policy/organization';
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

const members = new Map<string, EC2Client>();

/** The EC2 client of a member account: the member role's credentials (one client per role and session). */
export const ec2ClientAs = (access: MemberAccess, options: { bulk?: boolean } = {}): EC2Client => {
  const key = `${access.roleArn}|${access.sessionName}|${options.bulk ? 'bulk' : 'writer'}`;
  let client = members.get(key);
  if (!client) {
    client = new EC2Client({
      ...(options.bulk ? BULK_READER_RETRIES : WRITER_RETRIES),
      // The STS client loads with the first member-account call: a single-account cold start never parses it.
      credentials: () =>
        import('../member-credentials').then(({ memberCredentials }) =>
          memberCredentials(access, () => new Date())(),
        ),
    });
    members.set(key, client);
  }
  return client;
};
