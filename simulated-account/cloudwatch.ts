/**
 * CloudWatch for the checks: DescribeAlarms (StateValue, AlarmTypes — metric alarms only when omitted,
 * as AWS does — MaxRecords 1–100, NextToken) and GetMetricData (at most 500 queries, datapoints
 * aggregated per Period from hourly samples, paged by MaxDatapoints with NextToken).
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import type { SimulatedAccount } from './account';
import type { LoadBalancingEstate } from './audit-state';
import { awsError } from './errors';
import { page } from './paging';

export type CloudWatchState = Pick<LoadBalancingEstate, 'alarms' | 'metrics'>;

const HOUR = 3_600_000;

function sameDimensions(
  a: Readonly<Record<string, string>>,
  b: ReadonlyArray<{ Name?: string; Value?: string }>,
) {
  return (
    Object.keys(a).length === b.length && b.every((dimension) => a[dimension.Name ?? ''] === dimension.Value)
  );
}

export function installCloudWatch(account: SimulatedAccount, state: CloudWatchState): void {
  account.handle(CloudWatchClient, DescribeAlarmsCommand, (input: DescribeAlarmsCommandInput) => {
    const types = input.AlarmTypes ?? ['MetricAlarm'];
    const wanted = state.alarms.filter(
      (alarm) =>
        (input.StateValue === undefined || alarm.state === input.StateValue) &&
        types.includes(alarm.type === 'metric' ? 'MetricAlarm' : 'CompositeAlarm'),
    );
    const result = page(
      wanted,
      { MaxResults: input.MaxRecords, NextToken: input.NextToken },
      { min: 1, max: 100, default: 50 },
    );
    const common = (alarm: (typeof wanted)[number]) => ({
      AlarmName: alarm.name,
      AlarmArn: `arn:aws:cloudwatch:${account.region}:${account.accountId}:alarm:${alarm.name}`,
      StateValue: alarm.state,
      StateUpdatedTimestamp: alarm.since,
      ...(alarm.reason ? { StateReason: alarm.reason } : {}),
    });
    return {
      MetricAlarms: result.items
        .filter((alarm) => alarm.type === 'metric')
        .map((alarm) => ({ ...common(alarm), Namespace: 'AWS/NetworkELB', MetricName: alarm.metric })),
      CompositeAlarms: result.items
        .filter((alarm) => alarm.type === 'composite')
        .map((alarm) => ({ ...common(alarm), AlarmRule: 'ALARM("gateway-nlb-unhealthy-targets")' })),
      ...(result.NextToken ? { NextToken: result.NextToken } : {}),
    };
  });

  account.handle(CloudWatchClient, GetMetricDataCommand, (input: GetMetricDataCommandInput) => {
    const queries = input.MetricDataQueries ?? [];
    if (queries.length > 500)
      throw awsError(
        'ValidationError',
        `The collection MetricDataQueries must not have a size greater than 500.`,
      );
    const start = new Date(input.StartTime ?? 0).getTime();
    const end = new Date(input.EndTime ?? 0).getTime();
    const points: Array<{ id: string; time: Date; value: number }> = [];
    for (const query of queries) {
      const stat = query.MetricStat;
      const period = (stat?.Period ?? 60) * 1000;
      const series = state.metrics.find(
        (candidate) =>
          candidate.namespace === stat?.Metric?.Namespace &&
          candidate.metric === stat?.Metric?.MetricName &&
          sameDimensions(candidate.dimensions, stat?.Metric?.Dimensions ?? []),
      );
      if (!series) continue; // CloudWatch has no datapoints for a series nobody published.
      for (let bucket = start; bucket < end; bucket += period) {
        const samples: number[] = [];
        for (let hour = Math.ceil(bucket / HOUR); hour * HOUR < Math.min(bucket + period, end); hour += 1)
          samples.push(series.hourly(hour));
        if (samples.length === 0) continue;
        const value =
          stat?.Stat === 'Sum'
            ? samples.reduce((a, b) => a + b, 0)
            : stat?.Stat === 'Maximum'
              ? Math.max(...samples)
              : samples.reduce((a, b) => a + b, 0) / samples.length;
        points.push({ id: query.Id ?? '', time: new Date(bucket), value });
      }
    }
    const result = page(
      points,
      { MaxResults: input.MaxDatapoints, NextToken: input.NextToken },
      { min: 1, max: 100_800, default: 100_800 },
    );
    const byId = new Map<
      string,
      { Id: string; Timestamps: Date[]; Values: number[]; StatusCode: 'Complete' }
    >();
    for (const query of queries)
      byId.set(query.Id ?? '', { Id: query.Id ?? '', Timestamps: [], Values: [], StatusCode: 'Complete' });
    for (const point of result.items) {
      const entry = byId.get(point.id);
      entry?.Timestamps.push(point.time);
      entry?.Values.push(point.value);
    }
    return {
      MetricDataResults: [...byId.values()],
      Messages: [],
      ...(result.NextToken ? { NextToken: result.NextToken } : {}),
    };
  });
}
