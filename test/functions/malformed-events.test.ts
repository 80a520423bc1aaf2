/**
 * One way in (shared/middleware.ts), function by function: an event its schema refuses is answered
 * once, naming the field and the value, with nothing read or written in AWS, and the invocation
 * returns instead of throwing, so the platform does not retry it. notify-slack, which publishes
 * nothing, tells Slack instead: test/functions/notify-slack/handler.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { loadEvent } from '../../simulated-account/load-event';
import { findingsOf, useSimulation } from '../helpers/simulation';

const sim = useSimulation();

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const handlers: Record<string, () => Promise<{ handler: unknown }>> = {
  'revert-sg-drift': () => import('../../functions/revert-sg-drift/handler'),
  'heal-targets': () => import('../../functions/heal-targets/handler'),
  'expire-grants': () => import('../../functions/expire-grants/handler'),
  'daily-check': () => import('../../functions/daily-check/handler'),
  'weekly-check': () => import('../../functions/weekly-check/handler'),
};

async function load(name: string): Promise<Handler> {
  vi.resetModules();
  const module = await handlers[name]?.();
  if (!module) throw new Error(`no handler ${name}`);
  return module.handler as Handler;
}

/** A real event of the function's trigger, broken in one field. */
const malformed: Array<[name: string, event: () => unknown, reason: string]> = [
  [
    'revert-sg-drift',
    () => {
      const event = loadEvent<{ 'detail-type': string }>(
        'cloudtrail/authorize-ingress-console-world-5432.json',
      );
      event['detail-type'] = 'Object Created';
      return event;
    },
    'not a CloudTrail event: event.detail-type: expected "AWS API Call via CloudTrail", found "Object Created"',
  ],
  [
    'heal-targets',
    () => ({ ...loadEvent<object>('cloudwatch/alarm-state-change-metric.json'), account: 'not-an-account' }),
    'neither a CloudWatch Alarm State Change nor a Scheduled Event: event.account: expected a 12-digit account id, found "not-an-account"',
  ],
  [
    'expire-grants',
    () => ({ ...loadEvent<object>('schedule/expire-grants.json'), time: 'yesterday' }),
    'not a scheduled event: event.time:',
  ],
  [
    'daily-check',
    () => ({ ...loadEvent<object>('schedule/daily-check.json'), source: 'aws.s3' }),
    'not a scheduled event: event.source: expected "aws.events", found "aws.s3"',
  ],
  [
    'weekly-check',
    () => ({ ...loadEvent<object>('schedule/weekly-check.json'), source: 'aws.s3' }),
    'not a scheduled event: event.source: expected "aws.events", found "aws.s3"',
  ],
];

describe('a malformed event', () => {
  it.each(malformed)(
    '%s publishes one unprocessable finding, touches no AWS service, and returns',
    async (name, event, reason) => {
      const handler = await load(name);
      const mark = sim.current.account.calls.length;

      const result = await handler(event(), lambdaContext(`netwarden-test-${name}`));

      expect(result).toEqual({ status: 'unprocessable', reason: expect.stringContaining(reason) });
      expect(findingsOf(sim.current)).toEqual([
        expect.objectContaining({
          kind: 'unprocessable',
          outcome: 'no-action',
          why: expect.stringContaining(reason),
          title: expect.stringMatching(new RegExp(`^${name} could not `)),
        }),
      ]);
      // The finding itself is the only call: no read, no write anywhere else.
      expect(sim.current.account.calls.slice(mark).map((call) => `${call.service}.${call.command}`)).toEqual([
        'SNS.Publish',
      ]);
    },
  );

  it('grant-access answers 400 grant.rejected and creates nothing', async () => {
    vi.resetModules();
    const { handler } = await import('../../functions/grant-access/handler');
    const mark = sim.current.account.calls.length;

    const response = (await handler({ version: '1.0', rawPath: '/grants' }, lambdaContext())) as {
      statusCode: number;
      body: string;
    };

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      status: 'rejected',
      problems: [
        expect.stringMatching(
          /^not a Function URL request verified by AWS_IAM, so nothing was created \(event\.version: expected "2\.0", found "1\.0"/,
        ),
      ],
    });
    expect(findingsOf(sim.current)).toEqual([expect.objectContaining({ kind: 'grant.rejected' })]);
    expect(sim.current.account.calls.slice(mark).map((call) => `${call.service}.${call.command}`)).toEqual([
      'SNS.Publish',
    ]);
  });
});
