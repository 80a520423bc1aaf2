/**
 * What the checks read beyond estate-targets.ts (whose ids and builders it shares): certificates,
 * network interfaces, a week of NLB metrics and the alarms of the seed's estate — and the seed's
 * "old NLB" (`old-gateway-nlb`, "중복 NLB 삭제로 월 $16 절약"): idle for weeks, its target group
 * still on port 443 (the seed's port-mapping mistake) with a short deregistration delay and client
 * IP preservation off, its one target unhealthy, its imported certificate expiring in 12 days, its
 * alarm in ALARM.
 */
import type { LoadBalancingEstate } from './audit-state';
import type { InstanceState } from './ec2-instances';
import type { Elbv2State } from './elbv2';
import { GROUPS, VPC_ID } from './estate';
import {
  ACCOUNT,
  CERTIFICATE_ARN,
  elbArn,
  GATEWAY_INSTANCES,
  REGION,
  SUBNETS,
  simInstance,
  simTargetGroup,
  TARGET_GROUPS,
} from './estate-targets';

const DAY = 86_400_000;

export const OLD_NLB_ARN = elbArn('loadbalancer/net/old-gateway-nlb/1a2b3c4d5e6f7081');
export const OLD_TARGET_GROUP_ARN = elbArn('targetgroup/old-gateway-tg/7e6d5c4b3a291807');
export const OLD_LISTENER_ARN = `${OLD_NLB_ARN.replace(':loadbalancer/', ':listener/')}/3c4d5e6f7a8b9c0d`;
export const OLD_INSTANCE = 'i-0old0000000000001';
export const OLD_CERTIFICATE_ARN = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a`;

export const TERRAFORM_STATE = {
  bucket: 'netwarden-demo-tfstate',
  key: 'gateway/terraform.tfstate',
} as const;

export function estateLoadBalancers(now: Date): LoadBalancingEstate {
  const at = (offset: number) => new Date(now.getTime() + offset);
  return {
    certificates: [
      {
        arn: CERTIFICATE_ARN,
        domain: 'gateway.example.com',
        notAfter: at(200 * DAY),
        type: 'AMAZON_ISSUED',
        renewalEligibility: 'ELIGIBLE',
      },
      {
        arn: OLD_CERTIFICATE_ARN,
        domain: 'old-gateway.example.com',
        notAfter: at(12 * DAY),
        type: 'IMPORTED',
        renewalEligibility: 'INELIGIBLE',
      },
    ],
    /** Network interfaces and the groups on them; legacy-app-sg is on none. */
    interfaces: [
      ...['a', 'b', 'c'].map((zone) => ({
        id: `eni-0nlb00000000000${zone}`,
        description: 'ELB net/gateway-nlb/5f3c2a1b0e9d8c7a',
        groups: [GROUPS.nlb],
      })),
      ...['a', 'b'].map((zone) => ({
        id: `eni-0old00000000000${zone}`,
        description: 'ELB net/old-gateway-nlb/1a2b3c4d5e6f7081',
        groups: [],
      })),
      ...GATEWAY_INSTANCES.map((instance, index) => ({
        id: `eni-0gw0000000000000${index}`,
        description: `Primary network interface of ${instance}`,
        groups: [GROUPS.gateway],
      })),
      { id: 'eni-0rdspg0000000001', description: 'RDSNetworkInterface', groups: [GROUPS.postgres] },
      { id: 'eni-0rdsmy0000000001', description: 'RDSNetworkInterface', groups: [GROUPS.mysql] },
      { id: 'eni-0docdb0000000001', description: 'RDSNetworkInterface', groups: [GROUPS.docdb] },
      { id: 'eni-0redis0000000001', description: 'ElastiCache gateway-redis-001', groups: [GROUPS.redis] },
    ],
    /** Hourly samples per metric series: the gateway NLB is busy, the old one has seen nothing for weeks. */
    metrics: [
      {
        namespace: 'AWS/NetworkELB',
        metric: 'NewFlowCount',
        dimensions: { LoadBalancer: 'net/gateway-nlb/5f3c2a1b0e9d8c7a' },
        hourly: (hour: number) => 900 + (hour % 24) * 25,
      },
      {
        namespace: 'AWS/NetworkELB',
        metric: 'ActiveFlowCount',
        dimensions: { LoadBalancer: 'net/gateway-nlb/5f3c2a1b0e9d8c7a' },
        hourly: (hour: number) => 40 + (hour % 24) * 3,
      },
      {
        namespace: 'AWS/NetworkELB',
        metric: 'ProcessedBytes',
        dimensions: { LoadBalancer: 'net/gateway-nlb/5f3c2a1b0e9d8c7a' },
        hourly: () => 48 * 1024 * 1024,
      },
      ...[TARGET_GROUPS.https, TARGET_GROUPS.custom].map((arn) => ({
        namespace: 'AWS/NetworkELB',
        metric: 'UnHealthyHostCount',
        dimensions: {
          LoadBalancer: 'net/gateway-nlb/5f3c2a1b0e9d8c7a',
          TargetGroup: arn.slice(arn.indexOf('targetgroup/')),
        },
        hourly: () => 0,
      })),
      {
        namespace: 'AWS/NetworkELB',
        metric: 'UnHealthyHostCount',
        dimensions: {
          LoadBalancer: 'net/old-gateway-nlb/1a2b3c4d5e6f7081',
          TargetGroup: OLD_TARGET_GROUP_ARN.slice(OLD_TARGET_GROUP_ARN.indexOf('targetgroup/')),
        },
        hourly: () => 1,
      },
    ],
    alarms: [
      {
        name: 'gateway-nlb-unhealthy-targets',
        type: 'metric',
        state: 'OK',
        metric: 'UnHealthyHostCount',
        since: at(-3 * DAY),
      },
      {
        name: 'gateway-nlb-high-connections',
        type: 'metric',
        state: 'OK',
        metric: 'ActiveFlowCount',
        since: at(-10 * DAY),
      },
      {
        name: 'old-gateway-nlb-unhealthy-targets',
        type: 'metric',
        state: 'ALARM',
        metric: 'UnHealthyHostCount',
        since: at(-20 * DAY),
        reason:
          'Threshold Crossed: 2 out of the last 2 datapoints [1.0, 1.0] were greater than the threshold (0.0).',
      },
      { name: 'gateway-front-door', type: 'composite', state: 'OK', since: at(-3 * DAY) },
    ],
  };
}

/**
 * Adds the seed's old NLB to the load-balancing simulation (elbv2.ts): idle for weeks, its target
 * group still on port 443 while the one instance behind it serves 80, so its target is unhealthy;
 * a short deregistration delay and client IP preservation off. Not opted in to healing.
 */
export function seedOldLoadBalancer(now: Date, instances: InstanceState, elbv2: Elbv2State): void {
  const longAgo = now.getTime() - 900 * DAY;
  const subnet = SUBNETS[0];
  instances.instances.set(
    OLD_INSTANCE,
    simInstance({
      instanceId: OLD_INSTANCE,
      subnet,
      host: 99,
      tags: [{ Key: 'Name', Value: 'old-gateway' }],
      listensOn: [80],
      upSince: longAgo,
    }),
  );
  elbv2.loadBalancers.set(OLD_NLB_ARN, {
    arn: OLD_NLB_ARN,
    name: 'old-gateway-nlb',
    scheme: 'internal',
    vpcId: VPC_ID,
    securityGroups: [],
    subnets: [subnet].map(({ subnetId, zone, cidr }) => ({ subnetId, zone, cidr })),
    tags: [{ Key: 'Name', Value: 'old-gateway-nlb' }],
    createdAt: new Date(longAgo),
  });
  elbv2.targetGroups.set(
    OLD_TARGET_GROUP_ARN,
    simTargetGroup({
      arn: OLD_TARGET_GROUP_ARN,
      name: 'old-gateway-tg',
      port: 443,
      tags: [{ Key: 'Name', Value: 'old-gateway-tg' }],
      registrations: [{ id: OLD_INSTANCE, port: 443, registeredAt: longAgo }],
      attributes: { 'deregistration_delay.timeout_seconds': '30', 'preserve_client_ip.enabled': 'false' },
    }),
  );
  elbv2.listeners.set(OLD_LISTENER_ARN, {
    arn: OLD_LISTENER_ARN,
    loadBalancerArn: OLD_NLB_ARN,
    port: 443,
    protocol: 'TLS',
    targetGroupArn: OLD_TARGET_GROUP_ARN,
    certificateArn: OLD_CERTIFICATE_ARN,
  });
}
