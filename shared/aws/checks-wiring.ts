/** The checks' read ports on the real SDK clients (module-level singletons), for handlers and the CLI. */
import { certificateReads } from './acm';
import {
  acmClient,
  cloudTrailClient,
  cloudWatchClient,
  ec2BulkClient,
  elbv2BulkClient,
  s3Client,
} from './clients';
import { trailReads } from './cloudtrail';
import { alarmReads, metricReads } from './cloudwatch';
import { networkReads } from './ec2/network';
import { securityGroupReads } from './ec2/security-groups';
import { loadBalancerReads } from './elbv2-audit-reads';
import { terraformStateReads } from './s3';

export const dailyReads = () => ({
  elb: loadBalancerReads(elbv2BulkClient()),
  alarms: alarmReads(cloudWatchClient()),
  trail: trailReads(cloudTrailClient()),
  sg: securityGroupReads(ec2BulkClient()),
});

export const weeklyReads = () => ({
  elb: loadBalancerReads(elbv2BulkClient()),
  metrics: metricReads(cloudWatchClient()),
  certificates: certificateReads(acmClient()),
  sg: securityGroupReads(ec2BulkClient()),
  network: networkReads(ec2BulkClient()),
  stateReads: terraformStateReads(s3Client),
});
