/**
 * expire-grants' second sweep, after the grants': the grant requests asked for in Slack
 * (shared/grants/approval.ts), found by two queries of the state table's sparse index, never a scan.
 * - A pending request unanswered by its deadline (grants.approval.timeout) is timed out: denied, its
 *   channel message updated to say so. No AWS call: nothing was granted.
 * - A granted request whose grant expires within DM_BEFORE_EXPIRY_MS: its requester is told once
 *   (the `warnedAt` mark is a conditional write made before the message, so two runs tell once).
 * - An approved request still approved APPROVED_STUCK_AFTER_MS later (the press granting it was
 *   interrupted) is settled from the grant record: granted if a live grant was recorded for it (made
 *   since it was asked, owned by its requester, for its reason), else failed.
 * - A granted request whose grant is gone (the grants' sweep closed it): expired, message updated,
 *   requester told. A grant extended meanwhile (Extend 1h) moves the request's expiry instead.
 * Every transition is conditional on the version read: a run that loses a race does nothing more.
 * Report mode writes nothing (docs/architecture.md, invariant 4): no request is made in report mode
 * (slack-interact answers `report mode: netwarden would …`). One approved in enforce mode just before
 * the stage switched stays approved, but no grant can be made of it: the hand-off worker refuses in
 * report mode, and in any mode once GRANT_WORK_WINDOW_MS has passed since its approval
 * (shared/grants/hand-off.ts). When the stage enforces again, this sweep settles it as failed.
 */
import { errorMessage } from '../../shared/errors';
import {
  APPROVED_STUCK_AFTER_MS,
  DM_BEFORE_EXPIRY_MS,
  type GrantRequestRecord,
  type GrantRequestStore,
  overdue,
  RequestConflict,
  slackOwner,
} from '../../shared/grants/approval';
import { accessKey, type GrantStore } from '../../shared/grants/record';
import { isoSeconds } from '../../shared/grants/tags';
import { formatDuration } from '../../shared/policy/duration';
import { effectiveMode } from '../../shared/policy/mode';
import type { Policy } from '../../shared/policy/schema';
import { summarise } from '../../shared/rules/rule';
import type { SlackWebApi } from '../../shared/slack/app';
import { showState, tellRequester } from '../../shared/slack/grant-request-news';

export interface RequestSweepDeps {
  readonly requests: Pick<GrantRequestStore, 'due' | 'move' | 'update'>;
  readonly grants: Pick<GrantStore, 'get'>;
  /** Absent without a bot token: the states still move, nobody is told in Slack. */
  readonly slack?: Pick<SlackWebApi, 'update' | 'postDirect'>;
  readonly policy: Policy;
  readonly now: () => Date;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
}

export interface RequestSweep {
  readonly timedOut: string[];
  readonly warned: string[];
  readonly expired: string[];
  readonly extended: string[];
  /** Approved but interrupted while granting: settled from the grant record (granted or failed). */
  readonly settled: string[];
}

const what = (request: GrantRequestRecord) => `${summarise(request.access)} on ${request.access.groupId}`;

export async function sweepRequests(deps: RequestSweepDeps): Promise<RequestSweep> {
  const sweep: RequestSweep = { timedOut: [], warned: [], expired: [], extended: [], settled: [] };
  const policy = deps.policy.grants;
  if (!policy || effectiveMode(deps.policy, policy) === 'report') return sweep;
  const now = deps.now();
  const news = deps.slack ? { slack: deps.slack, ...(deps.log ? { log: deps.log } : {}) } : undefined;
  // Lost races (another run, an approver's press) are skipped: the winner already told everyone.
  const once = async (step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof RequestConflict)) throw error;
      deps.log?.('grant request moved meanwhile', { error: errorMessage(error) });
    }
  };

  for (const request of overdue(await deps.requests.due('pending', now), now))
    await once(async () => {
      const moved = await deps.requests.move(request, 'timed-out', {
        answeredAt: now,
        why: `no answer within the approval timeout (${isoSeconds(request.answerBy)}): denied`,
      });
      sweep.timedOut.push(request.id);
      if (!news) return;
      await showState(moved, news);
      await tellRequester(moved, `Your grant request (${what(moved)}) timed out: nobody answered it.`, news);
    });

  // Approved long ago and never granted or failed: the press that was granting was interrupted. The
  // grant record (written before Authorize, live after) says whether the grant was made. No worker can
  // still start one: a worker refuses past GRANT_WORK_WINDOW_MS (2 minutes before this), and one that
  // started in time wrote its pending record long ago (slack-interact's timeout is 10 s).
  for (const request of await deps.requests.due(
    'approved',
    new Date(now.getTime() - APPROVED_STUCK_AFTER_MS),
  ))
    await once(async () => {
      const grant = await deps.grants.get(request.access.groupId, accessKey(request.access));
      // Still being recorded (or left pending by a crash): the grants' sweep settles it first.
      if (grant?.status === 'pending') return;
      // The grant must be this request's: made since it was asked, for its requester, for its reason.
      // A live grant of the same access made by anyone else (grant-access, an Undo) is not credited.
      const made =
        grant?.status === 'live' &&
        grant.createdAt.getTime() >= request.requestedAt.getTime() &&
        grant.owner === slackOwner(request.requester) &&
        grant.reason === request.reason;
      const moved = made
        ? await deps.requests.move(request, 'granted', {
            expiresAt: grant.expiresAt,
            ...(grant.ruleId ? { ruleId: grant.ruleId } : {}),
          })
        : await deps.requests.move(request, 'failed', {
            why: 'granting was interrupted and no grant was recorded: ask again',
          });
      sweep.settled.push(request.id);
      if (!news) return;
      await showState(moved, news);
      await tellRequester(
        moved,
        made
          ? `Granted: ${what(moved)} until ${isoSeconds(moved.expiresAt ?? now)}.`
          : `Your grant request (${what(moved)}) failed: granting was interrupted; ask again.`,
        news,
      );
    });

  for (const request of await deps.requests.due('granted', new Date(now.getTime() + DM_BEFORE_EXPIRY_MS)))
    await once(async () => {
      const grant = await deps.grants.get(request.access.groupId, accessKey(request.access));
      const open = grant && grant.status !== 'closed' && grant.ruleId === request.ruleId ? grant : undefined;
      const expiresAt = request.expiresAt ?? now;
      if (open && open.expiresAt.getTime() > expiresAt.getTime()) {
        // Extended in Slack: the request follows its grant, and is warned again before the new expiry.
        const { warnedAt: _warned, ...rest } = request;
        await deps.requests.update(rest, { expiresAt: open.expiresAt });
        sweep.extended.push(request.id);
        return;
      }
      if (expiresAt.getTime() <= now.getTime()) {
        // Still open: the grants' sweep has not closed it yet (it retries); the request waits for it.
        if (open) return;
        const moved = await deps.requests.move(request, 'expired', {});
        sweep.expired.push(request.id);
        if (!news) return;
        await showState(moved, news);
        await tellRequester(moved, `Your grant ${what(moved)} expired and was revoked.`, news);
        return;
      }
      if (request.warnedAt) return;
      const warned = await deps.requests.update(request, { warnedAt: now });
      sweep.warned.push(request.id);
      if (news)
        await tellRequester(
          warned,
          `Your grant ${what(warned)} expires in ${formatDuration(expiresAt.getTime() - now.getTime())}, at ${isoSeconds(expiresAt)}.`,
          news,
        );
    });
  deps.log?.('grant requests swept', { ...sweep });
  return sweep;
}
