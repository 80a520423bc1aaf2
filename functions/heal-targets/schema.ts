/**
 * heal-targets' triggers: the UnHealthyHostCount alarm going to ALARM (EventBridge "CloudWatch Alarm
 * State Change") and the sweep schedule ("Scheduled Event"). Anything else, or an alarm without a
 * usable TargetGroup dimension, is refused: reported once as `unprocessable`, never retried.
 */
import * as z from 'zod';
import { AlarmStateChangeEvent, alarmMetrics } from '../../shared/events/alarm-state-change';
import type { EventParse, EventSchema } from '../../shared/events/event-schema';
import { formatIssues } from '../../shared/events/issues';
import { ScheduledEvent } from '../../shared/events/schedule';

// A sweep names the account and region it runs in: findings and console links need both.
const SweepEvent = ScheduledEvent.extend({
  account: z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit account id' }),
  region: z.string().min(1),
});

export const UNHEALTHY_METRIC = { namespace: 'AWS/NetworkELB', name: 'UnHealthyHostCount' } as const;

export type HealTrigger =
  | {
      readonly kind: 'alarm';
      readonly eventId: string;
      readonly alarmName: string;
      readonly targetGroupArn: string;
      readonly account: string;
      readonly region: string;
      /** `arn:aws:cloudwatch:<region>:<account>:alarm:<name>`: it names the account and region too. */
      readonly alarmArn?: string;
    }
  | { readonly kind: 'sweep'; readonly eventId: string; readonly account: string; readonly region: string }
  /** A well-formed event heal-targets has nothing to do with (the rule pattern should have filtered it). */
  | { readonly kind: 'ignored'; readonly eventId: string; readonly reason: string };

const TARGET_GROUP_DIMENSION = /^targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;

function partitionOf(arn: string | undefined): string {
  return arn?.match(/^arn:(aws[a-z-]*):/)?.[1] ?? 'aws';
}

const accepted = (trigger: HealTrigger): EventParse<HealTrigger> => ({ success: true, data: trigger });
const refused = (reason: string): EventParse<HealTrigger> => ({ success: false, reason });

/** Which trigger an event is, or why it is none (naming the field and the value). */
export function triggerOf(raw: unknown): EventParse<HealTrigger> {
  const detailType = (raw as { 'detail-type'?: unknown } | null)?.['detail-type'];
  if (detailType === 'Scheduled Event') {
    const parsed = SweepEvent.safeParse(raw);
    if (!parsed.success)
      return refused(`not a scheduled event: ${formatIssues(parsed.error.issues, raw, 'event')}`);
    return accepted({
      kind: 'sweep',
      eventId: parsed.data.id,
      account: parsed.data.account,
      region: parsed.data.region,
    });
  }
  const parsed = AlarmStateChangeEvent.safeParse(raw);
  if (!parsed.success)
    return refused(
      `neither a CloudWatch Alarm State Change nor a Scheduled Event: ${formatIssues(parsed.error.issues, raw, 'event')}`,
    );
  const event = parsed.data;
  if (event.detail.state.value !== 'ALARM')
    return accepted({
      kind: 'ignored',
      eventId: event.id,
      reason: `alarm ${event.detail.alarmName} is ${event.detail.state.value}, not ALARM`,
    });
  const metric = alarmMetrics(event).find(
    (candidate) =>
      candidate.namespace === UNHEALTHY_METRIC.namespace && candidate.name === UNHEALTHY_METRIC.name,
  );
  if (!metric)
    return accepted({
      kind: 'ignored',
      eventId: event.id,
      reason: `alarm ${event.detail.alarmName} does not watch ${UNHEALTHY_METRIC.namespace} ${UNHEALTHY_METRIC.name}`,
    });
  const dimension = metric.dimensions.TargetGroup;
  if (!dimension || !TARGET_GROUP_DIMENSION.test(dimension))
    return refused(
      `detail.configuration.metrics[].metricStat.metric.dimensions.TargetGroup: expected "targetgroup/<name>/<16 hex>", found ${dimension === undefined ? 'nothing' : JSON.stringify(dimension)} (alarm ${event.detail.alarmName})`,
    );
  return accepted({
    kind: 'alarm',
    eventId: event.id,
    alarmName: event.detail.alarmName,
    targetGroupArn: `arn:${partitionOf(event.resources[0])}:elasticloadbalancing:${event.region}:${event.account}:${dimension}`,
    account: event.account,
    region: event.region,
    ...(event.resources[0] ? { alarmArn: event.resources[0] } : {}),
  });
}

/** heal-targets' way in: the alarm or the sweep, read once by the middleware. */
export const HealEvent: EventSchema<HealTrigger> = { safeParse: triggerOf };
