/**
 * The load-balancing part of the estate, as plain values: what heal-targets diagnoses and the daily
 * and weekly audits report on. One model for both: shared/aws/elbv2.ts builds it from ELBv2, the
 * simulated account and plain fakes stand in for it in tests. Nothing here calls AWS.
 */

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

export interface LoadBalancerFacts {
  readonly arn: string;
  readonly name: string;
  /** network | application | gateway */
  readonly type: string;
  /** internal | internet-facing */
  readonly scheme?: string;
  readonly createdAt?: Date;
  readonly securityGroupIds: ReadonlyArray<string>;
  readonly subnets: ReadonlyArray<{
    readonly subnetId: string;
    readonly zone: string;
    readonly cidr?: string;
  }>;
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

export interface ListenerFacts {
  readonly arn: string;
  readonly loadBalancerArn: string;
  readonly port: number;
  readonly protocol: string;
  /** The groups its default actions forward to. */
  readonly targetGroupArns: ReadonlyArray<string>;
  /** The default certificate and every SNI certificate of a TLS listener, when they were asked for. */
  readonly certificateArns?: ReadonlyArray<string>;
}

export interface TargetHealthFacts {
  readonly instanceId: string;
  readonly port: number;
  readonly healthCheckPort?: number;
  readonly state: TargetHealthState;
  readonly reason?: string;
  readonly description?: string;
}

export interface TargetRef {
  readonly id: string;
  readonly port: number;
}

/** What netwarden asks of the account's load balancers, and the two changes heal-targets makes. */
export interface LoadBalancing {
  /** Every load balancer of the account, or only those named (none named: none). */
  loadBalancers(arns?: ReadonlyArray<string>): Promise<LoadBalancerFacts[]>;
  /** Every target group, or those behind one load balancer. */
  targetGroups(filter?: { loadBalancerArn?: string }): Promise<TargetGroupFacts[]>;
  /** undefined when it does not exist (TargetGroupNotFound). */
  targetGroup(arn: string): Promise<TargetGroupFacts | undefined>;
  tags(arns: ReadonlyArray<string>): Promise<Record<string, Record<string, string>>>;
  targetGroupAttributes(targetGroupArn: string): Promise<Record<string, string>>;
  /** With `certificates`, every TLS listener's certificates too (one more paged call per TLS listener). */
  listeners(loadBalancerArn: string, options?: { certificates?: boolean }): Promise<ListenerFacts[]>;
  targetHealth(targetGroupArn: string): Promise<TargetHealthFacts[]>;
  registerTargets(targetGroupArn: string, targets: ReadonlyArray<TargetRef>): Promise<void>;
  deregisterTargets(
    targetGroupArn: string,
    targets: ReadonlyArray<TargetRef>,
  ): Promise<{ alreadyGone: boolean }>;
}
