/**
 * The notify-slack use case: an SQS batch whose every message the way in has already read
 * (SqsBatchTrigger) → plan the Slack posts (grouping alarm storms) → post them one by one → report
 * exactly the messages whose post failed.
 *
 * Failure semantics (per message, never per batch):
 * - unreadable (not an alarm, not a finding): one short "could not read" notice in Slack, then the
 *   message counts as processed — retrying cannot make it readable, and it must not poison the batch;
 * - alarm configuration changes: skipped (logged) — not news for on-call;
 * - Slack 4xx (`invalid_payload`, `no_service` …): logged with Slack's error body and reported as failed,
 *   so after maxReceiveCount receives the message rests in the dead-letter queue instead of being lost;
 * - Slack 429/5xx/network past the time budget: failed, so SQS redelivers it after the visibility timeout;
 * - a payload the sender refuses (breaks Block Kit's rules, or carries markup netwarden did not write):
 *   a formatter bug, never sent; logged and reported as failed, so it ends in the dead-letter queue;
 * - a grouped post stands for all its messages: if it fails, all of them are failures.
 */
import type { AlarmNotice } from '../../shared/events/alarm';
import type { NotificationRecord, SqsBatchResponse } from '../../shared/events/sqs';
import type { Finding } from '../../shared/findings/finding';
import {
  alarmPosts,
  type FormatOptions,
  findingMessage,
  type Post,
  type Sourced,
  type Unreadable,
  unprocessableMessage,
} from '../../shared/slack/format';
import { type PostToSlack, redact, SlackRejected, SlackUnavailable } from '../../shared/slack/send';
import type { LeveledLog } from '../../shared/wiring-base';

export interface NotifyDeps {
  /** The webhook URL, from SSM; only called when there is something to post. */
  readonly webhookUrl: () => Promise<{ reveal(): string }>;
  readonly post: PostToSlack;
  /** Milliseconds left in this invocation (the Lambda context's getRemainingTimeInMillis). */
  readonly remainingMs: () => number;
  readonly format: FormatOptions;
  readonly log: LeveledLog;
}

/** Time kept back for returning the batch response; a post never starts with less than this left. */
export const RESERVE_MS = 3_000;

/** A batch's records by what they carry, each with its SQS message id, in arrival order. */
export function sortReads(reads: ReadonlyArray<NotificationRecord>) {
  const alarms: Sourced<AlarmNotice>[] = [];
  const findings: Sourced<Finding>[] = [];
  const unreadable: Sourced<Unreadable>[] = [];
  for (const { id, notification } of reads) {
    if (notification.type === 'alarm') alarms.push({ id, item: notification.alarm });
    if (notification.type === 'finding') findings.push({ id, item: notification.finding });
    if (notification.type === 'unprocessable') unreadable.push({ id, item: { reason: notification.reason } });
  }
  return { alarms, findings, unreadable };
}

/** The posts for one batch, in the order their first message arrived. */
export function planPosts(reads: ReadonlyArray<NotificationRecord>, format: FormatOptions): Post[] {
  const { alarms, findings, unreadable } = sortReads(reads);
  const posts: Post[] = [
    ...alarmPosts(alarms, format),
    ...findings.map(
      ({ id, item }): Post => ({ kind: 'finding', message: findingMessage(item, format), ids: [id] }),
    ),
    ...(unreadable.length > 0
      ? [
          {
            kind: 'unprocessable' as const,
            message: unprocessableMessage(unreadable),
            ids: unreadable.map((u) => u.id),
          },
        ]
      : []),
  ];
  const position = new Map(reads.map((read, index) => [read.id, index]));
  const first = (post: Post) =>
    Math.min(...post.ids.map((id) => position.get(id) ?? Number.MAX_SAFE_INTEGER));
  return posts.sort((a, b) => first(a) - first(b));
}

/** A batch, every record already read on its own by the way in (SqsBatchTrigger): posted. */
export async function notifySlack(
  records: ReadonlyArray<NotificationRecord>,
  deps: NotifyDeps,
): Promise<SqsBatchResponse> {
  return deliver(records, deps);
}

/**
 * An event that is no SQS batch at all: said in Slack directly (notify-slack publishes nothing), and
 * never thrown, because a retry cannot make it readable. A failed post is logged, and that is all.
 */
export async function reportUnreadableEvent(
  refusal: { readonly reason: string; readonly eventId?: string },
  deps: NotifyDeps,
): Promise<SqsBatchResponse> {
  const read: NotificationRecord = {
    id: refusal.eventId ?? 'the event',
    notification: { type: 'unprocessable', reason: refusal.reason },
    retryable: false,
  };
  try {
    return await deliver([read], deps);
  } catch (error) {
    deps.log.error('could not tell Slack about an unreadable event', {
      reason: refusal.reason,
      error: error instanceof Error ? error.message : String(error),
    });
    return { batchItemFailures: [] };
  }
}

async function deliver(
  reads: ReadonlyArray<NotificationRecord>,
  deps: NotifyDeps,
): Promise<SqsBatchResponse> {
  for (const { id, notification } of reads) {
    if (notification.type === 'ignored')
      deps.log.info('skipped message', { messageId: id, reason: notification.reason });
    if (notification.type === 'unprocessable')
      deps.log.warn('unprocessable message', { messageId: id, reason: notification.reason });
  }
  const posts = planPosts(reads, deps.format);
  if (posts.length === 0) return { batchItemFailures: [] };

  // A failed SSM read throws: every message goes back to the queue, and the error is logged once.
  const url = (await deps.webhookUrl()).reveal();
  const failed = new Set<string>();
  let stopReason: string | undefined;
  for (const post of posts) {
    const summary = { kind: post.kind, messageIds: post.ids, blocks: post.message.blocks.length };
    if (!stopReason && deps.remainingMs() < RESERVE_MS) stopReason = 'out of time';
    if (stopReason) {
      deps.log.warn('post not attempted', { ...summary, reason: stopReason });
      for (const id of post.ids) failed.add(id);
      continue;
    }
    try {
      const { attempts } = await deps.post(url, post.message, { budgetMs: deps.remainingMs() - RESERVE_MS });
      deps.log.info('posted to Slack', { ...summary, attempts });
    } catch (error) {
      for (const id of post.ids) failed.add(id);
      if (error instanceof SlackRejected) {
        deps.log.error('Slack rejected the message', {
          ...summary,
          status: error.status,
          slackError: error.body,
        });
        // A dead webhook (404 no_service, 410 channel_is_archived) will reject the rest too.
        if (error.status === 404 || error.status === 410) stopReason = `webhook gone (${error.body})`;
      } else if (error instanceof SlackUnavailable) {
        deps.log.warn('Slack unavailable', { ...summary, error: error.message });
        stopReason = 'Slack unavailable';
      } else {
        deps.log.error('post failed', {
          ...summary,
          error: redact(error instanceof Error ? error.message : String(error), url),
        });
      }
    }
  }
  return {
    batchItemFailures: reads
      .filter(({ id, retryable }) => retryable && failed.has(id))
      .map(({ id }) => ({ itemIdentifier: id })),
  };
}
