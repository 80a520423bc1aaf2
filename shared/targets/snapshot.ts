/**
 * What heal-targets knows about one target group at one moment, as plain values: the adapters in
 * shared/aws/ build it, diagnose() reads it. Nothing here calls AWS.
 */
import type { Rule } from '../rules/rule';

export type TargetHealthState =
  | 'initial'
  | 'healthy'
  | 'unhealthy'
  | 'unhealthy.draining'
  | 'unused'
  | 'draining'
  | 'unavailable';

export interface HealthCheckFacts {
  readonly protocol: string;
  /** A port number, or 'traffic-port': the port each target is registered on. */
  readonly port: number | 'traffic-port';
  readonly intervalSeconds: number;
  readonly healthyThreshold: number;
}

export interface TargetGroupFacts {
  readonly arn: string;
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
  readonly targetType: string;
  readonly loadBalancerArns: ReadonlyArray<string>;
  readonly healthCheck: HealthCheckFacts;
}

export interface LoadBalancerFacts {
  readonly arn: string;
  readonly name: string;
  readonly type: string;
  readonly securityGroupIds: ReadonlyArray<string>;
  readonly subnets: ReadonlyArray<{
    readonly subnetId: string;
    readonly zone: string;
    readonly cidr?: string;
  }>;
}

export interface ListenerFacts {
  readonly arn: string;
  readonly loadBalancerArn: string;
  readonly port: number;
  readonly protocol: string;
  readonly targetGroupArns: ReadonlyArray<string>;
}

export interface TargetHealthFacts {
  readonly instanceId: string;
  readonly port: number;
  readonly healthCheckPort?: number;
  readonly state: TargetHealthState;
  readonly reason?: string;
  readonly description?: string;
}

export type StatusCheck = 'ok' | 'impaired' | 'initializing' | 'insufficient-data' | 'not-applicable';

export interface InstanceFacts {
  readonly instanceId: string;
  /** pending | running | stopping | stopped | shutting-down | terminated */
  readonly state: string;
  readonly availabilityZone?: string;
  /** LaunchTime: when the instance last started (a reboot does not change it). */
  readonly launchedAt?: Date;
  readonly privateIp?: string;
  readonly securityGroupIds: ReadonlyArray<string>;
  readonly tags: Readonly<Record<string, string>>;
  readonly instanceStatus: StatusCheck;
  readonly systemStatus: StatusCheck;
}

/** Another opted-in target group behind the same load balancer: evidence of where the app answers. */
export interface SiblingFacts {
  readonly group: TargetGroupFacts;
  readonly targets: ReadonlyArray<TargetHealthFacts>;
}

export interface TargetGroupSnapshot {
  readonly group: TargetGroupFacts;
  readonly tags: Readonly<Record<string, string>>;
  readonly loadBalancers: ReadonlyArray<LoadBalancerFacts>;
  /** Listeners that forward to this group. */
  readonly listeners: ReadonlyArray<ListenerFacts>;
  readonly targets: ReadonlyArray<TargetHealthFacts>;
  readonly instances: Readonly<Record<string, InstanceFacts>>;
  /** Rules of the instances' and the load balancers' security groups (both directions). */
  readonly rules: ReadonlyArray<Rule>;
  readonly siblings: ReadonlyArray<SiblingFacts>;
}
