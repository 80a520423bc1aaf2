/** CloudWatch reads for the checks: alarms in ALARM, and metric data in batches. */
import {
  type CloudWatchClient,
  paginateDescribeAlarms,
  paginateGetMetricData,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmFacts, Alarms, MetricSeries, Metrics } from '../estate/monitoring';

/** GetMetricData takes at most 500 queries per call. */
export const MAX_QUERIES_PER_CALL = 500;

export function cloudWatchAlarms(client: CloudWatchClient, options: { pageSize?: number } = {}): Alarms {
  return {
    async alarmsInAlarm() {
      const alarms: AlarmFacts[] = [];
      // Without AlarmTypes, DescribeAlarms returns metric alarms only: ask for composites too.
      for await (const page of paginateDescribeAlarms(
        { client, pageSize: options.pageSize ?? 100 },
        { StateValue: 'ALARM', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
      )) {
        for (const alarm of page.MetricAlarms ?? [])
          alarms.push({
            name: alarm.AlarmName ?? '?',
            type: 'metric',
            ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
            ...(alarm.StateUpdatedTimestamp ? { since: new Date(alarm.StateUpdatedTimestamp) } : {}),
            ...(alarm.MetricName
              ? { metric: `${alarm.Namespace}/${alarm.MetricName}` }
              : alarm.Metrics
                ? { metric: 'metric math' }
                : {}),
            ...(alarm.AlarmDescription ? { description: alarm.AlarmDescription } : {}),
          });
        for (const alarm of page.CompositeAlarms ?? [])
          alarms.push({
            name: alarm.AlarmName ?? '?',
            type: 'composite',
            ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
            ...(alarm.StateUpdatedTimestamp ? { since: new Date(alarm.StateUpdatedTimestamp) } : {}),
            ...(alarm.AlarmDescription ? { description: alarm.AlarmDescription } : {}),
          });
      }
      return alarms;
    },
  };
}

export function cloudWatchMetrics(
  client: CloudWatchClient,
  options: { maxDatapoints?: number } = {},
): Metrics {
  return {
    async metricData(queries, window) {
      const series = new Map<string, { timestamps: Date[]; values: number[] }>();
      for (let start = 0; start < queries.length; start += MAX_QUERIES_PER_CALL) {
        const batch = queries.slice(start, start + MAX_QUERIES_PER_CALL);
        const input = {
          StartTime: window.start,
          EndTime: window.end,
          ScanBy: 'TimestampAscending' as const,
          MetricDataQueries: batch.map((query) => ({
            Id: query.id,
            ReturnData: true,
            MetricStat: {
              Metric: {
                Namespace: query.namespace,
                MetricName: query.metric,
                Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
              },
              Period: query.period,
              Stat: query.stat,
            },
          })),
        };
        // One query's datapoints may be split across pages: append by id.
        const config = { client, ...(options.maxDatapoints ? { pageSize: options.maxDatapoints } : {}) };
        for await (const page of paginateGetMetricData(config, input)) {
          for (const result of page.MetricDataResults ?? []) {
            const entry = series.get(result.Id ?? '') ?? { timestamps: [], values: [] };
            entry.timestamps.push(...(result.Timestamps ?? []).map((time) => new Date(time)));
            entry.values.push(...(result.Values ?? []));
            series.set(result.Id ?? '', entry);
          }
        }
      }
      return series as Map<string, MetricSeries>;
    },
  };
}
