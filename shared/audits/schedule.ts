/** The checks' trigger: a scheduled event, whose `time` fixes the window even when the invocation is retried. */
import { ScheduledEvent } from '../events/schedule';
import type { Publish } from '../findings/finding';
import { formatIssues } from '../policy/load';
import type { Mode } from '../policy/schema';
import { unprocessableFinding } from '../sg/findings';

/** The time the schedule fired, or undefined after publishing an `unprocessable` finding. */
export async function scheduledTime(
  raw: unknown,
  source: { function: string; mode: Mode; publish: Publish; now: () => Date },
): Promise<Date | undefined> {
  const parsed = ScheduledEvent.safeParse(raw);
  if (parsed.success) return new Date(parsed.data.time);
  const reason = `not a scheduled event: ${formatIssues(parsed.error.issues, raw, 'event')}`;
  await source.publish(
    unprocessableFinding(reason, source.now(), { function: source.function, mode: source.mode }),
  );
  return undefined;
}
