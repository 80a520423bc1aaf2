/**
 * ELBv2 reads for the daily and weekly checks, in the audits' own types (shared/audits/ports.ts):
 * every load balancer and target group of the account, attributes and certificates, nothing
 * written. heal-targets' adapter (elbv2.ts) reads the same APIs into the healing types; the two
 * share the SDK-shape helpers (elbv2-listeners.ts). DescribeLoadBalancers, DescribeTargetGroups and
 * DescribeListeners page with Marker/NextMarker.
 */
import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  paginateDescribeListenerCertificates,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ListenerFacts, LoadBalancerFacts, LoadBalancerReads, TargetGroupFacts } from '../audits/ports';
import { forwardedTargetGroupArns } from './elbv2-listeners';

/** Listener protocols that terminate TLS and so hold certificates. */
const TLS_PROTOCOLS = new Set(['TLS', 'HTTPS']);

/** PageSize is 1–400 for these calls; their paginators ignore `pageSize`, so it goes in the input. */
export function loadBalancerReads(
  client: ElasticLoadBalancingV2Client,
  options: { pageSize?: number } = {},
): LoadBalancerReads {
  const config = { client };
  const PageSize = options.pageSize ?? 400;
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
    async loadBalancers() {
      const result: LoadBalancerFacts[] = [];
      for await (const page of paginateDescribeLoadBalancers(config, { PageSize }))
        for (const lb of page.LoadBalancers ?? []) {
          if (!lb.LoadBalancerArn) continue;
          result.push({
            arn: lb.LoadBalancerArn,
            name: lb.LoadBalancerName ?? lb.LoadBalancerArn,
            type: lb.Type ?? 'unknown',
            ...(lb.Scheme ? { scheme: lb.Scheme } : {}),
            ...(lb.CreatedTime ? { createdAt: new Date(lb.CreatedTime) } : {}),
          });
        }
      return result;
    },
    async targetGroups() {
      const result: TargetGroupFacts[] = [];
      for await (const page of paginateDescribeTargetGroups(config, { PageSize }))
        for (const group of page.TargetGroups ?? []) {
          if (!group.TargetGroupArn) continue;
          result.push({
            arn: group.TargetGroupArn,
            name: group.TargetGroupName ?? group.TargetGroupArn,
            ...(group.Protocol ? { protocol: group.Protocol } : {}),
            ...(group.Port !== undefined ? { port: group.Port } : {}),
            ...(group.TargetType ? { targetType: group.TargetType } : {}),
            ...(group.HealthCheckPort ? { healthCheckPort: group.HealthCheckPort } : {}),
            loadBalancerArns: group.LoadBalancerArns ?? [],
          });
        }
      return result;
    },
    async targetHealth(targetGroupArn) {
      const output = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      return (output.TargetHealthDescriptions ?? []).map((description) => ({
        id: description.Target?.Id ?? '?',
        ...(description.Target?.Port !== undefined ? { port: description.Target.Port } : {}),
        state: description.TargetHealth?.State ?? 'unknown',
        ...(description.TargetHealth?.Reason ? { reason: description.TargetHealth.Reason } : {}),
      }));
    },
    async targetGroupAttributes(targetGroupArn) {
      const output = await client.send(
        new DescribeTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn }),
      );
      return Object.fromEntries(
        (output.Attributes ?? []).map((attribute) => [attribute.Key ?? '', attribute.Value ?? '']),
      );
    },
    async listeners(loadBalancerArn) {
      const result: ListenerFacts[] = [];
      for await (const page of paginateDescribeListeners(config, {
        LoadBalancerArn: loadBalancerArn,
        PageSize,
      }))
        for (const listener of page.Listeners ?? []) {
          result.push({
            arn: listener.ListenerArn ?? '?',
            loadBalancerArn,
            ...(listener.Port !== undefined ? { port: listener.Port } : {}),
            ...(listener.Protocol ? { protocol: listener.Protocol } : {}),
            certificateArns: TLS_PROTOCOLS.has(listener.Protocol ?? '')
              ? await listenerCertificates(listener.ListenerArn ?? '')
              : [],
            targetGroupArns: forwardedTargetGroupArns(listener),
          });
        }
      return result;
    },
  };
}
