import { describe, expect, it } from 'vitest';
import { type AlarmNotice, notificationOf, parseAlarmArn, timestampMs } from '../../../shared/events/alarm';
import { loadEvent } from '../../../simulated-account/load-event';

function alarmOf(body: unknown): AlarmNotice {
  const notification = notificationOf(typeof body === 'string' ? body : JSON.stringify(body));
  if (notification.type !== 'alarm')
    throw new Error(`expected an alarm, got ${JSON.stringify(notification)}`);
  return notification.alarm;
}

describe('CloudWatch alarm via SNS (the SNS envelope in an SQS body)', () => {
  it('normalises a metric alarm: states, reason, metric, threshold, account and region code from the ARN', () => {
    const alarm = alarmOf(loadEvent('sns/alarm-unhealthy-hosts.json'));

    expect(alarm).toMatchObject({
      name: 'gateway-nlb/unhealthy-hosts',
      arn: 'arn:aws:cloudwatch:ap-northeast-2:111122223333:alarm:gateway-nlb/unhealthy-hosts',
      oldState: 'OK',
      newState: 'ALARM',
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      account: '111122223333',
      region: 'ap-northeast-2',
      timestamp: '2025-06-12T03:42:31.182+0000',
      via: 'sns',
    });
    expect(alarm.reason).toContain('was greater than or equal to the threshold (1.0)');
    expect(alarm.metrics).toEqual([
      {
        namespace: 'AWS/NetworkELB',
        name: 'UnHealthyHostCount',
        statistic: 'MAXIMUM',
        period: 60,
        dimensions: {
          TargetGroup: 'targetgroup/gateway-tg-80/7e1c2a9b3f4d5e6a',
          LoadBalancer: 'net/gateway-nlb/50dc6c495c0c9188',
        },
      },
    ]);
    expect(alarm.composite).toBeUndefined();
  });

  it('lists every metric and expression of a metric-math alarm, and tolerates a null description', () => {
    const alarm = alarmOf(loadEvent('sns/alarm-metric-math.json'));

    expect(alarm.description).toBeUndefined();
    expect(alarm.threshold).toBe(0.5);
    expect(alarm.comparison).toBe('LessThanThreshold');
    expect(alarm.metrics.map((metric) => [metric.id, metric.expression ?? metric.name])).toEqual([
      ['e1', 'healthy / (healthy + unhealthy)'],
      ['healthy', 'HealthyHostCount'],
      ['unhealthy', 'UnHealthyHostCount'],
    ]);
  });

  it('keeps a composite alarm’s rule and triggering children, named from their ARNs', () => {
    const alarm = alarmOf(loadEvent('sns/alarm-composite.json'));

    expect(alarm.metrics).toEqual([]);
    expect(alarm.composite?.rule).toBe(
      'ALARM("gateway-nlb/unhealthy-hosts") AND ALARM("gateway-nlb/tls-handshake-errors")',
    );
    expect(alarm.composite?.children.map((child) => [child.name, child.state])).toEqual([
      ['gateway-nlb/unhealthy-hosts', 'ALARM'],
      ['gateway-nlb/tls-handshake-errors', 'ALARM'],
    ]);
  });

  it('accepts the alarm JSON as the whole body (raw message delivery)', () => {
    const envelope = loadEvent<{ Message: string }>('sns/alarm-unhealthy-hosts.json');
    expect(alarmOf(envelope.Message).name).toBe('gateway-nlb/unhealthy-hosts');
  });
});

describe('CloudWatch Alarm State Change via EventBridge', () => {
  it('normalises a metric alarm, taking the threshold from the reasonData JSON string', () => {
    const alarm = alarmOf(loadEvent('cloudwatch/alarm-state-change-metric.json'));

    expect(alarm).toMatchObject({
      name: 'gateway-nlb/unhealthy-hosts',
      oldState: 'OK',
      newState: 'ALARM',
      threshold: 1,
      comparison: 'greater than or equal to',
      account: '111122223333',
      region: 'ap-northeast-2',
      via: 'eventbridge',
    });
    expect(alarm.metrics).toEqual([
      {
        namespace: 'AWS/NetworkELB',
        name: 'UnHealthyHostCount',
        statistic: 'Maximum',
        period: 60,
        dimensions: {
          TargetGroup: 'targetgroup/gateway-tg-80/7e1c2a9b3f4d5e6a',
          LoadBalancer: 'net/gateway-nlb/50dc6c495c0c9188',
        },
      },
    ]);
  });

  it('reads a composite alarm’s triggering alarms from reasonData', () => {
    const alarm = alarmOf(loadEvent('cloudwatch/alarm-state-change-composite.json'));

    expect(alarm.composite?.children.map((child) => child.name)).toEqual([
      'gateway-nlb/unhealthy-hosts',
      'gateway-nlb/tls-handshake-errors',
    ]);
  });

  it('survives malformed reasonData: the notice stays, only the threshold is unknown', () => {
    const event = loadEvent<{ detail: { state: { reasonData: string } } }>(
      'cloudwatch/alarm-state-change-metric.json',
    );
    event.detail.state.reasonData = '{"threshold": 1.0, truncated';

    const alarm = alarmOf(event);

    expect(alarm.newState).toBe('ALARM');
    expect(alarm.threshold).toBeUndefined();
  });

  it('skips alarm configuration changes instead of posting them', () => {
    const notification = notificationOf(
      JSON.stringify(loadEvent('cloudwatch/alarm-configuration-change.json')),
    );
    expect(notification).toEqual({
      type: 'ignored',
      reason: 'CloudWatch Alarm Configuration Change for gateway-nlb/unhealthy-hosts',
    });
  });
});

describe('findings and unreadable bodies', () => {
  it('reads a netwarden finding from the findings topic envelope', () => {
    const notification = notificationOf(JSON.stringify(loadEvent('sns/finding-guardrail-breach.json')));
    expect(notification.type).toBe('finding');
    expect(notification.type === 'finding' && notification.finding.kind).toBe('sg.guardrail-breach');
  });

  it.each([
    ['not JSON', 'hello', 'body: not JSON'],
    ['a JSON array', '[1,2]', 'body: expected a JSON object, found object'],
    [
      'an unknown object',
      '{"foo":1}',
      'body: neither a CloudWatch alarm, an alarm state change event nor a netwarden finding',
    ],
    [
      'an envelope whose Message is not JSON',
      JSON.stringify({ ...loadEvent('sns/finding-guardrail-breach.json'), Message: 'plain text' }),
      'body.Message: not JSON',
    ],
  ])('reports %s as unprocessable, saying where', (_label, body, reason) => {
    expect(notificationOf(body)).toEqual({ type: 'unprocessable', reason });
  });

  it('names the bad field of an alarm that does not parse', () => {
    const envelope = loadEvent<{ Message: string }>('sns/alarm-unhealthy-hosts.json');
    const message = JSON.parse(envelope.Message) as Record<string, unknown>;
    message.NewStateValue = 'BROKEN';

    const notification = notificationOf(JSON.stringify({ ...envelope, Message: JSON.stringify(message) }));

    expect(notification.type).toBe('unprocessable');
    expect(notification.type === 'unprocessable' && notification.reason).toMatch(
      /^not a CloudWatch alarm: body\.Message\.NewStateValue: /,
    );
  });

  it('names the bad field of a finding that does not parse', () => {
    const notification = notificationOf(JSON.stringify({ kind: 'sg.drift', severity: 'loud' }));
    expect(notification.type === 'unprocessable' && notification.reason).toMatch(
      /^not a netwarden finding: body\.severity: /,
    );
  });
});

describe('helpers', () => {
  it('parses alarm ARNs whose names contain colons and slashes', () => {
    expect(parseAlarmArn('arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a:b/c')).toEqual({
      region: 'eu-west-1',
      account: '123456789012',
      name: 'a:b/c',
    });
    expect(parseAlarmArn('arn:aws:sns:eu-west-1:123456789012:topic')).toBeUndefined();
  });

  it('orders AWS +0000 timestamps and ISO ones alike', () => {
    expect(timestampMs('2025-06-12T03:42:31.182+0000')).toBe(Date.parse('2025-06-12T03:42:31.182Z'));
    expect(timestampMs('2025-06-12T03:42:31Z')).toBe(Date.parse('2025-06-12T03:42:31Z'));
    expect(timestampMs('yesterday')).toBe(0);
  });
});
