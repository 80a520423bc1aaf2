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
import type { SlackPolicy } from '../../shared/policy/slack';
import { render, type SlackMessage } from '../../shared/slack/blocks';
import {
  alarmPosts,
  DETAILED_ALARMS_MAX,
  type FormatOptions,
  findingMessage,
  latestPerAlarm,
  type Post,
  type Sourced,
  type Unreadable,
  unprocessableMessage,
} from '../../shared/slack/format';
import {
  alarmSubject,
  chooseRoute,
  findingSubject,
  mentionText,
  type RouteSubject,
} from '../../shared/slack/routes';
import { type PostToSlack, redact, SlackRejected, SlackUnavailable } from '../../shared/slack/send';
import type { LeveledLog } from '../../shared/wiring-base';

export interface NotifyDeps {
  /** The webhook URL, from SSM; only called when there is something to post. */
  readonly webhookUrl: () => Promise<{ reveal(): string }>;
  readonly post: PostToSlack;
  /** Milliseconds left in this invocation (the Lambda context's getRemainingTimeInMillis). */
  readonly remainingMs: () => number;
  readonly format: FormatOptions;
  /**
   * The policy's slack section, when it has one: a webhook posts to its one channel, but each message
   * still gets its route's mention and the policy's timezone, as in app mode (planPosts).
   */
  readonly slack?: SlackPolicy;
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

/**
 * The format options of one message: with the policy's slack section, its route's mention (the route's
 * channel means nothing to a webhook, which posts where it was made for) and the policy's timezone;
 * without one, `@here` and UTC. A mention of people or groups is declared on the message, so the
 * sender lets exactly that markup through (blocks.ts violations).
 */
function routing(format: FormatOptions, slackPolicy: SlackPolicy | undefined) {
  return (subject: RouteSubject) => {
    if (!slackPolicy) return { options: format, mark: (message: SlackMessage) => message };
    const mention = mentionText(chooseRoute(slackPolicy, subject).mention);
    const rendered = render(mention);
    return {
      options: { ...format, timezone: slackPolicy.timezone, mention },
      mark: (message: SlackMessage): SlackMessage =>
        rendered ? { ...message, mentions: rendered.split(' ') } : message,
    };
  };
}

/** The alarm posts, each routed as app mode routes them (one per alarm, or per state in a storm). */
function routedAlarmPosts(
  alarms: ReadonlyArray<Sourced<AlarmNotice>>,
  format: FormatOptions,
  slackPolicy: SlackPolicy | undefined,
): Post[] {
  const routed = routing(format, slackPolicy);
  if (!slackPolicy) return alarmPosts(alarms, format);
  const latest = latestPerAlarm(alarms);
  const groups =
    latest.length <= DETAILED_ALARMS_MAX
      ? latest.map((entry) => ({
          subject: alarmSubject(entry.alarm),
          members: alarms.filter((alarm) => entry.ids.includes(alarm.id)),
        }))
      : (['ALARM', 'INSUFFICIENT_DATA', 'OK'] as const).map((state) => {
          const members = alarms.filter((alarm) =>
            latest.some((entry) => entry.alarm.newState === state && entry.ids.includes(alarm.id)),
          );
          return {
            subject: alarmSubject({ newState: state, account: members[0]?.item.account ?? '' }),
            members,
          };
        });
  return groups.flatMap(({ subject, members }) => {
    if (members.length === 0) return [];
    const { options, mark } = routed(subject);
    return alarmPosts(members, options).map((post) => ({ ...post, message: mark(post.message) }));
  });
}

/** The posts for one batch, in the order their first message arrived. */
export function planPosts(
  reads: ReadonlyArray<NotificationRecord>,
  format: FormatOptions,
  slackPolicy?: SlackPolicy,
): Post[] {
  const { alarms, findings, unreadable } = sortReads(reads);
  const routed = routing(format, slackPolicy);
  const posts: Post[] = [
    ...routedAlarmPosts(alarms, format, slackPolicy),
    ...findings.map(({ id, item }): Post => {
      const { options, mark } = routed(findingSubject(item));
      return { kind: 'finding', message: mark(findingMessage(item, options)), ids: [id] };
    }),
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
  const posts = planPosts(reads, deps.format, deps.slack);
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
