/**
 * ELBv2 reads for the checks: DescribeLoadBalancers, DescribeTargetGroups, DescribeListeners (paged
 * with PageSize/Marker/NextMarker, PageSize 1–400), DescribeTargetHealth, DescribeTargetGroupAttributes.
 * Health is static data here; issue 4's elbv2.ts computes it — the lead keeps one of the two.
 */
import {
  DescribeListenersCommand,
  type DescribeListenersCommandInput,
  DescribeLoadBalancersCommand,
  type DescribeLoadBalancersCommandInput,
  DescribeTargetGroupAttributesCommand,
  type DescribeTargetGroupAttributesCommandInput,
  DescribeTargetGroupsCommand,
  type DescribeTargetGroupsCommandInput,
  DescribeTargetHealthCommand,
  type DescribeTargetHealthCommandInput,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SimulatedAccount } from './account';
import { type LoadBalancingEstate, serviceError } from './checks-state';
import { page } from './paging';

export type LoadBalancingState = Pick<LoadBalancingEstate, 'loadBalancers' | 'targetGroups' | 'listeners'>;

const BOUNDS = { min: 1, max: 400, default: 400 };

function markerPage<T>(items: ReadonlyArray<T>, input: { PageSize?: number; Marker?: string }) {
  const result = page(items, { MaxResults: input.PageSize, NextToken: input.Marker }, BOUNDS);
  return { items: result.items, ...(result.NextToken ? { NextMarker: result.NextToken } : {}) };
}

export function installLoadBalancingReads(account: SimulatedAccount, state: LoadBalancingState): void {
  const client = ElasticLoadBalancingV2Client;
  const targetGroupOrThrow = (arn: string | undefined) => {
    const group = state.targetGroups.find((candidate) => candidate.arn === arn);
    if (!group) throw serviceError('TargetGroupNotFoundException', `Target groups '${arn}' not found`);
    return group;
  };

  account.handle(client, DescribeLoadBalancersCommand, (input: DescribeLoadBalancersCommandInput) => {
    const { items, NextMarker } = markerPage(state.loadBalancers, input);
    return {
      LoadBalancers: items.map((lb) => ({
        LoadBalancerArn: lb.arn,
        LoadBalancerName: lb.name,
        Type: lb.type,
        Scheme: lb.scheme,
        VpcId: lb.vpcId,
        SecurityGroups: [...lb.securityGroups],
        CreatedTime: lb.createdAt,
        State: { Code: 'active' },
      })),
      ...(NextMarker ? { NextMarker } : {}),
    };
  });

  account.handle(client, DescribeTargetGroupsCommand, (input: DescribeTargetGroupsCommandInput) => {
    const wanted = input.LoadBalancerArn
      ? state.targetGroups.filter((group) => group.loadBalancerArns.includes(input.LoadBalancerArn ?? ''))
      : state.targetGroups;
    const { items, NextMarker } = markerPage(wanted, input);
    return {
      TargetGroups: items.map((group) => ({
        TargetGroupArn: group.arn,
        TargetGroupName: group.name,
        Protocol: group.protocol,
        Port: group.port,
        TargetType: 'instance',
        HealthCheckProtocol: 'TCP',
        HealthCheckPort: group.healthCheckPort,
        LoadBalancerArns: [...group.loadBalancerArns],
      })),
      ...(NextMarker ? { NextMarker } : {}),
    };
  });

  account.handle(client, DescribeListenersCommand, (input: DescribeListenersCommandInput) => {
    if (!input.LoadBalancerArn && !input.ListenerArns)
      throw serviceError('ValidationError', 'A load balancer ARN or listener ARNs must be specified');
    const mine = state.listeners.filter((listener) => listener.loadBalancerArn === input.LoadBalancerArn);
    const { items, NextMarker } = markerPage(mine, input);
    return {
      Listeners: items.map((listener) => ({
        ListenerArn: listener.arn,
        LoadBalancerArn: listener.loadBalancerArn,
        Port: listener.port,
        Protocol: listener.protocol,
        ...(listener.certificateArns.length
          ? {
              Certificates: listener.certificateArns.map((arn) => ({ CertificateArn: arn })),
              SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
            }
          : {}),
        DefaultActions: [
          {
            Type: 'forward',
            TargetGroupArn: listener.targetGroupArn,
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: listener.targetGroupArn, Weight: 1 }] },
          },
        ],
      })),
      ...(NextMarker ? { NextMarker } : {}),
    };
  });

  account.handle(client, DescribeTargetHealthCommand, (input: DescribeTargetHealthCommandInput) => {
    const group = targetGroupOrThrow(input.TargetGroupArn);
    return {
      TargetHealthDescriptions: group.targets.map((target) => ({
        Target: { Id: target.id, Port: target.port },
        HealthCheckPort:
          group.healthCheckPort === 'traffic-port' ? String(target.port) : group.healthCheckPort,
        TargetHealth: { State: target.state, ...(target.reason ? { Reason: target.reason } : {}) },
      })),
    };
  });

  account.handle(
    client,
    DescribeTargetGroupAttributesCommand,
    (input: DescribeTargetGroupAttributesCommandInput) => ({
      Attributes: Object.entries(targetGroupOrThrow(input.TargetGroupArn).attributes).map(([Key, Value]) => ({
        Key,
        Value,
      })),
    }),
  );
}
