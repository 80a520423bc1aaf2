/**
 * Failure semantics. Bad input is `Unprocessable`: reported and not retried. Anything else thrown
 * from a handler is transient and left to the platform's retries and dead-letter queue.
 */
export class Unprocessable extends Error {
  override readonly name = 'Unprocessable';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The AWS error code of an SDK exception (`InvalidPermission.NotFound`), or undefined. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { name?: unknown; Code?: unknown };
  if (typeof candidate.Code === 'string') return candidate.Code;
  return typeof candidate.name === 'string' ? candidate.name : undefined;
}
