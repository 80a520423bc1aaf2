/** Check deps on the simulated account, with small page sizes so every list call really pages. */
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DailyDeps } from '../../functions/daily-check/daily';
import type { WeeklyDeps } from '../../functions/weekly-check/weekly';
import { acmCertificates } from '../../shared/aws/acm';
import { cloudTrailSecurityGroupCalls } from '../../shared/aws/cloudtrail';
import { cloudWatchAlarms, cloudWatchMetrics } from '../../shared/aws/cloudwatch';
import { ec2NetworkReferences } from '../../shared/aws/ec2/network';
import { ec2SecurityGroupInventory } from '../../shared/aws/ec2/security-groups';
import { elbv2LoadBalancing } from '../../shared/aws/elbv2';
import { s3TerraformStateObjects } from '../../shared/aws/s3';
import { snsPublisher } from '../../shared/aws/sns';
import { grantStore } from '../../shared/aws/state-table/grants';
import { loadPolicy } from '../../shared/policy/load';
import type { Policy } from '../../shared/policy/schema';
import { stateBaselineLoader } from '../../shared/terraform/baseline-loader';
import {
  OLD_LISTENER_ARN,
  OLD_NLB_ARN,
  OLD_TARGET_GROUP_ARN,
} from '../../simulated-account/estate-load-balancers';
import type { Simulation } from '../../simulated-account/index';

export const TOPIC = 'arn:aws:sns:ap-northeast-2:111122223333:netwarden-test-findings';
export const SELF_ROLES = ['arn:aws:iam::*:role/netwarden-demo-*'];

export const testPolicy = (): Policy => loadPolicy('netwarden.policy.yml');

export function dailyDeps(overrides: Partial<DailyDeps> = {}): DailyDeps {
  return {
    elb: elbv2LoadBalancing(new ElasticLoadBalancingV2Client({}), { pageSize: 1 }),
    alarms: cloudWatchAlarms(new CloudWatchClient({}), { pageSize: 1 }),
    trail: cloudTrailSecurityGroupCalls(new CloudTrailClient({}), { pageSize: 2 }),
    sg: ec2SecurityGroupInventory(new EC2Client({}), { pageSize: 5 }),
    // The state table useStateTable() names in the environment (without it: a refused 127.0.0.1 port).
    grants: grantStore(new DynamoDBClient({}), process.env.STATE_TABLE_NAME ?? 'netwarden-test-state'),
    policy: testPolicy(),
    selfRoles: SELF_ROLES,
    publish: snsPublisher(new SNSClient({}), TOPIC),
    ...overrides,
  };
}

export function weeklyDeps(sim: Simulation, overrides: Partial<WeeklyDeps> = {}): WeeklyDeps {
  const policy = overrides.policy ?? testPolicy();
  const s3 = s3TerraformStateObjects(() => new S3Client({}));
  return {
    elb: elbv2LoadBalancing(new ElasticLoadBalancingV2Client({}), { pageSize: 1 }),
    metrics: cloudWatchMetrics(new CloudWatchClient({}), { maxDatapoints: 10 }),
    certificates: acmCertificates(new ACMClient({})),
    sg: ec2SecurityGroupInventory(new EC2Client({}), { pageSize: 5 }),
    network: ec2NetworkReferences(new EC2Client({}), { pageSize: 5, stalePageSize: 5 }),
    state: stateBaselineLoader(policy.terraformState, s3.read, sim.account.clock.now),
    policy,
    publish: snsPublisher(new SNSClient({}), TOPIC),
    ...overrides,
  };
}

/** Every call of one command, in order. */
export const callsOf = (sim: Simulation, command: string) =>
  sim.account.calls.filter((call) => call.command === command);

/** The estate with nothing to report: the old NLB gone, every alarm OK. */
export function mendEstate(sim: Simulation): void {
  sim.elbv2.loadBalancers.delete(OLD_NLB_ARN);
  sim.elbv2.targetGroups.delete(OLD_TARGET_GROUP_ARN);
  sim.elbv2.listeners.delete(OLD_LISTENER_ARN);
  for (const alarm of sim.checks.estate.alarms) alarm.state = 'OK';
}
