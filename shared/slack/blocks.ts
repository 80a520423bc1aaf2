/**
 * The Block Kit subset netwarden sends, Slack's limits, and the two guards around them:
 * `withinLimits` truncates with a visible marker, `violations` proves the result valid before a post.
 * Limits: https://api.slack.com/reference/block-kit/blocks (see reference/aws-event-facts.md §6).
 */
export interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}
export interface Mrkdwn {
  readonly type: 'mrkdwn';
  readonly text: string;
}
export type TextObject = PlainText | Mrkdwn;

export type Block =
  | { readonly type: 'header'; readonly text: PlainText }
  | { readonly type: 'section'; readonly text?: Mrkdwn; readonly fields?: ReadonlyArray<Mrkdwn> }
  | { readonly type: 'context'; readonly elements: ReadonlyArray<TextObject> }
  | { readonly type: 'divider' };

export interface SlackMessage {
  /** The notification fallback: what push notifications and screen readers show. Always present. */
  readonly text: string;
  readonly blocks: ReadonlyArray<Block>;
}

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  /** Slack accepts 40,000; a fallback longer than this helps no one. */
  fallbackText: 3000,
} as const;

export const TRUNCATED = '… (truncated)';

/** Slack mrkdwn control characters; everything user-supplied goes through this. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** `<url|label>`; the url must already be encoded (no `|` or `>` left in it). */
export function link(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label)}>`;
}

/**
 * Cuts `text` to `max` characters ending in the visible marker, never inside a mrkdwn link or
 * entity (which Slack would render as garbage) or between the halves of a surrogate pair.
 */
export function truncate(text: string, max: number, kind: 'mrkdwn' | 'plain' = 'mrkdwn'): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - TRUNCATED.length));
  if (kind === 'mrkdwn') {
    const open = cut.lastIndexOf('<');
    if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
    cut = cut.replace(/&[a-z]*$/, '');
  }
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}${TRUNCATED}`;
}

const nonEmpty = (text: string) => (text.trim().length > 0 ? text : '—');

function limitText<T extends TextObject>(object: T, max: number): T {
  return {
    ...object,
    text: truncate(nonEmpty(object.text), max, object.type === 'mrkdwn' ? 'mrkdwn' : 'plain'),
  };
}

function limitBlock(block: Block): Block {
  switch (block.type) {
    case 'header':
      return { type: 'header', text: limitText(block.text, LIMITS.headerText) };
    case 'section': {
      const fields = block.fields?.slice(0, LIMITS.fields).map((field) => limitText(field, LIMITS.fieldText));
      if (fields && block.fields && block.fields.length > LIMITS.fields) {
        const last = fields[LIMITS.fields - 1];
        if (last)
          fields[LIMITS.fields - 1] = limitText(
            { ...last, text: `${last.text}\n${TRUNCATED}` },
            LIMITS.fieldText,
          );
      }
      return {
        type: 'section',
        ...(block.text ? { text: limitText(block.text, LIMITS.sectionText) } : {}),
        ...(fields && fields.length > 0 ? { fields } : {}),
        // A section needs text or fields: an empty one would make the whole payload invalid.
        ...(!block.text && !(fields && fields.length > 0)
          ? { text: { type: 'mrkdwn' as const, text: '—' } }
          : {}),
      };
    }
    case 'context': {
      const elements = block.elements.slice(0, LIMITS.contextElements);
      if (block.elements.length > LIMITS.contextElements)
        elements[LIMITS.contextElements - 1] = { type: 'mrkdwn', text: TRUNCATED };
      return {
        type: 'context',
        elements: (elements.length > 0 ? elements : [{ type: 'mrkdwn' as const, text: '—' }]).map((element) =>
          limitText(element, LIMITS.contextText),
        ),
      };
    }
    case 'divider':
      return block;
  }
}

/** The message cut down to Slack's limits, every cut marked; more than 50 blocks keeps 49 and says so. */
export function withinLimits(message: SlackMessage): SlackMessage {
  let blocks = message.blocks.map(limitBlock);
  if (blocks.length > LIMITS.blocks) {
    const dropped = blocks.length - (LIMITS.blocks - 1);
    blocks = [
      ...blocks.slice(0, LIMITS.blocks - 1),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `${TRUNCATED}: ${dropped} more blocks not shown` }],
      },
    ];
  }
  return { text: truncate(nonEmpty(message.text), LIMITS.fallbackText), blocks };
}

/** Every way `message` breaks Block Kit's rules; empty means Slack will accept its shape. */
export function violations(message: SlackMessage): string[] {
  const problems: string[] = [];
  const check = (where: string, text: string | undefined, max: number) => {
    if (text === undefined || text.trim().length === 0) problems.push(`${where}: empty text`);
    else if (text.length > max) problems.push(`${where}: ${text.length} characters, limit ${max}`);
  };
  check('text', message.text, 40_000);
  if (message.blocks.length > LIMITS.blocks)
    problems.push(`blocks: ${message.blocks.length} blocks, limit ${LIMITS.blocks}`);
  message.blocks.forEach((block, index) => {
    const where = `blocks[${index}]`;
    switch (block.type) {
      case 'header':
        if (block.text.type !== 'plain_text') problems.push(`${where}.text: header text must be plain_text`);
        check(`${where}.text`, block.text.text, LIMITS.headerText);
        break;
      case 'section':
        if (!block.text && !block.fields?.length) problems.push(`${where}: section without text or fields`);
        if (block.text) check(`${where}.text`, block.text.text, LIMITS.sectionText);
        if ((block.fields?.length ?? 0) > LIMITS.fields)
          problems.push(`${where}.fields: ${block.fields?.length} fields, limit ${LIMITS.fields}`);
        for (const [i, field] of (block.fields ?? []).entries())
          check(`${where}.fields[${i}]`, field.text, LIMITS.fieldText);
        break;
      case 'context':
        if (block.elements.length === 0 || block.elements.length > LIMITS.contextElements)
          problems.push(
            `${where}.elements: ${block.elements.length} elements, expected 1–${LIMITS.contextElements}`,
          );
        for (const [i, element] of block.elements.entries())
          check(`${where}.elements[${i}]`, element.text, LIMITS.contextText);
        break;
      case 'divider':
        break;
    }
  });
  return problems;
}
