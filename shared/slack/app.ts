/**
 * Slack app mode's contract, beside the incoming webhook (send.ts): posting with a bot token to
 * channels the policy routes to, threading follow-ups under the first message of a story and
 * updating that first message to show where the story stands. The Web API client and the thread
 * store implement it; notify-slack and the interaction function use it.
 */
import type { SlackMessage } from './blocks';

/** Where a posted message lives: Slack's channel id and message timestamp. */
export interface MessageRef {
  readonly channel: string;
  readonly ts: string;
}

/** The Slack Web API methods netwarden calls, with the bot token already bound. */
export interface SlackWebApi {
  postMessage(channel: string, message: SlackMessage, threadTs?: string): Promise<MessageRef>;
  update(ref: MessageRef, message: SlackMessage): Promise<void>;
  /** A direct message to one Slack user (opens the conversation first). */
  postDirect(userId: string, message: SlackMessage): Promise<MessageRef>;
  /** A message in `channel` that only `userId` sees (the answer to a button press). */
  postEphemeral(channel: string, userId: string, message: SlackMessage): Promise<void>;
}

/**
 * A story is the sequence of findings about one thing: an alarm and its OK, healing and recovery,
 * a grant created, expiring and expired, a revert and its undo, a grant request and its answer.
 * Its key names that thing, for example `grant#<grant id>` or `alarm#<account>#<alarm name>`.
 */
export interface ThreadStore {
  /** The first message of the story, if one was posted. */
  find(storyKey: string): Promise<MessageRef | undefined>;
  /** Records the first message; false when another post recorded one first (a conditional write). */
  claim(storyKey: string, ref: MessageRef): Promise<boolean>;
}

/**
 * The end of a story: the next message about the same thing starts a new thread (a new alarm after
 * its OK, a new grant of the same access after the last expired). Kept apart from ThreadStore so
 * that the readers of a story need not be able to end one.
 */
export interface StoryEnds {
  /** Forgets the story's first message; nothing when there is none. */
  release(storyKey: string): Promise<void>;
}
