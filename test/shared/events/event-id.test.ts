/** The one reader of a raw event's id: which field names an event, whatever its source. */
import { describe, expect, it } from 'vitest';
import { correlationIdOf, eventIdOf } from '../../../shared/events/event-id';
import { loadEvent } from '../../../simulated-account/load-event';

describe('eventIdOf', () => {
  it("names a CloudTrail call by its eventID, not by the envelope's delivery id", () => {
    const event = loadEvent<{ id: string; detail: { eventID: string } }>(
      'cloudtrail/authorize-ingress-console-world-5432.json',
    );
    expect(event.id).not.toBe(event.detail.eventID);
    expect(eventIdOf(event)).toBe(event.detail.eventID);
  });

  it('names an alarm or a schedule by its EventBridge id, and an SQS batch by its first message id', () => {
    expect(eventIdOf({ id: 'e-1', detail: { alarmName: 'gateway-nlb-unhealthy-targets' } })).toBe('e-1');
    expect(eventIdOf({ Records: [{ messageId: 'm-1' }, { messageId: 'm-2' }] })).toBe('m-1');
  });

  it('names nothing it cannot read: no object, no string, an empty string', () => {
    expect(eventIdOf('hello')).toBeUndefined();
    expect(eventIdOf(null)).toBeUndefined();
    expect(eventIdOf({ id: 42, detail: null, Records: 'no' })).toBeUndefined();
    expect(eventIdOf({ id: '', detail: { eventID: '' } })).toBeUndefined();
  });
});

describe('correlationIdOf', () => {
  it('prefers the alarm name to the EventBridge id, as on-call searches by the alarm', () => {
    expect(correlationIdOf({ id: 'e-1', detail: { alarmName: 'gateway-nlb-unhealthy-targets' } })).toBe(
      'gateway-nlb-unhealthy-targets',
    );
    expect(correlationIdOf({ id: 'e-1', detail: { eventID: 'ev-1', alarmName: 'x' } })).toBe('ev-1');
  });
});
