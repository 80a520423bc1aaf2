/**
 * The slow half of a grant asked for in Slack, handed off. Slack wants an HTTP 200 within 3 seconds of
 * a slash command or a button press, or it shows the user `operation_timeout` while the grant may
 * still be made. slack-interact therefore verifies the signature, decides everything cheap (the
 * people, the text, the policy, the guardrails, the kill switch), records the request as `approved`
 * in the state table (a `/netwarden grant` without approval, or another person's Approve), answers
 * Slack ("Working on it…", or the message showing "approved, granting"), and hands the slow part
 * (posting to the channel, the Authorize through the gate, the grant record, the findings, the
 * messages) to itself, invoked asynchronously (Lambda InvocationType Event on its own ARN only).
 *
 * The hand-off event is NOT a credential: anyone with lambda:InvokeFunction in the account can invoke
 * the function with any payload. So it carries nothing but the id of a request, and the worker trusts
 * only what netwarden itself recorded under that id: a request netwarden wrote after verifying Slack's
 * signature, still `approved`, that no worker took yet. The worker takes it with a conditional write
 * (`workTakenAt`, on the version read) before anything else, so a replayed, duplicated or retried
 * hand-off acts once; an id that names no such request is refused having written nothing. A late one
 * (GRANT_WORK_WINDOW_MS after the approval) is refused too, so the stuck-request sweep never fails a
 * request a worker could still grant.
 *
 * Why not carry Slack's signed body and verify it again: Lambda's async queue may deliver (or retry) an
 * event minutes later, past the signature's 5-minute window, and a valid signature says who asked but
 * not whether it was already acted on. The state table says both, and its conditional transitions are
 * already what makes a double press act once. Pure.
 */
import * as z from 'zod';
import { formatDuration } from '../policy/duration';
import { APPROVED_STUCK_AFTER_MS, type GrantRequestRecord } from './approval';

export const GRANT_WORK = 'grant-request' as const;

/** What slack-interact sends itself: only a request id, read as an id and nothing more. */
export const GrantWork = z
  .object({
    work: z.literal(GRANT_WORK),
    requestId: z.uuid(),
  })
  .strict();
export type GrantWork = z.infer<typeof GrantWork>;

/** Hands the work off (the async self-invoke); resolves once Lambda accepted it. */
export type HandOff = (work: GrantWork) => Promise<void>;

/**
 * How long after a request was approved (`answeredAt`) a worker may still take it and start its grant.
 * Well under APPROVED_STUCK_AFTER_MS: the stuck-request sweep settles an approved request as failed
 * when no grant was recorded for it, so no worker may still be able to write that grant by then. A
 * worker checks the window when it takes the request and again just before the grant's first write
 * (the pending grant record, written before Authorize); slack-interact's timeout (10 s) ends a worker
 * long before the remaining 2 minutes run out, and its async events older than 120 s are dropped
 * (serverless.yml maximumEventAge), so a late or retried hand-off is refused, never acted on.
 */
export const GRANT_WORK_WINDOW_MS = APPROVED_STUCK_AFTER_MS - 2 * 60_000;

/** Why the grant of an approved request may no longer be started at `now`, or undefined while it may. */
export function workWindowProblem(record: GrantRequestRecord, now: Date): string | undefined {
  if (!record.answeredAt) return `grant request ${record.id} records no approval time: nothing to make`;
  const age = now.getTime() - record.answeredAt.getTime();
  if (age >= GRANT_WORK_WINDOW_MS)
    return `grant request ${record.id} was approved at ${record.answeredAt.toISOString()}, over ${formatDuration(GRANT_WORK_WINDOW_MS)} ago: too late to make it (the stuck-request sweep settles it); ask again`;
  return undefined;
}

/**
 * Why a worker may not act on the request a hand-off names, or undefined when it may: it must exist,
 * be `approved` (the only state netwarden hands off in), not be taken by another worker, and have been
 * approved less than GRANT_WORK_WINDOW_MS before `now`.
 */
export function workProblem(
  requestId: string,
  record: GrantRequestRecord | undefined,
  now: Date,
): string | undefined {
  if (!record) return `no grant request ${requestId} is recorded`;
  if (record.state !== 'approved')
    return `grant request ${requestId} is ${record.state}, not approved: nothing to make`;
  if (record.workTakenAt)
    return `grant request ${requestId} was taken to be made at ${record.workTakenAt.toISOString()}: nothing more to do`;
  return workWindowProblem(record, now);
}
