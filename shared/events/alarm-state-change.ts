/**
 * The EventBridge "CloudWatch Alarm State Change" event: the one schema that heal-targets (its trigger)
 * and notify-slack (an alarm delivered to its queue by a rule) both read. Facts
 * (docs/architecture.md#cloudwatch-alarm-events):
 * `detail.configuration.metrics[]` holds `metricStat.metric.{namespace,name,dimensions}` for metric
 * alarms; metric-math entries carry `expression` instead; composite alarms have no metrics but an
 * `alarmRule`; `reasonData` is a JSON string. Unknown fields are tolerated (AWS adds them: alarmTags,
 * actionsSuppressedBy …), and optional ones may be null.
 */
import * as z from 'zod';

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export const AlarmState = z.enum(ALARM_STATES);
export type AlarmState = z.infer<typeof AlarmState>;

export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';
export const ALARM_CONFIGURATION_CHANGE = 'CloudWatch Alarm Configuration Change';

/** Optional and possibly null in what AWS sends; undefined either way once parsed. */
export const nullish = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);

/**
 * Built on first use (z.lazy): notify-slack's usual batch (alarms through SNS, findings) never reads an
 * EventBridge alarm event, and each zod schema costs its construction at cold start.
 */
function stateChangeEvent() {
  const EventState = z.object({
    value: AlarmState,
    reason: z.string().default(''),
    reasonData: nullish(z.string()),
    timestamp: nullish(z.string()),
    actionsSuppressedBy: nullish(z.string()),
    actionsSuppressedReason: nullish(z.string()),
  });

  const EventMetric = z.object({
    id: z.string(),
    expression: nullish(z.string()),
    label: nullish(z.string()),
    returnData: nullish(z.boolean()),
    metricStat: nullish(
      z.object({
        metric: z.object({
          namespace: nullish(z.string()),
          name: nullish(z.string()),
          dimensions: nullish(z.record(z.string(), z.string())),
        }),
        period: nullish(z.number()),
        stat: nullish(z.string()),
      }),
    ),
  });

  return z.object({
    version: nullish(z.string()),
    id: z.string().min(1),
    'detail-type': z.literal(ALARM_STATE_CHANGE),
    source: z.literal('aws.cloudwatch'),
    account: z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit account id' }),
    time: z.string(),
    region: z.string().min(1),
    resources: z.array(z.string()).default([]),
    detail: z.object({
      alarmName: z.string().min(1),
      state: EventState,
      previousState: nullish(EventState),
      configuration: nullish(
        z.object({
          description: nullish(z.string()),
          metrics: nullish(z.array(EventMetric)),
          alarmRule: nullish(z.string()),
        }),
      ),
    }),
  });
}

export const AlarmStateChangeEvent = z.lazy(stateChangeEvent);
export type AlarmStateChangeEvent = z.infer<typeof AlarmStateChangeEvent>;

/** The metrics of a metric alarm (math expressions and composite alarms contribute none). */
export function alarmMetrics(event: AlarmStateChangeEvent) {
  return (event.detail.configuration?.metrics ?? []).flatMap((entry) =>
    entry.metricStat
      ? [{ ...entry.metricStat.metric, dimensions: entry.metricStat.metric.dimensions ?? {} }]
      : [],
  );
}
