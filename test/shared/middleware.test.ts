/**
 * The middy pipeline's error log: a failed invocation is logged once, as an error with the error's
 * class name and message, and without Powertools' reserved-key warning (`message` is the log line's own).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../simulated-account/lambda-context';

class GroupLookupFailed extends Error {
  override readonly name = 'GroupLookupFailed';
}

let lines: Array<Record<string, unknown>>;

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
    const handler = lambda(async () => {
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
