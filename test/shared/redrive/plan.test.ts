/** Which parked message is replayed into which function: only this stage's own, named exactly. */
import { describe, expect, it } from 'vitest';
import { planMessage } from '../../../shared/redrive/plan';

const record = (functionArn: string) =>
  JSON.stringify({ requestContext: { functionArn }, requestPayload: { id: 'event-1' } });
const message = (body: string, attributes: Record<string, string> = {}) => ({
  messageId: 'm-1',
  body,
  attributes,
});

describe('planMessage', () => {
  it.each([
    [
      'arn:aws:lambda:ap-northeast-2:111122223333:function:netwarden-prod-heal-targets:$LATEST',
      'netwarden-prod-heal-targets',
    ],
    [
      'arn:aws:lambda:ap-northeast-2:111122223333:function:netwarden-prod-heal-targets',
      'netwarden-prod-heal-targets',
    ],
  ])('replays a record of %s into %s', (arn, name) => {
    expect(planMessage('failed-events', message(record(arn)), 'prod')).toEqual({
      kind: 'invoke',
      messageId: 'm-1',
      functionName: name,
      payload: { id: 'event-1' },
      failure: 'failed',
    });
  });

  it.each([
    [
      'a name that only starts like ours',
      'arn:aws:lambda:ap-northeast-2:111122223333:function:netwarden-prod-heal-targets-backdoor',
    ],
    ['another stage', 'arn:aws:lambda:ap-northeast-2:111122223333:function:netwarden-dev-heal-targets'],
    [
      'not a Lambda ARN',
      'arn:aws:states:ap-northeast-2:111122223333:stateMachine:netwarden-prod-heal-targets',
    ],
  ])('leaves %s', (_what, arn) => {
    expect(planMessage('failed-events', message(record(arn)), 'prod').kind).toBe('leave');
    expect(planMessage('events-dlq', message('{"id":"e"}', { TARGET_ARN: arn }), 'prod').kind).toBe('leave');
  });

  it('leaves an events-dlq body that is JSON but not an event object', () => {
    const arn = 'arn:aws:lambda:ap-northeast-2:111122223333:function:netwarden-prod-daily-check';
    expect(planMessage('events-dlq', message('[1,2]', { TARGET_ARN: arn }), 'prod')).toEqual({
      kind: 'leave',
      messageId: 'm-1',
      reason: 'malformed: the body is not an EventBridge event',
    });
    expect(planMessage('events-dlq', message('{"id":"e"}'), 'prod')).toEqual({
      kind: 'leave',
      messageId: 'm-1',
      reason: 'malformed: no TARGET_ARN attribute',
    });
  });
});
