/** The ELBv2 clients (module-level singletons; one module per service so a lazy adapter loads only its own). */
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { MemberAccess } from '../../policy/organization';
import { clientAs } from './member';
import { BULK_READER_RETRIES, WRITER_RETRIES } from './retries';

let elbv2: ElasticLoadBalancingV2Client | undefined;
let elbv2Bulk: ElasticLoadBalancingV2Client | undefined;

export const elbv2Client = (): ElasticLoadBalancingV2Client => {
  elbv2 ??= new ElasticLoadBalancingV2Client(WRITER_RETRIES);
  return elbv2;
};
export const elbv2BulkClient = (): ElasticLoadBalancingV2Client => {
  elbv2Bulk ??= new ElasticLoadBalancingV2Client(BULK_READER_RETRIES);
  return elbv2Bulk;
};

/** The ELBv2 client of a member account: the member role's credentials (clients/member.ts). */
export const elbv2ClientAs = (access: MemberAccess, options: { bulk?: boolean } = {}) =>
  clientAs(
    options.bulk ? 'elbv2-bulk' : 'elbv2',
    access,
    (credentials) =>
      new ElasticLoadBalancingV2Client({
        ...(options.bulk ? BULK_READER_RETRIES : WRITER_RETRIES),
        credentials,
      }),
  );
