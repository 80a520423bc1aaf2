/**
 * grant-access is invoked directly (Lambda Invoke, the console's test button, `osls invoke`): its
 * payload is the grant request itself. Only the shape is checked here; the values are judged
 * against the policy in shared/grants/request.ts, so every problem is reported at once.
 */
import * as z from 'zod';
import type { GrantRequest } from '../../shared/grants/request';
import { formatIssues } from '../../shared/policy/load';

export const GrantAccessEvent = z
  .object({
    group: z.string().optional(),
    port: z.union([z.number(), z.string()]).optional(),
    cidr: z.string().optional(),
    sourceGroup: z.string().optional(),
    ttl: z.string().optional(),
    reason: z.string().optional(),
    owner: z.string().optional(),
  })
  .strict();
export type GrantAccessEvent = z.infer<typeof GrantAccessEvent>;

export function parseGrantEvent(
  raw: unknown,
): { ok: true; request: GrantRequest } | { ok: false; problems: string[] } {
  const parsed = GrantAccessEvent.safeParse(raw);
  if (parsed.success) return { ok: true, request: parsed.data };
  // formatIssues names paths from its root ("policy.port: …"); here the root is the request.
  const problems = formatIssues(parsed.error.issues, raw)
    .split('\n')
    .map((line) => line.replace(/^policy\.?/, '').replace(/^: /, 'request: '));
  return { ok: false, problems };
}
