/**
 * Elastic Load Balancing v2 in the simulated account: network load balancers, listeners, target
 * groups (attributes, tags), Marker/PageSize pagination, RegisterTargets/DeregisterTargets with the
 * real errors, and a health model. A target's health is computed, not scripted, from:
 *   registration (draining while deregistering, for deregistration_delay.timeout_seconds) →
 *   a listener using the group → the instance's state and AZ (a stopped instance is `unused` /
 *   Target.InvalidState) → health checks disabled (`unavailable` / Target.HealthCheckDisabled) →
 *   the first health checks (`initial` for interval × healthy threshold after registration, start
 *   or reboot) →
 *   status checks, whether the application listens on the health-check port and whether the
 *   security groups let the load balancer reach that port.
 * So the seed's misconfiguration (target port 443 while the gateway serves 80) fails exactly as it did.
 */
import {
  DeregisterTargetsCommand,
  type DeregisterTargetsCommandInput,
  DescribeListenerCertificatesCommand,
  type DescribeListenerCertificatesCommandInput,
  DescribeListenersCommand,
  type DescribeListenersCommandInput,
  DescribeLoadBalancersCommand,
  type DescribeLoadBalancersCommandInput,
  DescribeTagsCommand,
  type DescribeTagsCommandInput,
  DescribeTargetGroupAttributesCommand,
  type DescribeTargetGroupAttributesCommandInput,
  DescribeTargetGroupsCommand,
  type DescribeTargetGroupsCommandInput,
  DescribeTargetHealthCommand,
  type DescribeTargetHealthCommandInput,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type RegisterTargetsCommandInput,
  type Tag,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { cidrContains, parseCidr } from '../shared/rules/cidr';
import type { SimulatedAccount } from './account';
import type { InstanceState, SimInstance } from './ec2-instances';
import { awsError } from './errors';
import type { SecurityGroupState } from './security-groups';

export interface SimLoadBalancer {
  readonly arn: string;
  readonly name: string;
  readonly scheme: 'internal' | 'internet-facing';
  readonly vpcId: string;
  securityGroups: string[];
  /** Subnets (one per AZ) with their CIDRs: the load balancer's nodes, and the health checks' source. */
  readonly subnets: Array<{ subnetId: string; zone: string; cidr: string }>;
  readonly tags: Tag[];
  readonly createdAt?: Date;
}

export interface SimListener {
  readonly arn: string;
  readonly loadBalancerArn: string;
  port: number;
  protocol: 'TCP' | 'TLS' | 'UDP' | 'TCP_UDP';
  targetGroupArn: string;
  /** The default certificate (DescribeListeners shows only this one). */
  certificateArn?: string;
  /** More certificates for SNI: only DescribeListenerCertificates lists them. */
  sniCertificateArns?: string[];
}

export interface SimRegistration {
  readonly id: string;
  port: number;
  registeredAt: number;
  deregisteredAt?: number;
  /** The registration never completes: `initial` / Elb.RegistrationInProgress however long one waits. */
  stalled?: boolean;
}

export interface SimTargetGroup {
  readonly arn: string;
  readonly name: string;
  protocol: 'TCP' | 'TLS' | 'UDP' | 'TCP_UDP';
  port: number;
  readonly vpcId: string;
  healthCheck: {
    protocol: 'TCP' | 'HTTP' | 'HTTPS';
    port: 'traffic-port' | string;
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
    /** false: health checks disabled (HealthCheckEnabled false): every target `unavailable`. */
    enabled?: boolean;
  };
  readonly attributes: Record<string, string>;
  readonly tags: Tag[];
  registrations: SimRegistration[];
}

export interface Elbv2State {
  readonly loadBalancers: Map<string, SimLoadBalancer>;
  readonly listeners: Map<string, SimListener>;
  readonly targetGroups: Map<string, SimTargetGroup>;
}

// Errors carry ELBv2's documented wire codes (the API reference's "Errors" sections); the SDK's
// deserializer turns them into its exception classes, with the wire code in `Code`.
const validation = (message: string) => awsError('ValidationError', message, 400);
const tgNotFound = () => awsError('TargetGroupNotFound', 'One or more target groups not found', 400);
const lbNotFound = () => awsError('LoadBalancerNotFound', 'One or more load balancers not found', 400);
const listenerNotFound = () => awsError('ListenerNotFound', 'One or more listeners not found', 400);

/** ELBv2 pagination: an opaque Marker, PageSize 1–400. */
function pageByMarker<T>(
  items: T[],
  input: { Marker?: string; PageSize?: number },
): { items: T[]; NextMarker?: string } {
  const size = input.PageSize ?? 400;
  if (!Number.isInteger(size) || size < 1 || size > 400)
    throw validation(
      `1 validation error detected: Value '${size}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400`,
    );
  const start = input.Marker ? Number(Buffer.from(input.Marker, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw validation('Invalid marker');
  const end = start + size;
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { NextMarker: Buffer.from(String(end)).toString('base64') } : {}),
  };
}

export function installElbv2(
  account: SimulatedAccount,
  ec2: InstanceState,
  sg: SecurityGroupState,
): Elbv2State {
  const state: Elbv2State = { loadBalancers: new Map(), listeners: new Map(), targetGroups: new Map() };
  const now = () => account.clock.now().getTime();

  const groupOrThrow = (arn: string): SimTargetGroup => {
    const group = state.targetGroups.get(arn);
    if (!group) throw tgNotFound();
    return group;
  };
  const loadBalancersOf = (group: SimTargetGroup): SimLoadBalancer[] => {
    const arns = new Set(
      [...state.listeners.values()]
        .filter((listener) => listener.targetGroupArn === group.arn)
        .map((listener) => listener.loadBalancerArn),
    );
    return [...arns].flatMap((arn) => state.loadBalancers.get(arn) ?? []);
  };

  /** Drops registrations whose deregistration delay is over, as AWS forgets them. */
  const purge = (group: SimTargetGroup) => {
    ec2.settle();
    const delayMs = Number(group.attributes['deregistration_delay.timeout_seconds'] ?? '300') * 1000;
    group.registrations = group.registrations.filter(
      (registration) =>
        registration.deregisteredAt === undefined || now() < registration.deregisteredAt + delayMs,
    );
  };

  /** Does any rule of the instance's groups let this load balancer reach `port`, and its own egress allow it? */
  const pathOpen = (lb: SimLoadBalancer, instance: SimInstance, port: number): boolean => {
    const rules = [...sg.rules.values()];
    const tcpPort = (rule: { IpProtocol?: string; FromPort?: number; ToPort?: number }) =>
      rule.IpProtocol === '-1' ||
      (rule.IpProtocol === 'tcp' && (rule.FromPort ?? 0) <= port && (rule.ToPort ?? 0) >= port);
    const cidrCovers = (outer: string | undefined, inner: string) => {
      const a = outer ? parseCidr(outer) : undefined;
      const b = parseCidr(inner);
      return a !== undefined && b !== undefined && cidrContains(a, b);
    };
    const ingress = rules.some(
      (rule) =>
        !rule.IsEgress &&
        instance.securityGroupIds.includes(rule.GroupId ?? '') &&
        tcpPort(rule) &&
        (lb.securityGroups.includes(rule.ReferencedGroupInfo?.GroupId ?? '') ||
          lb.subnets.some((subnet) => cidrCovers(rule.CidrIpv4, subnet.cidr))),
    );
    if (!ingress) return false;
    if (lb.securityGroups.length === 0) return true;
    return rules.some(
      (rule) =>
        rule.IsEgress &&
        lb.securityGroups.includes(rule.GroupId ?? '') &&
        tcpPort(rule) &&
        (instance.securityGroupIds.includes(rule.ReferencedGroupInfo?.GroupId ?? '') ||
          cidrCovers(rule.CidrIpv4, `${instance.privateIpAddress}/32`)),
    );
  };

  const healthOf = (
    group: SimTargetGroup,
    registration: SimRegistration,
  ): TargetHealthDescription['TargetHealth'] => {
    if (registration.deregisteredAt !== undefined)
      return {
        State: 'draining',
        Reason: 'Target.DeregistrationInProgress',
        Description: 'Target deregistration is in progress',
      };
    const lbs = loadBalancersOf(group);
    if (lbs.length === 0)
      return {
        State: 'unused',
        Reason: 'Target.NotInUse',
        Description: 'Target group is not configured to receive traffic from the load balancer',
      };
    const instance = ec2.instances.get(registration.id);
    if (instance?.state !== 'running')
      return {
        State: 'unused',
        Reason: 'Target.InvalidState',
        Description: 'Target is in the stopped or terminated state',
      };
    if (!lbs.some((lb) => lb.subnets.some((subnet) => subnet.zone === instance.availabilityZone)))
      return {
        State: 'unused',
        Reason: 'Target.NotInUse',
        Description: 'Target is in an Availability Zone that is not enabled for the load balancer',
      };
    if (group.healthCheck.enabled === false)
      return {
        State: 'unavailable',
        Reason: 'Target.HealthCheckDisabled',
        Description: 'Health checks are disabled',
      };
    if (registration.stalled)
      return {
        State: 'initial',
        Reason: 'Elb.RegistrationInProgress',
        Description: 'Target registration is in progress',
      };
    const checkingSince = Math.max(registration.registeredAt, instance.upSince);
    const firstVerdictAt =
      checkingSince + group.healthCheck.intervalSeconds * group.healthCheck.healthyThreshold * 1000;
    if (now() < firstVerdictAt)
      return {
        State: 'initial',
        Reason: 'Elb.InitialHealthChecking',
        Description: 'Initial health checks in progress',
      };
    const probe =
      group.healthCheck.port === 'traffic-port' ? registration.port : Number(group.healthCheck.port);
    const passes =
      instance.instanceStatus === 'ok' &&
      instance.systemStatus === 'ok' &&
      !instance.appHung &&
      instance.listensOn.includes(probe) &&
      lbs.some((lb) => pathOpen(lb, instance, probe));
    return passes
      ? { State: 'healthy' }
      : { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' };
  };

  const describeGroup = (group: SimTargetGroup) => ({
    TargetGroupArn: group.arn,
    TargetGroupName: group.name,
    Protocol: group.protocol,
    Port: group.port,
    VpcId: group.vpcId,
    HealthCheckProtocol: group.healthCheck.protocol,
    HealthCheckPort: group.healthCheck.port,
    HealthCheckEnabled: group.healthCheck.enabled !== false,
    HealthCheckIntervalSeconds: group.healthCheck.intervalSeconds,
    HealthCheckTimeoutSeconds: group.healthCheck.timeoutSeconds,
    HealthyThresholdCount: group.healthCheck.healthyThreshold,
    UnhealthyThresholdCount: group.healthCheck.unhealthyThreshold,
    LoadBalancerArns: loadBalancersOf(group).map((lb) => lb.arn),
    TargetType: 'instance' as const,
    IpAddressType: 'ipv4' as const,
  });

  account.handle(
    ElasticLoadBalancingV2Client,
    DescribeLoadBalancersCommand,
    (input: DescribeLoadBalancersCommandInput) => {
      const all = [...state.loadBalancers.values()];
      let selected = all;
      if (input.LoadBalancerArns?.length) {
        if (input.LoadBalancerArns.length > 20)
          throw validation('You can specify up to 20 load balancer ARNs');
        selected = input.LoadBalancerArns.map(
          (arn) =>
            state.loadBalancers.get(arn) ??
            (() => {
              throw lbNotFound();
            })(),
        );
      } else if (input.Names?.length) {
        selected = input.Names.map(
          (name) =>
            all.find((lb) => lb.name === name) ??
            (() => {
              throw lbNotFound();
            })(),
        );
      }
      const result = pageByMarker(selected, input);
      return {
        LoadBalancers: result.items.map((lb) => ({
          LoadBalancerArn: lb.arn,
          LoadBalancerName: lb.name,
          DNSName: `${lb.name}-${lb.arn.split('/').at(-1)}.elb.${account.region}.amazonaws.com`,
          Scheme: lb.scheme,
          VpcId: lb.vpcId,
          State: { Code: 'active' as const },
          Type: 'network' as const,
          AvailabilityZones: lb.subnets.map((subnet) => ({
            ZoneName: subnet.zone,
            SubnetId: subnet.subnetId,
          })),
          SecurityGroups: [...lb.securityGroups],
          IpAddressType: 'ipv4' as const,
          ...(lb.createdAt ? { CreatedTime: lb.createdAt } : {}),
        })),
        ...(result.NextMarker ? { NextMarker: result.NextMarker } : {}),
      };
    },
  );

  account.handle(
    ElasticLoadBalancingV2Client,
    DescribeListenersCommand,
    (input: DescribeListenersCommandInput) => {
      let listeners: SimListener[];
      if (input.LoadBalancerArn) {
        if (!state.loadBalancers.has(input.LoadBalancerArn)) throw lbNotFound();
        listeners = [...state.listeners.values()].filter(
          (listener) => listener.loadBalancerArn === input.LoadBalancerArn,
        );
      } else if (input.ListenerArns?.length) {
        listeners = input.ListenerArns.map((arn) => {
          const listener = state.listeners.get(arn);
          if (!listener) throw listenerNotFound();
          return listener;
        });
      } else {
        throw validation('A load balancer ARN or listener ARNs must be specified');
      }
      const result = pageByMarker(listeners, input);
      return {
        Listeners: result.items.map((listener) => ({
          ListenerArn: listener.arn,
          LoadBalancerArn: listener.loadBalancerArn,
          Port: listener.port,
          Protocol: listener.protocol,
          ...(listener.certificateArn
            ? {
                Certificates: [{ CertificateArn: listener.certificateArn }],
                SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
              }
            : {}),
          DefaultActions: [
            {
              Type: 'forward' as const,
              TargetGroupArn: listener.targetGroupArn,
              ForwardConfig: { TargetGroups: [{ TargetGroupArn: listener.targetGroupArn, Weight: 1 }] },
            },
          ],
        })),
        ...(result.NextMarker ? { NextMarker: result.NextMarker } : {}),
      };
    },
  );

  account.handle(
    ElasticLoadBalancingV2Client,
    DescribeListenerCertificatesCommand,
    (input: DescribeListenerCertificatesCommandInput) => {
      const listener = input.ListenerArn ? state.listeners.get(input.ListenerArn) : undefined;
      if (!listener) throw listenerNotFound();
      // As AWS does: the default certificate (IsDefault) and then the certificate list.
      const certificates = [
        ...(listener.certificateArn ? [{ CertificateArn: listener.certificateArn, IsDefault: true }] : []),
        ...(listener.sniCertificateArns ?? []).map((arn) => ({ CertificateArn: arn, IsDefault: false })),
      ];
      const result = pageByMarker(certificates, input);
      return {
        Certificates: result.items,
        ...(result.NextMarker ? { NextMarker: result.NextMarker } : {}),
      };
    },
  );

  account.handle(
    ElasticLoadBalancingV2Client,
    DescribeTargetGroupsCommand,
    (input: DescribeTargetGroupsCommandInput) => {
      const selectors = [input.LoadBalancerArn, input.TargetGroupArns?.length, input.Names?.length].filter(
        Boolean,
      );
      if (selectors.length > 1)
        throw validation('Only one of LoadBalancerArn, TargetGroupArns or Names can be specified');
      const all = [...state.targetGroups.values()];
      let selected = all;
      if (input.LoadBalancerArn) {
        const lb = state.loadBalancers.get(input.LoadBalancerArn);
        if (!lb) throw lbNotFound();
        selected = all.filter((group) => loadBalancersOf(group).includes(lb));
      } else if (input.TargetGroupArns?.length) {
        selected = input.TargetGroupArns.map(groupOrThrow);
      } else if (input.Names?.length) {
        selected = input.Names.map(
          (name) =>
            all.find((group) => group.name === name) ??
            (() => {
              throw tgNotFound();
            })(),
        );
      }
      const result = pageByMarker(selected, input);
      return {
        TargetGroups: result.items.map(describeGroup),
        ...(result.NextMarker ? { NextMarker: result.NextMarker } : {}),
      };
    },
  );

  account.handle(
    ElasticLoadBalancingV2Client,
    DescribeTargetGroupAttributesCommand,
    (input: DescribeTargetGroupAttributesCommandInput) => {
      const group = groupOrThrow(input.TargetGroupArn ?? '');
      return { Attributes: Object.entries(group.attributes).map(([Key, Value]) => ({ Key, Value })) };
    },
  );

  account.handle(ElasticLoadBalancingV2Client, DescribeTagsCommand, (input: DescribeTagsCommandInput) => {
    const arns = input.ResourceArns ?? [];
    if (arns.length === 0 || arns.length > 20)
      throw validation(
        `1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length between 1 and 20, found ${arns.length}`,
      );
    return {
      TagDescriptions: arns.map((arn) => {
        const tagged = state.targetGroups.get(arn) ?? state.loadBalancers.get(arn);
        if (!tagged) throw arn.includes(':targetgroup/') ? tgNotFound() : lbNotFound();
        return { ResourceArn: arn, Tags: structuredClone(tagged.tags) };
      }),
    };
  });

  account.handle(
    ElasticLoadBalancingV2Client,
    DescribeTargetHealthCommand,
    (input: DescribeTargetHealthCommandInput) => {
      const group = groupOrThrow(input.TargetGroupArn ?? '');
      purge(group);
      const describe = (registration: SimRegistration): TargetHealthDescription => {
        const probe =
          group.healthCheck.port === 'traffic-port' ? registration.port : Number(group.healthCheck.port);
        return {
          Target: { Id: registration.id, Port: registration.port },
          HealthCheckPort: String(probe),
          TargetHealth: healthOf(group, registration),
        };
      };
      if (!input.Targets?.length) return { TargetHealthDescriptions: group.registrations.map(describe) };
      return {
        TargetHealthDescriptions: input.Targets.map((target) => {
          const found = group.registrations.find(
            (registration) =>
              registration.id === target.Id &&
              (target.Port === undefined || registration.port === target.Port),
          );
          if (found) return describe(found);
          return {
            Target: { Id: target.Id, Port: target.Port ?? group.port },
            HealthCheckPort: String(
              group.healthCheck.port === 'traffic-port'
                ? (target.Port ?? group.port)
                : group.healthCheck.port,
            ),
            TargetHealth: {
              State: 'unused',
              Reason: 'Target.NotRegistered',
              Description: 'Target is not registered to the target group',
            },
          };
        }),
      };
    },
  );

  account.handle(
    ElasticLoadBalancingV2Client,
    RegisterTargetsCommand,
    (input: RegisterTargetsCommandInput) => {
      const group = groupOrThrow(input.TargetGroupArn ?? '');
      purge(group);
      const notRunning = (input.Targets ?? []).filter(
        (target) => ec2.instances.get(target.Id ?? '')?.state !== 'running',
      );
      if (notRunning.length > 0)
        throw awsError(
          'InvalidTarget',
          `The following targets are not in a running state and cannot be registered: '${notRunning.map((target) => target.Id).join(', ')}'`,
          400,
        );
      for (const target of input.Targets ?? []) {
        const port = target.Port ?? group.port;
        const existing = group.registrations.find(
          (registration) => registration.id === target.Id && registration.port === port,
        );
        if (existing?.deregisteredAt !== undefined) {
          existing.deregisteredAt = undefined;
          existing.registeredAt = now();
        } else if (!existing) {
          group.registrations.push({ id: target.Id ?? '', port, registeredAt: now() });
        }
      }
      return {};
    },
  );

  account.handle(
    ElasticLoadBalancingV2Client,
    DeregisterTargetsCommand,
    (input: DeregisterTargetsCommandInput) => {
      const group = groupOrThrow(input.TargetGroupArn ?? '');
      purge(group);
      // A registration made with a port override is only found again with the same port.
      const matches = (input.Targets ?? []).map((target) => {
        const port = target.Port ?? group.port;
        const found = group.registrations.filter(
          (registration) => registration.id === target.Id && registration.port === port,
        );
        if (found.length === 0)
          throw awsError(
            'InvalidTarget',
            `The following targets are not registered in target group '${group.arn}': '${target.Id}'`,
            400,
          );
        return found;
      });
      for (const registration of matches.flat()) registration.deregisteredAt ??= now();
      return {};
    },
  );

  return state;
}
