/**
 * The middy pipeline's error log: a failed invocation is logged once, as an error with the error's
 * class name and message, and without Powertools' reserved-key warning (`message` is the log line's own).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { eventSchema } from '../../shared/events/event-schema';
import { lambdaContext } from '../../simulated-account/lambda-context';

class GroupLookupFailed extends Error {
  override readonly name = 'GroupLookupFailed';
}

let lines: Array<Record<string, unknown>>;

const anyEvent = eventSchema(z.unknown(), (problems) => problems);
const CloudTrailCall = eventSchema(
  z.object({
    detail: z.object({ eventID: z.string(), eventName: z.literal('AuthorizeSecurityGroupIngress') }),
  }),
  (problems) => `not a CloudTrail call: ${problems}`,
);

beforeEach(() => {
  // Dev mode makes the logger write through the global console, where the test can read it.
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  vi.resetModules();
  lines = [];
  for (const method of ['debug', 'info', 'warn', 'error', 'log'] as const)
    vi.spyOn(console, method).mockImplementation((text: unknown) => {
      lines.push(JSON.parse(String(text)) as Record<string, unknown>);
    });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('lambda() error logging', () => {
  it('logs a failed invocation with the error class and message and no reserved-key warning', async () => {
    const { lambda } = await import('../../shared/middleware');
    const handler = lambda({ schema: anyEvent, unprocessable: async () => 'refused' }).handler(async () => {
      throw new GroupLookupFailed('DescribeSecurityGroups failed for sg-0db00000000005432: throttled');
    });

    await expect(handler({ detail: { eventID: 'ev-1' } }, lambdaContext())).rejects.toThrow(
      GroupLookupFailed,
    );

    expect(lines.map((line) => line.message)).not.toContainEqual(expect.stringContaining('reserved key'));
    const failed = lines.filter((line) => line.message === 'invocation failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      level: 'ERROR',
      correlation_id: 'ev-1',
      error: {
        name: 'GroupLookupFailed',
        message: 'DescribeSecurityGroups failed for sg-0db00000000005432: throttled',
      },
    });
  });
});

describe('lambda() way in', () => {
  it('hands the use case only the event its schema accepted', async () => {
    const { lambda } = await import('../../shared/middleware');
    const seen: unknown[] = [];
    const handler = lambda({ schema: CloudTrailCall, unprocessable: async () => 'refused' }).handler(
      async (event) => {
        seen.push(event.detail.eventName);
        return 'handled';
      },
    );

    const event = { detail: { eventID: 'ev-2', eventName: 'AuthorizeSecurityGroupIngress', extra: 1 } };
    expect(await handler(event, lambdaContext())).toBe('handled');
    expect(seen).toEqual(['AuthorizeSecurityGroupIngress']);
  });

  it('answers a refused event with unprocessable (naming the field, the value and the event id), never calls the use case, never throws', async () => {
    const { lambda } = await import('../../shared/middleware');
    const refusals: unknown[] = [];
    let called = false;
    const handler = lambda({
      schema: CloudTrailCall,
      unprocessable: async (refusal) => {
        refusals.push(refusal);
        return 'refused';
      },
    }).handler(async () => {
      called = true;
      return 'handled';
    });

    const result = await handler({ detail: { eventID: 'ev-3', eventName: 'CreateTags' } }, lambdaContext());

    expect(result).toBe('refused');
    expect(called).toBe(false);
    expect(refusals).toEqual([
      {
        reason:
          'not a CloudTrail call: event.detail.eventName: expected "AuthorizeSecurityGroupIngress", found "CreateTags"',
        eventId: 'ev-3',
      },
    ]);
    expect(lines.filter((line) => line.message === 'unprocessable event')).toEqual([
      expect.objectContaining({ level: 'WARN', correlation_id: 'ev-3', eventId: 'ev-3' }),
    ]);
    expect(lines.filter((line) => line.level === 'ERROR')).toEqual([]);
  });
});
