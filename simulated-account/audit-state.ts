/** State of the services the daily and weekly checks read, in the simulated account. */
export interface Certificate {
  arn: string;
  domain: string;
  notAfter: Date;
  type: string;
  renewalEligibility: string;
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

/** What the checks read besides load balancers (those live in elbv2.ts, shared with heal-targets). */
export interface LoadBalancingEstate {
  certificates: Certificate[];
  interfaces: NetworkInterface[];
  metrics: MetricSeriesSpec[];
  alarms: Alarm[];
}
