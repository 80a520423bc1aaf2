/**
 * notify-slack in app mode: the same batch as the webhook's (notify.ts), posted with the bot token to
 * the channel the policy's first fitting route names (shared/slack/routes.ts), with the route's
 * mention. A message that belongs to a story (shared/slack/stories.ts) already opened is a reply in
 * that story's thread, and the story's first message is updated (chat.update) to say where it stands;
 * the first message of a story is recorded in the state table (a conditional put: of two racing
 * posts one opens the story). A story's end (an alarm's OK, a grant expired, targets recovered) is
 * forgotten, so the next alarm opens a new thread.
 *
 * Failure semantics are the webhook's: a message whose post failed is handed back to the queue; a
 * failed chat.update of the first message is logged and does not fail the reply already posted; a
 * reply whose thread is gone from Slack (`invalid_thread_ts`) is posted as a new message that restarts
 * the story.
 */
import type { NotificationRecord, SqsBatchResponse } from '../../shared/events/sqs';
import type { SlackPolicy } from '../../shared/policy/slack';
import type { MessageRef, SlackWebApi, StoryEnds, ThreadStore } from '../../shared/slack/app';
import {
  type ActionButton,
  type Escaped,
  LIMITS,
  render,
  type SlackMessage,
  section,
  slack,
  withinLimits,
} from '../../shared/slack/blocks';
import {
  alarmMessage,
  alarmPosts,
  DETAILED_ALARMS_MAX,
  type FormatOptions,
  findingMessage,
  latestPerAlarm,
  unprocessableMessage,
} from '../../shared/slack/format';
import { buttonsFor } from '../../shared/slack/interaction';
import {
  alarmSubject,
  chooseRoute,
  findingSubject,
  mentionText,
  type RouteSubject,
} from '../../shared/slack/routes';
import { SlackRejected, SlackUnavailable } from '../../shared/slack/send';
import {
  ALARM_COLOR,
  alarmStory,
  findingStory,
  SEVERITY_COLOR,
  type StoryPlace,
} from '../../shared/slack/stories';
import { SlackApiRejected } from '../../shared/slack/web-api';
import type { LeveledLog } from '../../shared/wiring-base';
import { sortReads } from './notify';

export interface AppModeDeps {
  readonly api: SlackWebApi;
  readonly threads: ThreadStore & StoryEnds;
  readonly slack: SlackPolicy;
  readonly format: FormatOptions;
  readonly remainingMs: () => number;
  readonly log: LeveledLog;
}

/** Time kept back for returning the batch response, as in webhook mode. */
export const APP_RESERVE_MS = 3_000;

export interface AppPost {
  readonly kind: 'alarm' | 'alarm-summary' | 'finding' | 'unprocessable';
  readonly ids: ReadonlyArray<string>;
  readonly channel: string;
  readonly message: SlackMessage;
  readonly story?: StoryPlace;
}

const coloured = (
  message: SlackMessage,
  color: string,
  mentions: ReadonlyArray<string> = [],
): SlackMessage => ({
  ...message,
  color,
  // Each mention token on its own, as violations() matches them.
  ...(mentions.length > 0 ? { mentions: mentions.flatMap((m) => m.split(' ')) } : {}),
});

/**
 * The buttons of a finding (shared/slack/interaction.ts), last, within Slack's 50 blocks: Undo on a
 * revert, Extend and Revoke on a grant. Only app mode has them: a webhook message cannot be answered.
 */
function withButtons(message: SlackMessage, buttons: ReadonlyArray<ActionButton>): SlackMessage {
  if (buttons.length === 0) return message;
  return {
    ...message,
    blocks: [...message.blocks.slice(0, LIMITS.blocks - 1), { type: 'actions', elements: buttons }],
  };
}

/** The posts for one batch, routed, in the order their first message arrived. Pure. */
export function planAppPosts(
  reads: ReadonlyArray<NotificationRecord>,
  policy: SlackPolicy,
  format: FormatOptions,
): AppPost[] {
  const options: FormatOptions = { ...format, timezone: policy.timezone };
  const routed = (subject: RouteSubject) => {
    const route = chooseRoute(policy, subject);
    const mention = mentionText(route.mention);
    return {
      channel: route.channel,
      options: { ...options, mention },
      mentions: [render(mention)].filter(Boolean),
    };
  };
  const { alarms, findings, unreadable } = sortReads(reads);
  const posts: AppPost[] = [];
  const latest = latestPerAlarm(alarms);
  if (latest.length <= DETAILED_ALARMS_MAX) {
    for (const entry of latest) {
      const { channel, options: with_, mentions } = routed(alarmSubject(entry.alarm));
      const story = alarmStory(entry.alarm);
      posts.push({
        kind: 'alarm',
        ids: entry.ids,
        channel,
        message: coloured(
          alarmMessage(entry.alarm, with_, entry.changes),
          ALARM_COLOR[entry.alarm.newState],
          mentions,
        ),
        ...(story ? { story } : {}),
      });
    }
  } else {
    // A storm: summaries per state, each routed as that state's alarms of the first account would be.
    for (const state of ['ALARM', 'INSUFFICIENT_DATA', 'OK'] as const) {
      const ofState = alarms.filter((alarm) =>
        latest.some((e) => e.alarm.newState === state && e.ids.includes(alarm.id)),
      );
      if (ofState.length === 0) continue;
      const {
        channel,
        options: with_,
        mentions,
      } = routed(alarmSubject({ newState: state, account: ofState[0]?.item.account ?? '' }));
      for (const post of alarmPosts(ofState, with_))
        posts.push({
          kind: 'alarm-summary',
          ids: post.ids,
          channel,
          message: coloured(post.message, ALARM_COLOR[state], mentions),
        });
    }
  }
  for (const { id, item } of findings) {
    const { channel, options: with_, mentions } = routed(findingSubject(item));
    const story = findingStory(item);
    posts.push({
      kind: 'finding',
      ids: [id],
      channel,
      message: withButtons(
        coloured(findingMessage(item, with_), SEVERITY_COLOR[item.severity], mentions),
        buttonsFor(item),
      ),
      ...(story ? { story } : {}),
    });
  }
  if (unreadable.length > 0)
    posts.push({
      kind: 'unprocessable',
      ids: unreadable.map((u) => u.id),
      channel: routed({ kind: 'unprocessable', severity: 'warning' }).channel,
      message: coloured(unprocessableMessage(unreadable), SEVERITY_COLOR.warning),
    });
  const position = new Map(reads.map((read, index) => [read.id, index]));
  const first = (post: AppPost) =>
    Math.min(...post.ids.map((id) => position.get(id) ?? Number.MAX_SAFE_INTEGER));
  return posts.sort((a, b) => first(a) - first(b));
}

/**
 * The story's first message once a later one arrived: the later message, headed by where the story
 * stands, so the channel shows the story's state without opening the thread.
 */
export function storyHeadMessage(latest: SlackMessage, story: StoryPlace): SlackMessage {
  const [head, ...rest] = latest.blocks;
  const now = section(slack`:arrow_right: *Now: ${story.stands}* · every step is in the thread`);
  const blocks = head ? [head, now, ...rest] : [now];
  const text = `${render(slack`[${story.stands}] `)}${latest.text}` as Escaped;
  return {
    ...withinLimits({ text, blocks: blocks.slice(0, LIMITS.blocks) }),
    ...(latest.color ? { color: latest.color } : {}),
  };
}

/**
 * The reply under the story's first message. False when that message is gone from Slack (deleted by
 * hand: `invalid_thread_ts`): the story is forgotten, so the caller posts the message as a new one and
 * the story restarts there, instead of the message going back to the queue for ever.
 */
async function replied(opened: MessageRef, key: string, post: AppPost, deps: AppModeDeps): Promise<boolean> {
  try {
    await deps.api.postMessage(opened.channel, post.message, opened.ts);
    return true;
  } catch (error) {
    if (!(error instanceof SlackApiRejected && error.code === 'invalid_thread_ts')) throw error;
    deps.log.warn('the story’s first message is gone from Slack: posting a new one', { story: key });
    await deps.threads.release(key);
    return false;
  }
}

/** One post: a reply under its story's first message (then that one updated), or a new message. */
async function carryOut(post: AppPost, deps: AppModeDeps): Promise<string> {
  const story = post.story;
  const opened = story ? await deps.threads.find(story.key) : undefined;
  if (story && opened && (await replied(opened, story.key, post, deps))) {
    try {
      await deps.api.update(opened, storyHeadMessage(post.message, story));
    } catch (error) {
      // The reply is posted; a stale first message is worth a warning, not a second reply.
      deps.log.warn('could not update the story’s first message', {
        story: story.key,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    if (story.step === 'ends') await deps.threads.release(story.key);
    return 'threaded';
  }
  const ref = await deps.api.postMessage(post.channel, post.message);
  if (story && story.step !== 'ends' && !(await deps.threads.claim(story.key, ref)))
    deps.log.info('another post opened this story first', { story: story.key });
  return 'posted';
}

export async function notifySlackApp(
  reads: ReadonlyArray<NotificationRecord>,
  deps: AppModeDeps,
): Promise<SqsBatchResponse> {
  const posts = planAppPosts(reads, deps.slack, deps.format);
  const failed = new Set<string>();
  let stopReason: string | undefined;
  for (const post of posts) {
    const summary = { kind: post.kind, messageIds: post.ids, channel: post.channel, story: post.story?.key };
    if (!stopReason && deps.remainingMs() < APP_RESERVE_MS) stopReason = 'out of time';
    if (stopReason) {
      deps.log.warn('post not attempted', { ...summary, reason: stopReason });
      for (const id of post.ids) failed.add(id);
      continue;
    }
    try {
      const how = await carryOut(post, deps);
      deps.log.info('posted to Slack', { ...summary, how });
    } catch (error) {
      for (const id of post.ids) failed.add(id);
      const text = error instanceof Error ? error.message : String(error);
      if (error instanceof SlackRejected)
        deps.log.error('Slack rejected the message', { ...summary, error: text });
      else if (error instanceof SlackUnavailable) {
        deps.log.warn('Slack unavailable', { ...summary, error: text });
        stopReason = 'Slack unavailable';
      } else deps.log.error('post failed', { ...summary, error: text });
    }
  }
  return {
    batchItemFailures: reads
      .filter(({ id, retryable }) => retryable && failed.has(id))
      .map(({ id }) => ({ itemIdentifier: id })),
  };
}
