/** The SQS event Lambda hands an event source mapping's function: only what netwarden reads. */
import * as z from 'zod';
import { type Notification, notificationOf } from './alarm';
import { eventIdOf } from './event-id';
import { eventSchema } from './event-schema';
import { formatIssues } from './issues';

export const SqsRecord = z.object({
  messageId: z.string().min(1),
  body: z.string(),
  eventSource: z.literal('aws:sqs').optional(),
  eventSourceARN: z.string().optional(),
  attributes: z.object({ ApproximateReceiveCount: z.string().optional() }).loose().optional(),
});
export type SqsRecord = z.infer<typeof SqsRecord>;

export const SqsEvent = z.object({ Records: z.array(SqsRecord) });
export type SqsEvent = z.infer<typeof SqsEvent>;

export type RecordRead =
  | { readonly ok: true; readonly record: SqsRecord }
  /** `messageId` when the record has a readable one: only then can it be named in a batch response. */
  | { readonly ok: false; readonly label: string; readonly messageId?: string; readonly reason: string };

/** One record of a batch, read on its own; `index` names it when it has no message id. */
export function readRecord(raw: unknown, index: number): RecordRead {
  const parsed = SqsRecord.safeParse(raw);
  if (parsed.success) return { ok: true, record: parsed.data };
  const messageId = eventIdOf({ Records: [raw] });
  return {
    ok: false,
    label: messageId ?? `Records[${index}]`,
    ...(messageId ? { messageId } : {}),
    reason: formatIssues(parsed.error.issues, raw, `Records[${index}]`),
  };
}

/** One record of a notification batch, read: what it carries, or why it could not be read. */
export interface NotificationRecord {
  /** The message id, or where the record stood in the batch when it has none. */
  readonly id: string;
  readonly notification: Notification;
  /** Only a record with a message id can be handed back to the queue in the batch response. */
  readonly retryable: boolean;
}

/** One record → what it carries; a record that is not an SQS message at all is unprocessable too. */
export function readNotificationRecord(raw: unknown, index: number): NotificationRecord {
  const read = readRecord(raw, index);
  if (!read.ok)
    return {
      id: read.label,
      notification: { type: 'unprocessable', reason: `not an SQS message: ${read.reason}` },
      retryable: false,
    };
  return { id: read.record.messageId, notification: notificationOf(read.record.body), retryable: true };
}

/**
 * A batch of notifications (alarms, alarm state changes, findings) as its function's way in. Only
 * the list is required to accept the event: each record is read on its own (readNotificationRecord),
 * so that one bad record stays an `unprocessable` notification naming the field and the value, and
 * the good ones are still handled.
 */
export const SqsBatchTrigger = eventSchema(
  z
    .object({ Records: z.array(z.unknown()) })
    .transform(({ Records }) => ({ Records: Records.map(readNotificationRecord) })),
  (problems) => `not an SQS batch: ${problems}`,
);

/** The partial batch response: only these messages return to the queue (ReportBatchItemFailures). */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}
