/** The checks' read ports on the real SDK clients (module-level singletons), for handlers and the CLI. */
import { certificateReads } from './checks-acm';
import { trailReads } from './checks-cloudtrail';
import { alarmReads, metricReads } from './checks-cloudwatch';
import { networkReads, securityGroupReads } from './checks-ec2';
import { loadBalancerReads } from './checks-elbv2';
import {
  acmClient,
  cloudTrailClient,
  cloudWatchClient,
  ec2BulkClient,
  elbv2BulkClient,
  s3Client,
} from './clients';
import { terraformStateReads } from './terraform-state';

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
