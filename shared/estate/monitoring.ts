/**
 * What the audits read from CloudWatch (alarms, metrics) and CloudTrail (security-group calls), as
 * plain values; shared/aws/cloudwatch.ts and cloudtrail.ts build them. Nothing here calls AWS.
 */

export interface AlarmFacts {
  readonly name: string;
  readonly type: 'metric' | 'composite';
  readonly reason?: string;
  readonly since?: Date;
  readonly metric?: string;
  readonly description?: string;
}

export interface Alarms {
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

export interface Metrics {
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

export interface SecurityGroupTrail {
  /** Security-group API calls in the window (one LookupEvents query per event name, paginated). */
  securityGroupEvents(window: TimeWindow): Promise<TrailRecord[]>;
}
