/**
 * CloudWatch alarm notifications in every shape that reaches notify-slack, normalised to one
 * `AlarmNotice`:
 * - the classic alarm JSON that CloudWatch alarm actions publish to SNS (metric, metric math, composite);
 * - EventBridge "CloudWatch Alarm State Change" events (metric and composite), where `reasonData` is a
 *   JSON string and the threshold lives only inside it;
 * - SQS records whose body is an SNS notification envelope (SNS → SQS without raw delivery) carrying an
 *   alarm or a netwarden finding, or an EventBridge event delivered to the queue by a rule.
 * Schemas accept what AWS sends and ignore the rest: unknown fields pass, optional ones may be null.
 */
import * as z from 'zod';
import { Finding } from '../findings/finding';
import { ALARM_STATE_CHANGE, AlarmState, AlarmStateChangeEvent, nullish } from './alarm-state-change';
import { formatIssues } from './issues';

export { ALARM_STATES, AlarmState } from './alarm-state-change';

// ── Classic alarm JSON inside the SNS `Message` ─────────────────────────────────────────────────

const SnsDimension = z.object({ name: z.string(), value: z.string() });

const SnsMetricStat = z.object({
  Metric: z.object({
    Namespace: nullish(z.string()),
    MetricName: nullish(z.string()),
    Dimensions: nullish(z.array(SnsDimension)),
  }),
  Period: nullish(z.number()),
  Stat: nullish(z.string()),
  Unit: nullish(z.string()),
});

const SnsTrigger = z.object({
  MetricName: nullish(z.string()),
  Namespace: nullish(z.string()),
  StatisticType: nullish(z.string()),
  Statistic: nullish(z.string()),
  ExtendedStatistic: nullish(z.string()),
  Unit: nullish(z.string()),
  Dimensions: nullish(z.array(SnsDimension)),
  Period: nullish(z.number()),
  EvaluationPeriods: nullish(z.number()),
  DatapointsToAlarm: nullish(z.number()),
  ComparisonOperator: nullish(z.string()),
  Threshold: nullish(z.number()),
  ThresholdMetricId: nullish(z.string()),
  TreatMissingData: nullish(z.string()),
  Metrics: nullish(
    z.array(
      z.object({
        Id: z.string(),
        Expression: nullish(z.string()),
        Label: nullish(z.string()),
        MetricStat: nullish(SnsMetricStat),
        ReturnData: nullish(z.boolean()),
      }),
    ),
  ),
});

export const SnsAlarmMessage = z.object({
  AlarmName: z.string().min(1),
  AlarmDescription: nullish(z.string()),
  AWSAccountId: z.string(),
  NewStateValue: AlarmState,
  NewStateReason: z.string(),
  StateChangeTime: z.string(),
  Region: nullish(z.string()),
  AlarmArn: nullish(z.string()),
  OldStateValue: nullish(AlarmState),
  Trigger: nullish(SnsTrigger),
  AlarmRule: nullish(z.string()),
  TriggeringChildren: nullish(
    z.array(z.object({ Arn: z.string(), State: z.object({ Value: z.string(), Timestamp: z.string() }) })),
  ),
});
export type SnsAlarmMessage = z.infer<typeof SnsAlarmMessage>;

/** Any EventBridge event from CloudWatch; used to recognise (and skip) configuration changes. */
const CloudWatchEventEnvelope = z.object({
  'detail-type': z.string(),
  source: z.literal('aws.cloudwatch'),
  detail: z.object({ alarmName: z.string().optional() }).loose(),
});

// ── SNS envelope in an SQS body (SNS → SQS without raw message delivery) ────────────────────────

export const SnsEnvelope = z.object({
  Type: z.literal('Notification'),
  MessageId: z.string(),
  TopicArn: z.string(),
  Subject: nullish(z.string()),
  Message: z.string(),
  Timestamp: z.string(),
});
export type SnsEnvelope = z.infer<typeof SnsEnvelope>;

// ── The one normalised shape ────────────────────────────────────────────────────────────────────

export interface AlarmMetric {
  /** Metric-math id (`m1`, `e1`); absent for a single-metric alarm. */
  readonly id?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic?: string;
  readonly period?: number;
  readonly expression?: string;
  readonly label?: string;
}

export interface AlarmChild {
  readonly arn: string;
  readonly name: string;
  readonly state?: string;
  readonly timestamp?: string;
}

export interface AlarmNotice {
  readonly name: string;
  readonly arn?: string;
  readonly description?: string;
  readonly oldState?: AlarmState;
  readonly newState: AlarmState;
  readonly reason: string;
  /** The metric behind a metric alarm; metric math lists every metric and expression. */
  readonly metrics: ReadonlyArray<AlarmMetric>;
  readonly threshold?: number;
  /** CloudWatch's operator (`GreaterThanOrEqualToThreshold`) or, from EventBridge, the reason's words. */
  readonly comparison?: string;
  readonly account: string;
  /** Region code (`ap-northeast-2`), taken from the alarm ARN. */
  readonly region?: string;
  /** When the state changed, ISO-8601 as AWS wrote it (`2025-06-12T03:42:31.182+0000`). */
  readonly timestamp: string;
  readonly composite?: { readonly rule: string; readonly children: ReadonlyArray<AlarmChild> };
  readonly actionsSuppressedBy?: string;
  readonly via: 'sns' | 'eventbridge';
}

/** `arn:aws:cloudwatch:<region>:<account>:alarm:<name>` → its parts (names may contain `:`). */
export function parseAlarmArn(arn: string): { region: string; account: string; name: string } | undefined {
  const match = /^arn:aws[a-z-]*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, region = '', account = '', name = ''] = match;
  return { region, account, name };
}

/** Milliseconds since the epoch of AWS's `+0000` timestamps; NaN-safe (unknown sorts first). */
export function timestampMs(timestamp: string): number {
  const normalised = timestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? 0 : ms;
}

function dimensionsOf(list: ReadonlyArray<{ name: string; value: string }> | undefined) {
  return Object.fromEntries((list ?? []).map((dimension) => [dimension.name, dimension.value]));
}

function child(arn: string, state?: string, timestamp?: string): AlarmChild {
  return {
    arn,
    name: parseAlarmArn(arn)?.name ?? arn,
    ...(state ? { state } : {}),
    ...(timestamp ? { timestamp } : {}),
  };
}

export function alarmFromSns(message: SnsAlarmMessage): AlarmNotice {
  const arn = message.AlarmArn ? parseAlarmArn(message.AlarmArn) : undefined;
  const trigger = message.Trigger;
  const metrics: AlarmMetric[] = [];
  if (trigger?.MetricName || trigger?.Namespace) {
    metrics.push({
      ...(trigger.Namespace ? { namespace: trigger.Namespace } : {}),
      ...(trigger.MetricName ? { name: trigger.MetricName } : {}),
      dimensions: dimensionsOf(trigger.Dimensions),
      ...(trigger.Statistic || trigger.ExtendedStatistic
        ? { statistic: trigger.Statistic ?? trigger.ExtendedStatistic }
        : {}),
      ...(trigger.Period ? { period: trigger.Period } : {}),
    });
  }
  for (const metric of trigger?.Metrics ?? []) {
    const stat = metric.MetricStat;
    metrics.push({
      id: metric.Id,
      ...(stat?.Metric.Namespace ? { namespace: stat.Metric.Namespace } : {}),
      ...(stat?.Metric.MetricName ? { name: stat.Metric.MetricName } : {}),
      dimensions: dimensionsOf(stat?.Metric.Dimensions),
      ...(stat?.Stat ? { statistic: stat.Stat } : {}),
      ...(stat?.Period ? { period: stat.Period } : {}),
      ...(metric.Expression ? { expression: metric.Expression } : {}),
      ...(metric.Label ? { label: metric.Label } : {}),
    });
  }
  return {
    name: message.AlarmName,
    ...(message.AlarmArn ? { arn: message.AlarmArn } : {}),
    ...(message.AlarmDescription ? { description: message.AlarmDescription } : {}),
    ...(message.OldStateValue ? { oldState: message.OldStateValue } : {}),
    newState: message.NewStateValue,
    reason: message.NewStateReason,
    metrics,
    ...(trigger?.Threshold !== undefined ? { threshold: trigger.Threshold } : {}),
    ...(trigger?.ComparisonOperator ? { comparison: trigger.ComparisonOperator } : {}),
    account: message.AWSAccountId,
    // `Region` in the message is a display name ("Asia Pacific (Seoul)"); the code comes from the ARN.
    ...(arn ? { region: arn.region } : {}),
    timestamp: message.StateChangeTime,
    ...(message.AlarmRule
      ? {
          composite: {
            rule: message.AlarmRule,
            children: (message.TriggeringChildren ?? []).map((c) =>
              child(c.Arn, c.State.Value, c.State.Timestamp),
            ),
          },
        }
      : {}),
    via: 'sns',
  };
}

/** reasonData is a JSON string; a malformed one costs only the threshold, never the notice. */
function parseReasonData(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const COMPARISON_WORDS =
  /\bwas (greater than or equal to|greater than|less than or equal to|less than) the threshold\b/;

export function alarmFromEventBridge(event: AlarmStateChangeEvent): AlarmNotice {
  const { detail } = event;
  const arn = event.resources.find((resource) => parseAlarmArn(resource) !== undefined);
  const reasonData = parseReasonData(detail.state.reasonData);
  const configuration = detail.configuration;
  const metrics: AlarmMetric[] = (configuration?.metrics ?? []).map((metric) => {
    const stat = metric.metricStat;
    const single = (configuration?.metrics ?? []).length === 1;
    return {
      ...(single ? {} : { id: metric.id }),
      ...(stat?.metric.namespace ? { namespace: stat.metric.namespace } : {}),
      ...(stat?.metric.name ? { name: stat.metric.name } : {}),
      dimensions: stat?.metric.dimensions ?? {},
      ...(stat?.stat ? { statistic: stat.stat } : {}),
      ...(stat?.period ? { period: stat.period } : {}),
      ...(metric.expression ? { expression: metric.expression } : {}),
      ...(metric.label ? { label: metric.label } : {}),
    };
  });
  const threshold = typeof reasonData.threshold === 'number' ? reasonData.threshold : undefined;
  const comparison = COMPARISON_WORDS.exec(detail.state.reason)?.[1];
  const triggering = Array.isArray(reasonData.triggeringAlarms) ? reasonData.triggeringAlarms : [];
  const children = triggering.flatMap((entry: unknown): AlarmChild[] => {
    const item = entry as { arn?: unknown; state?: { value?: unknown; timestamp?: unknown } } | null;
    if (typeof item?.arn !== 'string') return [];
    const value = typeof item.state?.value === 'string' ? item.state.value : undefined;
    const timestamp = typeof item.state?.timestamp === 'string' ? item.state.timestamp : undefined;
    return [child(item.arn, value, timestamp)];
  });
  return {
    name: detail.alarmName,
    ...(arn ? { arn } : {}),
    ...(configuration?.description ? { description: configuration.description } : {}),
    ...(detail.previousState ? { oldState: detail.previousState.value } : {}),
    newState: detail.state.value,
    reason: detail.state.reason,
    metrics,
    ...(threshold !== undefined ? { threshold } : {}),
    ...(comparison ? { comparison } : {}),
    account: event.account,
    region: (arn ? parseAlarmArn(arn)?.region : undefined) ?? event.region,
    timestamp: detail.state.timestamp ?? event.time,
    ...(configuration?.alarmRule ? { composite: { rule: configuration.alarmRule, children } } : {}),
    ...(detail.state.actionsSuppressedBy ? { actionsSuppressedBy: detail.state.actionsSuppressedBy } : {}),
    via: 'eventbridge',
  };
}

// ── What one SQS record carries ─────────────────────────────────────────────────────────────────

export type Notification =
  | { readonly type: 'alarm'; readonly alarm: AlarmNotice }
  | { readonly type: 'finding'; readonly finding: Finding }
  /** Expected and deliberately not shown (alarm configuration changes). */
  | { readonly type: 'ignored'; readonly reason: string }
  | { readonly type: 'unprocessable'; readonly reason: string };

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** One notification payload (already unwrapped from any SNS envelope): alarm, EventBridge event or finding. */
function classify(value: unknown, where: string): Notification {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { type: 'unprocessable', reason: `${where}: expected a JSON object, found ${typeof value}` };
  if ('AlarmName' in value) {
    const alarm = SnsAlarmMessage.safeParse(value);
    return alarm.success
      ? { type: 'alarm', alarm: alarmFromSns(alarm.data) }
      : {
          type: 'unprocessable',
          reason: `not a CloudWatch alarm: ${formatIssues(alarm.error.issues, value, where)}`,
        };
  }
  const cloudWatch = CloudWatchEventEnvelope.safeParse(value);
  if (cloudWatch.success) {
    if (cloudWatch.data['detail-type'] !== ALARM_STATE_CHANGE)
      return {
        type: 'ignored',
        reason: `${cloudWatch.data['detail-type']} for ${cloudWatch.data.detail.alarmName ?? 'an alarm'}`,
      };
    const event = AlarmStateChangeEvent.safeParse(value);
    return event.success
      ? { type: 'alarm', alarm: alarmFromEventBridge(event.data) }
      : {
          type: 'unprocessable',
          reason: `not an alarm state change: ${formatIssues(event.error.issues, value, where)}`,
        };
  }
  if ('kind' in value) {
    const finding = Finding.safeParse(value);
    return finding.success
      ? { type: 'finding', finding: finding.data }
      : {
          type: 'unprocessable',
          reason: `not a netwarden finding: ${formatIssues(finding.error.issues, value, where)}`,
        };
  }
  return {
    type: 'unprocessable',
    reason: `${where}: neither a CloudWatch alarm, an alarm state change event nor a netwarden finding`,
  };
}

/**
 * An SQS message body → what it carries. The SNS envelope is unwrapped when present (subscriptions
 * without raw delivery); raw bodies (raw delivery, EventBridge rule → queue) are classified directly.
 */
export function notificationOf(body: string): Notification {
  const outer = parseJson(body);
  if (!outer.ok) return { type: 'unprocessable', reason: 'body: not JSON' };
  const envelope = SnsEnvelope.safeParse(outer.value);
  if (!envelope.success) return classify(outer.value, 'body');
  const inner = parseJson(envelope.data.Message);
  if (!inner.ok) return { type: 'unprocessable', reason: 'body.Message: not JSON' };
  return classify(inner.value, 'body.Message');
}
