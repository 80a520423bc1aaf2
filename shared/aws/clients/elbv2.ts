/** The ELBv2 clients (module-level singletons; one module per service so a lazy adapter loads only its own). */
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
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
