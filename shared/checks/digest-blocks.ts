/**
 * A digest as one Slack Block Kit message, within Slack's limits: at most 50 blocks, section text at
 * most 3,000 characters, header at most 150; whatever does not fit is cut with a visible marker, and
 * the top-level `text` (the notification and fallback) always says the counts. A clean day is one line.
 */
import { countsLine, type Digest, isClean, type Severity, summaryLine } from './digest';

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, fallbackText: 3000 } as const;

export type Block =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'divider' };

export interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

const EMOJI: Record<Severity | 'ok', string> = {
  critical: ':red_circle:',
  warning: ':warning:',
  info: ':information_source:',
  ok: ':white_check_mark:',
};

/** Slack mrkdwn needs &, < and > escaped, or `<…>` in a rule summary becomes a broken link. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function truncate(text: string, limit: number, marker = '…'): string {
  return text.length <= limit ? text : `${text.slice(0, limit - marker.length)}${marker}`;
}

const mrkdwn = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText, '… (cut)') },
});

/** Section blocks for a titled list, split so no block passes the text limit. */
function listBlocks(heading: string, items: ReadonlyArray<string>, omitted: number): Block[] {
  const blocks: Block[] = [];
  let current = heading;
  const lines = items.map((item) => `• ${truncate(escapeMrkdwn(item), 1000)}`);
  if (omitted > 0) lines.push(`_… and ${omitted} more (run the check from the CLI for the full list)_`);
  for (const line of lines) {
    if (current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      blocks.push(mrkdwn(current));
      current = line;
    } else current = `${current}\n${line}`;
  }
  blocks.push(mrkdwn(current));
  return blocks;
}

export function digestBlocks(digest: Digest): SlackMessage {
  const fallback = truncate(summaryLine(digest), SLACK_LIMITS.fallbackText);
  if (isClean(digest)) return { text: fallback, blocks: [mrkdwn(`${EMOJI.ok} ${escapeMrkdwn(fallback)}`)] };

  const counts = digest.counts.map(
    (count) => `${EMOJI[count.status]} ${count.label} *${escapeMrkdwn(count.value)}*`,
  );
  const body: Block[] = [mrkdwn(counts.join('   '))];
  for (const entry of digest.sections) {
    body.push({ type: 'divider' });
    const heading = `${EMOJI[entry.severity]} *${escapeMrkdwn(entry.title)}* (${entry.items.length + entry.omitted})`;
    body.push(...listBlocks(heading, entry.items, entry.omitted));
  }
  const header: Block = {
    type: 'header',
    text: { type: 'plain_text', text: truncate(digest.title, SLACK_LIMITS.headerText), emoji: true },
  };
  const room = SLACK_LIMITS.blocks - 1;
  if (body.length <= room) return { text: fallback, blocks: [header, ...body] };
  // Keep room for the marker: the reader must see that the message was cut, and where to look.
  const kept = body.slice(0, room - 1);
  const dropped = body.slice(room - 1).filter((block) => block.type === 'section').length;
  const marker: Block = {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `:scissors: ${dropped} more block${dropped === 1 ? '' : 's'} cut to fit Slack's limit — run \`npx netwarden check ${digest.check}\` for everything. ${escapeMrkdwn(countsLine(digest))}`,
      },
    ],
  };
  return { text: fallback, blocks: [header, ...kept, marker] };
}
