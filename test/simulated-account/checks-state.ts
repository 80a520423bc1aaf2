/** State of the services the daily and weekly checks read, in the simulated account. */
export interface TargetGroup {
  arn: string;
  name: string;
  protocol: string;
  port: number;
  healthCheckPort: string;
  loadBalancerArns: string[];
  attributes: Record<string, string>;
  targets: Array<{ id: string; port: number; state: string; reason?: string }>;
}

export interface Certificate {
  arn: string;
  domain: string;
  notAfter: Date;
  type: string;
  renewalEligibility: string;
}

/** An error shaped like the SDK's for any service: `name` is the AWS error code. */
export function serviceError(code: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), {
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'simulated' },
  });
}

export interface LoadBalancer {
  arn: string;
  name: string;
  type: string;
  scheme: string;
  vpcId: string;
  securityGroups: string[];
  createdAt: Date;
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  certificateArns: string[];
  targetGroupArn: string;
}

export interface Alarm {
  name: string;
  type: 'metric' | 'composite';
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  metric?: string;
  since: Date;
  reason?: string;
}

export interface MetricSeriesSpec {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  /** The sample of the hour starting at `hour` × 1h since the epoch. */
  hourly: (hour: number) => number;
}

export interface NetworkInterface {
  id: string;
  description: string;
  groups: string[];
}

export interface LoadBalancingEstate {
  loadBalancers: LoadBalancer[];
  targetGroups: TargetGroup[];
  listeners: Listener[];
  certificates: Certificate[];
  interfaces: NetworkInterface[];
  metrics: MetricSeriesSpec[];
  alarms: Alarm[];
}
