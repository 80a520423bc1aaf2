/**
 * Everything the weekly check reads the estate with, in one module that lazy-weekly-readers.ts imports
 * once: the weekly check needs all of it on its first event, and one dynamic import in place of one
 * per adapter and per client leaves esbuild fewer chunks to split it and its SDK code into (each chunk
 * is found, read, compiled and linked on its own). S3 (Terraform state) is not here: it loads only when
 * the policy names a state.
 */
import type { GrantStore } from '../grants/record';
import type { MemberAccess } from '../policy/organization';
import { acmCertificates } from './acm';
import { acmClient, acmClientAs } from './clients/acm';
import { cloudWatchClient, cloudWatchClientAs } from './clients/cloudwatch';
import { dynamoDbClient } from './clients/dynamodb';
import { ec2BulkClient, ec2ClientAs } from './clients/ec2';
import { elbv2BulkClient, elbv2ClientAs } from './clients/elbv2';
import { cloudWatchMetrics } from './cloudwatch';
import { ec2NetworkReferences } from './ec2/network';
import { ec2SecurityGroupInventory } from './ec2/security-groups';
import { elbv2LoadBalancing } from './elbv2';
import { grantStore } from './state-table/grants';

/** The readers of one account: the function's own (no `access`) or a member's, through its member role. */
export function weeklyReaders(access: MemberAccess | undefined) {
  const ec2 = access ? ec2ClientAs(access, { bulk: true }) : ec2BulkClient();
  return {
    elb: elbv2LoadBalancing(access ? elbv2ClientAs(access, { bulk: true }) : elbv2BulkClient()),
    metrics: cloudWatchMetrics(access ? cloudWatchClientAs(access) : cloudWatchClient()),
    certificates: acmCertificates(access ? acmClientAs(access) : acmClient()),
    sg: ec2SecurityGroupInventory(ec2),
    network: ec2NetworkReferences(ec2),
  };
}

/** netwarden's state table: the grant records only netwarden's roles can write. */
export const weeklyGrantStore = (tableName: string): GrantStore => grantStore(dynamoDbClient(), tableName);
