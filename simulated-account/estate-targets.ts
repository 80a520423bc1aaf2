/**
 * The seed's load-balancing estate: the internal `gateway-nlb` (SG gateway-nlb-sg) in three private
 * subnets, listeners 443 TLS → gateway-tg-https (target port 80, TLS ends at the NLB) and 9995 TCP →
 * gateway-tg-custom (port 9995), three gateway instances in gateway-instance-sg across the AZs (the
 * seed shows one; three make "one of three" stories possible), and a leftover target group that is
 * not opted in to healing. The default estate is healthy; the helpers below break it in the ways the
 * seed and on-call know.
 */
import type { SimulatedAccount } from './account';
import type { InstanceState, SimInstance } from './ec2-instances';
import type { Elbv2State, SimTargetGroup } from './elbv2';
import { GROUPS, VPC_ID } from './estate';

export const REGION = 'ap-northeast-2';
export const ACCOUNT = '111122223333';
export const elbArn = (resource: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:${resource}`;

export const SUBNETS = [
  {
    subnetId: 'subnet-0a0000000000000a1',
    zone: 'ap-northeast-2a',
    cidr: '10.20.10.0/24',
    name: 'private-az-a',
  },
  {
    subnetId: 'subnet-0b0000000000000b2',
    zone: 'ap-northeast-2b',
    cidr: '10.20.11.0/24',
    name: 'private-az-b',
  },
  {
    subnetId: 'subnet-0c0000000000000c3',
    zone: 'ap-northeast-2c',
    cidr: '10.20.12.0/24',
    name: 'private-az-c',
  },
] as const;

export const NLB_ARN = elbArn('loadbalancer/net/gateway-nlb/5f3c2a1b0e9d8c7a');

export const TARGET_GROUPS = {
  https: elbArn('targetgroup/gateway-tg-https/8e1f2a3b4c5d6e7f'),
  custom: elbArn('targetgroup/gateway-tg-custom/9a8b7c6d5e4f3a2b'),
  /** Not tagged netwarden:heal and not behind any listener: healing must not even look at it. */
  legacy: elbArn('targetgroup/legacy-tg-8080/0f1e2d3c4b5a6978'),
} as const;

export const LISTENERS = {
  https: elbArn('listener/net/gateway-nlb/5f3c2a1b0e9d8c7a/1a2b3c4d5e6f7a8b'),
  custom: elbArn('listener/net/gateway-nlb/5f3c2a1b0e9d8c7a/2b3c4d5e6f7a8b9c'),
} as const;

export const GATEWAY_INSTANCES = [
  'i-0abcdef1234567890',
  'i-0abcdef1234567891',
  'i-0abcdef1234567892',
] as const;

export const CERTIFICATE_ARN = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/0c4b2f4e-5d6a-4b1c-9e8f-7a6b5c4d3e2f`;

const terraformTags = [
  { Key: 'ManagedBy', Value: 'Terraform' },
  { Key: 'Environment', Value: 'production' },
];

/** The seed's recommended target-group settings; the weekly check reports departures from them. */
export const RECOMMENDED_ATTRIBUTES: Readonly<Record<string, string>> = {
  'deregistration_delay.timeout_seconds': '300',
  'deregistration_delay.connection_termination.enabled': 'false',
  'preserve_client_ip.enabled': 'true',
  'stickiness.enabled': 'true',
  'stickiness.type': 'source_ip',
  'proxy_protocol_v2.enabled': 'false',
};

/** A TCP target group with the seed's health check; attributes are the recommended ones unless overridden. */
export function simTargetGroup(spec: {
  readonly arn: string;
  readonly name: string;
  readonly port: number;
  readonly tags: Array<{ Key: string; Value: string }>;
  readonly registrations: SimTargetGroup['registrations'];
  readonly attributes?: Readonly<Record<string, string>>;
}): SimTargetGroup {
  return {
    arn: spec.arn,
    name: spec.name,
    protocol: 'TCP',
    port: spec.port,
    vpcId: VPC_ID,
    healthCheck: {
      protocol: 'TCP',
      port: 'traffic-port',
      intervalSeconds: 30,
      timeoutSeconds: 10,
      healthyThreshold: 3,
      unhealthyThreshold: 3,
    },
    attributes: { ...RECOMMENDED_ATTRIBUTES, ...spec.attributes },
    tags: spec.tags,
    registrations: spec.registrations,
  };
}

/** A healthy running instance in `subnet` (host `.host` of its /24), reachable on `listensOn`. */
export function simInstance(spec: {
  readonly instanceId: string;
  readonly subnet: (typeof SUBNETS)[number];
  readonly host: number;
  readonly tags: SimInstance['tags'];
  readonly listensOn: number[];
  readonly upSince: number;
}): SimInstance {
  return {
    instanceId: spec.instanceId,
    state: 'running',
    subnetId: spec.subnet.subnetId,
    vpcId: VPC_ID,
    availabilityZone: spec.subnet.zone,
    privateIpAddress: spec.subnet.cidr.replace(/0\/24$/, String(spec.host)),
    securityGroupIds: [GROUPS.gateway],
    tags: spec.tags,
    instanceStatus: 'ok',
    systemStatus: 'ok',
    rebootHeals: true,
    listensOn: spec.listensOn,
    appHung: false,
    upSince: spec.upSince,
  };
}

function gatewayTargetGroup(
  arn: string,
  name: string,
  port: number,
  tags: Array<{ Key: string; Value: string }>,
  registeredAt: number,
): SimTargetGroup {
  return simTargetGroup({
    arn,
    name,
    port,
    tags: [...terraformTags, { Key: 'Name', Value: name }, ...tags],
    registrations: GATEWAY_INSTANCES.map((id) => ({ id, port, registeredAt })),
  });
}

/** Creates the subnets, instances, NLB, listeners and target groups (they predate netwarden: no trail). */
export function seedTargets(account: SimulatedAccount, ec2: InstanceState, elbv2: Elbv2State): void {
  const longAgo = account.clock.now().getTime() - 86_400_000;
  for (const subnet of SUBNETS) {
    ec2.subnets.set(subnet.subnetId, {
      SubnetId: subnet.subnetId,
      VpcId: VPC_ID,
      CidrBlock: subnet.cidr,
      AvailabilityZone: subnet.zone,
      State: 'available',
      OwnerId: account.accountId,
      Tags: [{ Key: 'Name', Value: subnet.name }],
    });
  }
  GATEWAY_INSTANCES.forEach((instanceId, index) => {
    const subnet = SUBNETS[index % SUBNETS.length] ?? SUBNETS[0];
    ec2.instances.set(
      instanceId,
      simInstance({
        instanceId,
        subnet,
        host: 11,
        tags: [...terraformTags.map((tag) => ({ ...tag })), { Key: 'Name', Value: `gateway-${index + 1}` }],
        listensOn: [80, 9995],
        upSince: longAgo,
      }),
    );
  });
  elbv2.loadBalancers.set(NLB_ARN, {
    arn: NLB_ARN,
    name: 'gateway-nlb',
    scheme: 'internal',
    vpcId: VPC_ID,
    securityGroups: [GROUPS.nlb],
    subnets: SUBNETS.map(({ subnetId, zone, cidr }) => ({ subnetId, zone, cidr })),
    tags: [...terraformTags, { Key: 'Name', Value: 'gateway-nlb' }],
    createdAt: new Date(account.clock.now().getTime() - 400 * 86_400_000),
  });
  const heal = [{ Key: 'netwarden:heal', Value: 'true' }];
  elbv2.targetGroups.set(
    TARGET_GROUPS.https,
    gatewayTargetGroup(TARGET_GROUPS.https, 'gateway-tg-https', 80, heal, longAgo),
  );
  elbv2.targetGroups.set(
    TARGET_GROUPS.custom,
    gatewayTargetGroup(TARGET_GROUPS.custom, 'gateway-tg-custom', 9995, heal, longAgo),
  );
  elbv2.targetGroups.set(
    TARGET_GROUPS.legacy,
    gatewayTargetGroup(TARGET_GROUPS.legacy, 'legacy-tg-8080', 8080, [], longAgo),
  );
  elbv2.listeners.set(LISTENERS.https, {
    arn: LISTENERS.https,
    loadBalancerArn: NLB_ARN,
    port: 443,
    protocol: 'TLS',
    targetGroupArn: TARGET_GROUPS.https,
    certificateArn: CERTIFICATE_ARN,
  });
  elbv2.listeners.set(LISTENERS.custom, {
    arn: LISTENERS.custom,
    loadBalancerArn: NLB_ARN,
    port: 9995,
    protocol: 'TCP',
    targetGroupArn: TARGET_GROUPS.custom,
  });
}

// ── Scenario helpers: each breaks the default estate the way it breaks in real life ─────────────

interface Estate {
  readonly instances: InstanceState;
  readonly elbv2: Elbv2State;
}

function instance(estate: Estate, id: string): SimInstance {
  const found = estate.instances.instances.get(id);
  if (!found) throw new Error(`no simulated instance ${id}`);
  return found;
}

function group(estate: Estate, arn: string): SimTargetGroup {
  const found = estate.elbv2.targetGroups.get(arn);
  if (!found) throw new Error(`no simulated target group ${arn}`);
  return found;
}

/**
 * The seed's mistake: the target group (and its attachments) on `port` — e.g. 443 — while the
 * gateway serves 80. Terraform replaces a target group to change its port, so this edits state.
 */
export function setTargetGroupPort(estate: Estate, arn: string, port: number): void {
  const target = group(estate, arn);
  for (const registration of target.registrations) {
    if (registration.port === target.port) registration.port = port;
  }
  target.port = port;
}

export function stopInstance(estate: Estate, id: string): void {
  instance(estate, id).state = 'stopped';
}

/** Someone turned the group's health checks off: ELBv2 then reports every target `unavailable`. */
export function disableHealthChecks(estate: Estate, arn: string): void {
  group(estate, arn).healthCheck.enabled = false;
}

/** `id`'s registration in the group never completes: it stays `initial` (Elb.RegistrationInProgress). */
export function stallRegistration(estate: Estate, arn: string, id: string): void {
  for (const registration of group(estate, arn).registrations)
    if (registration.id === id) registration.stalled = true;
}

/** Status checks fail; a reboot heals them unless `survivesReboot` (then only a human can). */
export function impairInstance(estate: Estate, id: string, options: { survivesReboot?: boolean } = {}): void {
  const target = instance(estate, id);
  target.instanceStatus = 'impaired';
  target.rebootHeals = options.survivesReboot !== true;
}

/** The gateway process hangs: the instance is fine, health checks fail, a reboot clears it. */
export function hangApplication(estate: Estate, id: string): void {
  instance(estate, id).appHung = true;
}

/** Someone restarted the gateway process by hand: health checks pass again. */
export function resumeApplication(estate: Estate, id: string): void {
  instance(estate, id).appHung = false;
}

export function tagTargetGroup(estate: Estate, arn: string, key: string, value: string | undefined): void {
  const target = group(estate, arn);
  const index = target.tags.findIndex((tag) => tag.Key === key);
  if (index >= 0) target.tags.splice(index, 1);
  if (value !== undefined) target.tags.push({ Key: key, Value: value });
}

/** Registers `id` with a port override (a hand-made registration on the wrong port). */
export function registerOnPort(estate: Estate, arn: string, id: string, port: number, at: number): void {
  const target = group(estate, arn);
  target.registrations = target.registrations.filter((registration) => registration.id !== id);
  target.registrations.push({ id, port, registeredAt: at });
}

/** A tag on an instance, as netwarden would find it (e.g. attempt counts from earlier runs). */
export function tagInstance(estate: Estate, id: string, tags: Record<string, string>): void {
  const target = instance(estate, id);
  for (const [Key, Value] of Object.entries(tags)) {
    const existing = target.tags.find((tag) => tag.Key === Key);
    if (existing) existing.Value = Value;
    else target.tags.push({ Key, Value });
  }
}

export function instanceTags(estate: Estate, id: string): Record<string, string> {
  return Object.fromEntries(instance(estate, id).tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}
