/**
 * ELBv2, read into the estate model (shared/estate/load-balancing.ts) for heal-targets and the
 * audits alike, and the two changes heal-targets makes. DescribeLoadBalancers, DescribeTargetGroups,
 * DescribeListeners and DescribeListenerCertificates page with Marker/NextMarker (the SDK's
 * paginators); DescribeTags takes at most 20 ARNs a call. Registering a target twice is a no-op in
 * AWS; deregistering one that is gone counts as done.
 */
import {
  DeregisterTargetsCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  paginateDescribeListenerCertificates,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  RegisterTargetsCommand,
  type TargetGroup,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isGone } from '../errors';
import type {
  ListenerFacts,
  LoadBalancerFacts,
  LoadBalancing,
  TargetGroupFacts,
  TargetHealthFacts,
  TargetHealthState,
} from '../estate/load-balancing';

/** ELBv2's paginators ignore `pageSize`: PageSize goes in the input (1–400). */
const PAGE_SIZE = 400;
const TAGS_PER_CALL = 20;
/** Listener protocols that terminate TLS and so hold certificates. */
const TLS_PROTOCOLS = new Set(['TLS', 'HTTPS']);

/** A forward action names one group (`TargetGroupArn`) or several (`ForwardConfig`, weighted); both count. */
export function forwardedTargetGroupArns(listener: Listener): string[] {
  const arns = (listener.DefaultActions ?? []).flatMap((action) =>
    action.Type !== 'forward'
      ? []
      : [
          ...(action.TargetGroupArn ? [action.TargetGroupArn] : []),
          ...(action.ForwardConfig?.TargetGroups ?? []).flatMap((tuple) =>
            tuple.TargetGroupArn ? [tuple.TargetGroupArn] : [],
          ),
        ],
  );
  return [...new Set(arns)];
}

function loadBalancerFacts(lb: LoadBalancer): LoadBalancerFacts {
  return {
    arn: lb.LoadBalancerArn ?? '',
    name: lb.LoadBalancerName ?? lb.LoadBalancerArn ?? '',
    // Not 'network': a load balancer of unknown type must not count as an NLB in the weekly audit.
    type: lb.Type ?? 'unknown',
    ...(lb.Scheme ? { scheme: lb.Scheme } : {}),
    ...(lb.CreatedTime ? { createdAt: new Date(lb.CreatedTime) } : {}),
    securityGroupIds: lb.SecurityGroups ?? [],
    subnets: (lb.AvailabilityZones ?? []).map((zone) => ({
      subnetId: zone.SubnetId ?? '',
      zone: zone.ZoneName ?? '',
    })),
  };
}

function targetGroupFacts(group: TargetGroup): TargetGroupFacts {
  const rawPort = group.HealthCheckPort ?? 'traffic-port';
  return {
    arn: group.TargetGroupArn ?? '',
    name: group.TargetGroupName ?? group.TargetGroupArn ?? '',
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

export function elbv2LoadBalancing(
  client: ElasticLoadBalancingV2Client,
  options: { pageSize?: number } = {},
): LoadBalancing {
  const config = { client };
  const PageSize = options.pageSize ?? PAGE_SIZE;

  async function pageTargetGroups(input: { LoadBalancerArn?: string; TargetGroupArns?: string[] }) {
    const groups: TargetGroupFacts[] = [];
    // PageSize cannot be combined with explicit TargetGroupArns.
    const paged = input.TargetGroupArns ? input : { ...input, PageSize };
    for await (const page of paginateDescribeTargetGroups(config, paged))
      for (const group of page.TargetGroups ?? [])
        if (group.TargetGroupArn) groups.push(targetGroupFacts(group));
    return groups;
  }

  /**
   * DescribeListeners shows only the default certificate; DescribeListenerCertificates lists it too,
   * with the SNI certificates a TLS listener also serves, which expire just the same.
   */
  async function listenerCertificates(listenerArn: string): Promise<string[]> {
    const arns = new Set<string>();
    for await (const page of paginateDescribeListenerCertificates(config, {
      ListenerArn: listenerArn,
      PageSize,
    }))
      for (const cert of page.Certificates ?? []) if (cert.CertificateArn) arns.add(cert.CertificateArn);
    return [...arns];
  }

  return {
    async loadBalancers(arns) {
      if (arns?.length === 0) return [];
      // PageSize cannot be combined with explicit LoadBalancerArns.
      const input = arns ? { LoadBalancerArns: [...arns] } : { PageSize };
      const found: LoadBalancerFacts[] = [];
      for await (const page of paginateDescribeLoadBalancers(config, input))
        for (const lb of page.LoadBalancers ?? []) if (lb.LoadBalancerArn) found.push(loadBalancerFacts(lb));
      return found;
    },

    targetGroups: (filter = {}) =>
      pageTargetGroups(filter.loadBalancerArn ? { LoadBalancerArn: filter.loadBalancerArn } : {}),

    async targetGroup(arn) {
      try {
        return (await pageTargetGroups({ TargetGroupArns: [arn] }))[0];
      } catch (error) {
        if (isGone(error, 'target group')) return undefined;
        throw error;
      }
    },

    async tags(arns) {
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

    async targetGroupAttributes(targetGroupArn) {
      const output = await client.send(
        new DescribeTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn }),
      );
      return Object.fromEntries(
        (output.Attributes ?? []).map((attribute) => [attribute.Key ?? '', attribute.Value ?? '']),
      );
    },

    async listeners(loadBalancerArn, { certificates = false } = {}) {
      const listeners: ListenerFacts[] = [];
      for await (const page of paginateDescribeListeners(config, {
        LoadBalancerArn: loadBalancerArn,
        PageSize,
      })) {
        for (const listener of page.Listeners ?? []) {
          listeners.push({
            arn: listener.ListenerArn ?? '',
            loadBalancerArn: listener.LoadBalancerArn ?? loadBalancerArn,
            port: listener.Port ?? 0,
            protocol: listener.Protocol ?? 'TCP',
            targetGroupArns: forwardedTargetGroupArns(listener),
            ...(certificates
              ? {
                  certificateArns: TLS_PROTOCOLS.has(listener.Protocol ?? '')
                    ? await listenerCertificates(listener.ListenerArn ?? '')
                    : [],
                }
              : {}),
          });
        }
      }
      return listeners;
    },

    async targetHealth(targetGroupArn) {
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
        if (isGone(error, 'target')) return { alreadyGone: true };
        throw error;
      }
    },
  };
}
