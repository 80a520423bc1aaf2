/**
 * A digest as one Slack Block Kit message, within Slack's limits: at most 50 blocks, section text at
 * most 3,000 characters, header at most 150; whatever does not fit is cut with a visible marker, and
 * the top-level `text` (the notification and fallback) always says the counts. A clean day is one line.
 * Titles, labels and items carry group names, rule descriptions and owners that anyone in the account
 * can write: they are built with the `slack` tag, which escapes them everywhere, the fallback included.
 */

import { countsLine, type Digest, isClean, type Severity, summaryLine } from '../audits/digest';
import {
  type Block,
  context,
  divider,
  HERE,
  header,
  joinText,
  LIMITS,
  message,
  type SlackMessage,
  type SlackText,
  section,
  slack,
  textLength,
  truncateText,
} from './blocks';

export const SLACK_LIMITS = {
  blocks: LIMITS.blocks,
  sectionText: LIMITS.sectionText,
  headerText: LIMITS.headerText,
  fallbackText: LIMITS.fallbackText,
} as const;

/** One item's share of a section, so one long rule cannot push the rest out. */
const ITEM_TEXT = 1000;

const EMOJI: Record<Severity | 'ok', string> = {
  critical: ':red_circle:',
  warning: ':warning:',
  info: ':information_source:',
  ok: ':white_check_mark:',
};

const cutSection = (text: SlackText): Block =>
  section(truncateText(text, SLACK_LIMITS.sectionText, '… (cut)'));

/** Section blocks for a titled list, split so no block passes the text limit. */
function listBlocks(heading: SlackText, items: ReadonlyArray<string>, omitted: number): Block[] {
  const blocks: Block[] = [];
  const lines = items.map((item) => slack`• ${truncateText(slack`${item}`, ITEM_TEXT, '…')}`);
  if (omitted > 0) lines.push(slack`_… and ${omitted} more (run the check from the CLI for the full list)_`);
  let current = [heading];
  let length = textLength(heading);
  for (const line of lines) {
    if (length + 1 + textLength(line) > SLACK_LIMITS.sectionText) {
      blocks.push(cutSection(joinText(current, '\n')));
      current = [line];
      length = textLength(line);
    } else {
      current.push(line);
      length += 1 + textLength(line);
    }
  }
  blocks.push(cutSection(joinText(current, '\n')));
  return blocks;
}

/** The digest as a message; `here` puts the mention (`@here` unless a route chose another) in front (a critical digest). */
export function digestBlocks(
  digest: Digest,
  options: { here?: boolean; mention?: SlackText } = {},
): SlackMessage {
  // A route's mention (app mode, the policy's slack routes) replaces netwarden's `@here`; `none` is empty.
  const mention = options.mention ?? HERE;
  const loud = options.here && textLength(mention) > 0;
  const fallback = slack`${loud ? slack`${mention} ` : ''}${summaryLine(digest)}`;
  if (isClean(digest)) return message(fallback, [cutSection(slack`${EMOJI.ok} ${summaryLine(digest)}`)]);

  const notRun = digest.notRun ?? [];
  const counts = [
    ...(notRun.length > 0 ? [slack`${EMOJI.warning} could not run: *${notRun.join(', ')}*`] : []),
    ...digest.counts.map((count) => slack`${EMOJI[count.status]} ${count.label} *${count.value}*`),
  ];
  const body: Block[] = [cutSection(joinText(counts, '   '))];
  for (const entry of digest.sections) {
    body.push(divider);
    const heading = slack`${EMOJI[entry.severity]} *${entry.title}* (${entry.items.length + entry.omitted})`;
    body.push(...listBlocks(heading, entry.items, entry.omitted));
  }
  const title = header(slack`${digest.title}`);
  const room = SLACK_LIMITS.blocks - 1;
  if (body.length <= room) return message(fallback, [title, ...body]);
  // Keep room for the marker: the reader must see that the message was cut, and where to look.
  const kept = body.slice(0, room - 1);
  const dropped = body.slice(room - 1).filter((block) => block.type === 'section').length;
  const marker = context([
    slack`:scissors: ${dropped} more block${dropped === 1 ? '' : 's'} cut to fit Slack's limit — run \`npx netwarden check ${digest.check}\` for everything. ${countsLine(digest)}`,
  ]);
  return message(fallback, [title, ...kept, marker]);
}
