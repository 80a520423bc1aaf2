/**
 * ELBv2 effects and reads for heal-targets, returning the domain types of shared/targets. Lists are
 * paginated with the SDK's paginators (Marker/NextMarker); DescribeTags takes at most 20 ARNs a call.
 * Registering a target twice is a no-op in AWS; deregistering one that is gone counts as done.
 */
import {
  DeregisterTargetsCommand,
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  RegisterTargetsCommand,
  type TargetGroup,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsErrorCode } from '../errors';
import type {
  ListenerFacts,
  LoadBalancerFacts,
  TargetGroupFacts,
  TargetHealthFacts,
  TargetHealthState,
} from '../targets/snapshot';
import { forwardedTargetGroupArns } from './elbv2-listeners';

export interface TargetRef {
  readonly id: string;
  readonly port: number;
}

export interface Elbv2Port {
  /** Every target group, or those behind one load balancer. */
  listTargetGroups(filter?: { loadBalancerArn?: string }): Promise<TargetGroupFacts[]>;
  /** undefined when it does not exist (TargetGroupNotFound). */
  describeTargetGroup(arn: string): Promise<TargetGroupFacts | undefined>;
  tagsOf(arns: ReadonlyArray<string>): Promise<Record<string, Record<string, string>>>;
  describeLoadBalancers(arns: ReadonlyArray<string>): Promise<LoadBalancerFacts[]>;
  describeListeners(loadBalancerArn: string): Promise<ListenerFacts[]>;
  describeTargetHealth(targetGroupArn: string): Promise<TargetHealthFacts[]>;
  registerTargets(targetGroupArn: string, targets: ReadonlyArray<TargetRef>): Promise<void>;
  deregisterTargets(
    targetGroupArn: string,
    targets: ReadonlyArray<TargetRef>,
  ): Promise<{ alreadyGone: boolean }>;
}

/** ELBv2's paginators ignore `pageSize`: PageSize goes in the input (1–400). */
const PAGE_SIZE = 400;
const TAGS_PER_CALL = 20;

function targetGroupFacts(group: TargetGroup): TargetGroupFacts {
  const rawPort = group.HealthCheckPort ?? 'traffic-port';
  return {
    arn: group.TargetGroupArn ?? '',
    name: group.TargetGroupName ?? '',
    protocol: group.Protocol ?? 'TCP',
    port: group.Port ?? 0,
    targetType: group.TargetType ?? 'instance',
    loadBalancerArns: group.LoadBalancerArns ?? [],
    healthCheck: {
      protocol: group.HealthCheckProtocol ?? 'TCP',
      port: rawPort === 'traffic-port' ? 'traffic-port' : Number(rawPort),
      intervalSeconds: group.HealthCheckIntervalSeconds ?? 30,
      healthyThreshold: group.HealthyThresholdCount ?? 3,
    },
  };
}

function targetHealthFacts(description: TargetHealthDescription): TargetHealthFacts {
  const health = description.TargetHealth ?? {};
  const checkPort = Number(description.HealthCheckPort);
  return {
    instanceId: description.Target?.Id ?? '',
    port: description.Target?.Port ?? 0,
    ...(Number.isInteger(checkPort) && checkPort > 0 ? { healthCheckPort: checkPort } : {}),
    state: (health.State ?? 'unavailable') as TargetHealthState,
    ...(health.Reason ? { reason: health.Reason } : {}),
    ...(health.Description ? { description: health.Description } : {}),
  };
}

export function elbv2Port(client: ElasticLoadBalancingV2Client): Elbv2Port {
  async function listGroups(input: { LoadBalancerArn?: string; TargetGroupArns?: string[] }) {
    const groups: TargetGroupFacts[] = [];
    const paged = input.TargetGroupArns ? input : { ...input, PageSize: PAGE_SIZE };
    for await (const page of paginateDescribeTargetGroups({ client }, paged))
      for (const group of page.TargetGroups ?? []) groups.push(targetGroupFacts(group));
    return groups;
  }

  return {
    listTargetGroups: (filter = {}) =>
      listGroups(filter.loadBalancerArn ? { LoadBalancerArn: filter.loadBalancerArn } : {}),

    async describeTargetGroup(arn) {
      try {
        return (await listGroups({ TargetGroupArns: [arn] }))[0];
      } catch (error) {
        if (awsErrorCode(error) === 'TargetGroupNotFound') return undefined;
        throw error;
      }
    },

    async tagsOf(arns) {
      const result: Record<string, Record<string, string>> = {};
      for (let start = 0; start < arns.length; start += TAGS_PER_CALL) {
        const output = await client.send(
          new DescribeTagsCommand({ ResourceArns: arns.slice(start, start + TAGS_PER_CALL) }),
        );
        for (const description of output.TagDescriptions ?? []) {
          result[description.ResourceArn ?? ''] = Object.fromEntries(
            (description.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']),
          );
        }
      }
      return result;
    },

    async describeLoadBalancers(arns) {
      if (arns.length === 0) return [];
      const found: LoadBalancerFacts[] = [];
      for await (const page of paginateDescribeLoadBalancers({ client }, { LoadBalancerArns: [...arns] })) {
        for (const lb of page.LoadBalancers ?? []) {
          found.push({
            arn: lb.LoadBalancerArn ?? '',
            name: lb.LoadBalancerName ?? '',
            type: lb.Type ?? 'network',
            securityGroupIds: lb.SecurityGroups ?? [],
            subnets: (lb.AvailabilityZones ?? []).map((zone) => ({
              subnetId: zone.SubnetId ?? '',
              zone: zone.ZoneName ?? '',
            })),
          });
        }
      }
      return found;
    },

    async describeListeners(loadBalancerArn) {
      const listeners: ListenerFacts[] = [];
      for await (const page of paginateDescribeListeners(
        { client },
        { LoadBalancerArn: loadBalancerArn, PageSize: PAGE_SIZE },
      )) {
        for (const listener of page.Listeners ?? []) {
          listeners.push({
            arn: listener.ListenerArn ?? '',
            loadBalancerArn: listener.LoadBalancerArn ?? loadBalancerArn,
            port: listener.Port ?? 0,
            protocol: listener.Protocol ?? 'TCP',
            targetGroupArns: forwardedTargetGroupArns(listener),
          });
        }
      }
      return listeners;
    },

    async describeTargetHealth(targetGroupArn) {
      const output = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      return (output.TargetHealthDescriptions ?? []).map(targetHealthFacts);
    },

    async registerTargets(targetGroupArn, targets) {
      await client.send(
        new RegisterTargetsCommand({
          TargetGroupArn: targetGroupArn,
          Targets: targets.map((target) => ({ Id: target.id, Port: target.port })),
        }),
      );
    },

    async deregisterTargets(targetGroupArn, targets) {
      try {
        await client.send(
          new DeregisterTargetsCommand({
            TargetGroupArn: targetGroupArn,
            Targets: targets.map((target) => ({ Id: target.id, Port: target.port })),
          }),
        );
        return { alreadyGone: false };
      } catch (error) {
        // Not registered (any more): what deregistering was for.
        if (awsErrorCode(error) === 'InvalidTarget') return { alreadyGone: true };
        throw error;
      }
    },
  };
}
