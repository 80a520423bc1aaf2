/** The SQS event Lambda hands an event source mapping's function: only what netwarden reads. */
import * as z from 'zod';
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

/**
 * A batch as its function's way in: only the list is required here, because each record is read on
 * its own (readRecord), so that one bad record is reported and the good ones are still handled.
 */
export const SqsBatchTrigger = eventSchema(
  z.object({ Records: z.array(z.unknown()) }),
  (problems) => `not an SQS batch: ${problems}`,
);

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

/** The partial batch response: only these messages return to the queue (ReportBatchItemFailures). */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}
