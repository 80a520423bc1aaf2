/**
 * The narrow read ports the daily and weekly checks need. Adapters in shared/aws/checks-*.ts
 * implement them with the SDK (paginated); tests pass the simulated account or plain fakes.
 */
import type { GroupFacts } from '../policy/match';
import type { TerraformStateRef } from '../policy/schema';
import type { Rule } from '../rules/rule';
import type { StaleReference } from './audit';

export interface LoadBalancerFacts {
  readonly arn: string;
  readonly name: string;
  /** network | application | gateway */
  readonly type: string;
  readonly scheme?: string;
  readonly createdAt?: Date;
}

export interface TargetGroupFacts {
  readonly arn: string;
  readonly name: string;
  readonly protocol?: string;
  readonly port?: number;
  readonly targetType?: string;
  /** `traffic-port` or a port number as a string, as ELBv2 returns it. */
  readonly healthCheckPort?: string;
  readonly loadBalancerArns: string[];
}

export interface TargetHealthFacts {
  readonly id: string;
  readonly port?: number;
  readonly state: string;
  readonly reason?: string;
}

export interface ListenerFacts {
  readonly arn: string;
  readonly loadBalancerArn: string;
  readonly port?: number;
  readonly protocol?: string;
  /** The default certificate and every SNI certificate of a TLS listener. */
  readonly certificateArns: string[];
  readonly targetGroupArns: string[];
}

export interface LoadBalancerReads {
  loadBalancers(): Promise<LoadBalancerFacts[]>;
  targetGroups(): Promise<TargetGroupFacts[]>;
  targetHealth(targetGroupArn: string): Promise<TargetHealthFacts[]>;
  targetGroupAttributes(targetGroupArn: string): Promise<Record<string, string>>;
  listeners(loadBalancerArn: string): Promise<ListenerFacts[]>;
}

export interface AlarmFacts {
  readonly name: string;
  readonly type: 'metric' | 'composite';
  readonly reason?: string;
  readonly since?: Date;
  readonly metric?: string;
  readonly description?: string;
}

export interface AlarmReads {
  /** Metric and composite alarms whose state is ALARM now. */
  alarmsInAlarm(): Promise<AlarmFacts[]>;
}

export interface MetricQuery {
  readonly id: string;
  readonly namespace: string;
  readonly metric: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: 'Sum' | 'Maximum' | 'Average';
  readonly period: number;
}

export interface MetricSeries {
  readonly timestamps: Date[];
  readonly values: number[];
}

export interface MetricReads {
  /** GetMetricData in batches of at most 500 queries, every page read; keyed by query id. */
  metricData(queries: ReadonlyArray<MetricQuery>, window: TimeWindow): Promise<Map<string, MetricSeries>>;
}

export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/** One LookupEvents result: the record itself is the JSON string CloudTrail returns. */
export interface TrailRecord {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime?: Date;
  readonly cloudTrailEvent: string;
}

export interface TrailReads {
  /** Security-group API calls in the window (one LookupEvents query per event name, paginated). */
  securityGroupEvents(window: TimeWindow): Promise<TrailRecord[]>;
}

export interface CertificateFacts {
  readonly arn: string;
  readonly domain?: string;
  readonly notAfter?: Date;
  readonly status?: string;
  /** AMAZON_ISSUED certificates renew by themselves when eligible; IMPORTED ones never do. */
  readonly type?: string;
  readonly renewalEligibility?: string;
}

export interface CertificateReads {
  /** undefined when ACM does not know the certificate (e.g. an IAM server certificate). */
  certificate(arn: string): Promise<CertificateFacts | undefined>;
}

export type AuditGroup = GroupFacts & { readonly ownerId?: string };

export interface SecurityGroupReads {
  groups(): Promise<AuditGroup[]>;
  rules(): Promise<Rule[]>;
  /** Rules carrying a tag key (one tag-filtered DescribeSecurityGroupRules query, paginated). */
  /** Rules carrying any tag whose key matches `keyPattern` (`*` a wildcard, as EC2 filters take it). */
  rulesWithTagKey(keyPattern: string): Promise<Rule[]>;
  /** Names of the groups that still exist (a deleted group is simply absent), for the digest. */
  groupNames(groupIds: ReadonlyArray<string>): Promise<Map<string, string>>;
}

export interface NetworkReads {
  /** DescribeStaleSecurityGroups for each VPC. */
  staleReferences(vpcIds: ReadonlyArray<string>): Promise<StaleReference[]>;
  /** Every group id used by a network interface (one full paginated DescribeNetworkInterfaces). */
  attachedGroupIds(): Promise<Set<string>>;
}

export interface StateReads {
  /** The text of a Terraform state object. */
  read(ref: TerraformStateRef): Promise<string>;
}
