/** The SQS event Lambda hands an event source mapping's function: only what netwarden reads. */
import * as z from 'zod';

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

/** The partial batch response: only these messages return to the queue (ReportBatchItemFailures). */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}
