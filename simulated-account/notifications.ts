/** Factories for notify-slack inputs: SQS records around the sample SNS envelopes and EventBridge events. */
import { type AlarmNotice, notificationOf } from '../shared/events/alarm';
import type { SqsRecord } from '../shared/events/sqs';
import { loadEvent } from './load-event';

interface SnsEnvelopeSample {
  MessageId: string;
  Subject?: string;
  Message: string;
  [key: string]: unknown;
}

let counter = 0;
/** A fresh, unique SQS message id (deterministic within a test file). */
export function messageId(): string {
  counter += 1;
  return `0000${counter.toString(16).padStart(4, '0')}-87a3-44ab-83d2-661975830a7d`;
}

export function sqsRecord(body: unknown, id = messageId()): SqsRecord {
  return {
    messageId: id,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:111122223333:netwarden-prod-notifications',
    attributes: { ApproximateReceiveCount: '1' },
  };
}

/** An SNS envelope from events/sns/, its alarm message varied by `overrides`. */
export function snsAlarm(
  overrides: {
    name?: string;
    state?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
    old?: string;
    time?: string;
    reason?: string;
  } = {},
  sample = 'sns/alarm-unhealthy-hosts.json',
): SnsEnvelopeSample {
  const envelope = loadEvent<SnsEnvelopeSample>(sample);
  const message = JSON.parse(envelope.Message) as Record<string, unknown>;
  const name = overrides.name ?? (message.AlarmName as string);
  const arn = (message.AlarmArn as string).replace(/:alarm:.*$/, `:alarm:${name}`);
  Object.assign(message, {
    AlarmName: name,
    AlarmArn: arn,
    ...(overrides.state ? { NewStateValue: overrides.state } : {}),
    ...(overrides.old ? { OldStateValue: overrides.old } : {}),
    ...(overrides.time ? { StateChangeTime: overrides.time } : {}),
    ...(overrides.reason ? { NewStateReason: overrides.reason } : {}),
  });
  return {
    ...envelope,
    MessageId: messageId(),
    Subject: `${message.NewStateValue}: "${name}" in Asia Pacific (Seoul)`,
    Message: JSON.stringify(message),
  };
}

/** `n` distinct alarms changing state within a minute: a storm, states mixed as real storms are. */
export function stormRecords(n: number): { records: SqsRecord[]; names: string[] } {
  const states = ['ALARM', 'ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
  const names = Array.from(
    { length: n },
    (_, i) => `db-gateway/${String(i).padStart(3, '0')}/target-unhealthy`,
  );
  const records = names.map((name, i) => {
    const state = states[i % states.length] ?? 'ALARM';
    const time = `2025-06-12T03:42:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}+0000`;
    return sqsRecord(snsAlarm({ name, state, old: state === 'OK' ? 'ALARM' : 'OK', time }));
  });
  return { records, names };
}

/** The AlarmNotice a body (SNS envelope, EventBridge event …) normalises to; throws if it is not an alarm. */
export function alarmFrom(body: unknown): AlarmNotice {
  const notification = notificationOf(typeof body === 'string' ? body : JSON.stringify(body));
  if (notification.type !== 'alarm') throw new Error(`not an alarm: ${JSON.stringify(notification)}`);
  return notification.alarm;
}
