/**
 * The EventBridge "CloudWatch Alarm State Change" event, only as far as heal-targets reads it
 * (notify-slack has its own, fuller schema). Facts (docs/architecture.md#cloudwatch-alarm-events):
 * `detail.configuration.metrics[]` holds `metricStat.metric.{namespace,name,dimensions}` for metric
 * alarms; metric-math entries carry `expression` instead; composite alarms have no metrics at all.
 * Unknown fields are tolerated: AWS adds them (alarmTags, actionsSuppressedBy …).
 */
import * as z from 'zod';

const MetricEntry = z.object({
  id: z.string().optional(),
  metricStat: z
    .object({
      metric: z.object({
        namespace: z.string(),
        name: z.string(),
        dimensions: z.record(z.string(), z.string()).default({}),
      }),
      period: z.number().optional(),
      stat: z.string().optional(),
    })
    .optional(),
  expression: z.string().optional(),
  returnData: z.boolean().optional(),
});

export const AlarmStateChangeEvent = z.object({
  version: z.string().optional(),
  id: z.string().min(1),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit account id' }),
  time: z.string(),
  region: z.string().min(1),
  resources: z.array(z.string()).default([]),
  detail: z.object({
    alarmName: z.string().min(1),
    state: z.object({
      value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
      timestamp: z.string().optional(),
    }),
    previousState: z.object({ value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']) }).optional(),
    configuration: z
      .object({ metrics: z.array(MetricEntry).default([]), description: z.string().nullish() })
      .default({ metrics: [] }),
  }),
});
export type AlarmStateChangeEvent = z.infer<typeof AlarmStateChangeEvent>;

/** The metrics of a metric alarm (math expressions and composite alarms contribute none). */
export function alarmMetrics(event: AlarmStateChangeEvent) {
  return event.detail.configuration.metrics.flatMap((entry) =>
    entry.metricStat ? [entry.metricStat.metric] : [],
  );
}
