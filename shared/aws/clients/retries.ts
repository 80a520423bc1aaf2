/**
 * Retry settings of every SDK client. Writers use standard retries; bulk readers (sweeps, audits) get
 * more attempts because a daily check paging through thousands of rules meets throttling as a matter
 * of course.
 */
export const WRITER_RETRIES = { maxAttempts: 5, retryMode: 'standard' } as const;
export const BULK_READER_RETRIES = { maxAttempts: 10, retryMode: 'standard' } as const;
