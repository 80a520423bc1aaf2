/**
 * heal-targets' triggers: the UnHealthyHostCount alarm going to ALARM (EventBridge "CloudWatch Alarm
 * State Change") and the sweep schedule ("Scheduled Event"). Anything else, or an alarm without a
 * usable TargetGroup dimension, is Unprocessable: reported once, never retried.
 */
import * as z from 'zod';
import { Unprocessable } from '../../shared/errors';
import { AlarmStateChangeEvent, alarmMetrics } from '../../shared/events/alarm-state-change';
import { ScheduledEvent } from '../../shared/events/schedule';
import { formatIssues } from '../../shared/policy/load';

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

export function triggerOf(raw: unknown): HealTrigger {
  const detailType = (raw as { 'detail-type'?: unknown } | null)?.['detail-type'];
  if (detailType === 'Scheduled Event') {
    const parsed = SweepEvent.safeParse(raw);
    if (!parsed.success)
      throw new Unprocessable(`not a scheduled event: ${formatIssues(parsed.error.issues, raw, 'event')}`);
    return {
      kind: 'sweep',
      eventId: parsed.data.id,
      account: parsed.data.account,
      region: parsed.data.region,
    };
  }
  const parsed = AlarmStateChangeEvent.safeParse(raw);
  if (!parsed.success)
    throw new Unprocessable(
      `neither a CloudWatch Alarm State Change nor a Scheduled Event: ${formatIssues(parsed.error.issues, raw, 'event')}`,
    );
  const event = parsed.data;
  if (event.detail.state.value !== 'ALARM')
    return {
      kind: 'ignored',
      eventId: event.id,
      reason: `alarm ${event.detail.alarmName} is ${event.detail.state.value}, not ALARM`,
    };
  const metric = alarmMetrics(event).find(
    (candidate) =>
      candidate.namespace === UNHEALTHY_METRIC.namespace && candidate.name === UNHEALTHY_METRIC.name,
  );
  if (!metric)
    return {
      kind: 'ignored',
      eventId: event.id,
      reason: `alarm ${event.detail.alarmName} does not watch ${UNHEALTHY_METRIC.namespace} ${UNHEALTHY_METRIC.name}`,
    };
  const dimension = metric.dimensions.TargetGroup;
  if (!dimension || !TARGET_GROUP_DIMENSION.test(dimension))
    throw new Unprocessable(
      `detail.configuration.metrics[].metricStat.metric.dimensions.TargetGroup: expected "targetgroup/<name>/<16 hex>", found ${dimension === undefined ? 'nothing' : JSON.stringify(dimension)} (alarm ${event.detail.alarmName})`,
    );
  return {
    kind: 'alarm',
    eventId: event.id,
    alarmName: event.detail.alarmName,
    targetGroupArn: `arn:${partitionOf(event.resources[0])}:elasticloadbalancing:${event.region}:${event.account}:${dimension}`,
    account: event.account,
    region: event.region,
    ...(event.resources[0] ? { alarmArn: event.resources[0] } : {}),
  };
}
