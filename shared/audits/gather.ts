/**
 * How the daily and weekly audits read: each part of the checklist on its own, so one that fails (a
 * missing permission, a throttled API after every retry) is named in the digest and the rest still
 * arrives.
 */
import { errorMessage } from '../errors';

/** Runs `read`; on failure records `what: why` and returns the fallback. */
export async function gather<T>(
  what: string,
  failures: string[],
  fallback: T,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    failures.push(`${what}: ${errorMessage(error)}`);
    return fallback;
  }
}
