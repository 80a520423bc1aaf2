/**
 * The Block Kit subset netwarden sends, Slack's limits, and the guards around them.
 *
 * Escaped by construction: Slack parses `&`, `<` and `>` as control characters in every text it is
 * given — the top-level `text`, mrkdwn and plain_text objects alike — so an alarm name or a grant owner
 * such as `<!channel> <https://evil.example|Approve access>` would ping the channel and show a forged
 * link. Here no text reaches a block or the top-level `text` as a bare string: blocks hold `Escaped`
 * strings, and the only way to make one is a `SlackText` built by the `slack` template tag (which
 * escapes every interpolated string), `link` or `HERE`. netwarden's own markup lives in the template's
 * literal parts, so its links and `<!here>` keep working. `violations` then re-checks the finished
 * payload before a post: a `<`, `>` or `&` that is not one of netwarden's tokens or an entity stops it.
 *
 * Limits: https://api.slack.com/reference/block-kit/blocks
 */

const ESCAPED = Symbol('slack text');

/** Text ready for Slack in which everything that came from outside netwarden is escaped. */
export interface SlackText {
  readonly [ESCAPED]: string;
}

declare const escapedBrand: unique symbol;
/** A payload string that came out of a `SlackText`: a bare string cannot be put in a block by mistake. */
export type Escaped = string & { readonly [escapedBrand]: true };

export interface PlainText<T extends string = Escaped> {
  readonly type: 'plain_text';
  readonly text: T;
  readonly emoji?: boolean;
}
export interface Mrkdwn<T extends string = Escaped> {
  readonly type: 'mrkdwn';
  readonly text: T;
  /** true: Slack does not auto-link bare URLs, `#channel` names or `@here` typed as words. */
  readonly verbatim?: boolean;
}
export type TextObject<T extends string = Escaped> = PlainText<T> | Mrkdwn<T>;

/**
 * A button of app mode (shared/slack/interaction.ts builds them): its action id and value are
 * netwarden's own constants and ids, never text from the account, so they need no escaping.
 */
export interface ActionButton {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: { readonly type: 'plain_text'; readonly text: string };
  readonly value: string;
  readonly style?: 'primary' | 'danger';
}

export type Block<T extends string = Escaped> =
  | { readonly type: 'header'; readonly text: PlainText<T> }
  | { readonly type: 'actions'; readonly elements: ReadonlyArray<ActionButton> }
  | { readonly type: 'section'; readonly text?: Mrkdwn<T>; readonly fields?: ReadonlyArray<Mrkdwn<T>> }
  | { readonly type: 'context'; readonly elements: ReadonlyArray<TextObject<T>> }
  | { readonly type: 'divider' };

export interface SlackMessage<T extends string = Escaped> {
  /** The notification fallback: what push notifications and screen readers show. Always present. */
  readonly text: T;
  readonly blocks: ReadonlyArray<Block<T>>;
  /**
   * The colour bar beside the message (app mode: the blocks go inside one attachment of this colour,
   * `#rrggbb`). Absent: plain blocks, as the webhook sends them.
   */
  readonly color?: string;
  /**
   * The mentions this message may carry besides `@here` (`<!channel>`, `<@U…>`, `<!subteam^S…>`): a
   * route's, from the policy in git (shared/slack/routes.ts). Not sent; `violations` allows exactly these.
   */
  readonly mentions?: ReadonlyArray<string>;
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

// ── Making Slack text ───────────────────────────────────────────────────────────────────────────

/** Slack's three control characters as the entities Slack decodes back for display. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const make = (escaped: string): SlackText => ({ [ESCAPED]: escaped });
const isSlackText = (value: unknown): value is SlackText =>
  typeof value === 'object' && value !== null && ESCAPED in value;

/** The escaped string inside a `SlackText`, as it goes on the wire. */
export function render(text: SlackText): Escaped {
  // The one place an Escaped is made: the string was escaped when the SlackText was built.
  return text[ESCAPED] as Escaped;
}

/**
 * Slack text from a template: the literal parts are netwarden's own markup and go as written; every
 * interpolated string or number is escaped; an interpolated `SlackText` is already safe and goes as is.
 * `slack\`*Owner*\n${owner}\`` can never turn an owner into a mention or a link.
 */
export function slack(
  literals: TemplateStringsArray,
  ...values: ReadonlyArray<string | number | SlackText>
): SlackText {
  let out = literals[0] ?? '';
  values.forEach((value, index) => {
    out += isSlackText(value) ? value[ESCAPED] : escapeMrkdwn(String(value));
    out += literals[index + 1] ?? '';
  });
  return make(out);
}

/** Outside text on its own, escaped. */
export const escaped = (text: string): SlackText => make(escapeMrkdwn(text));

/** Parts joined by `separator` (itself escaped, like any string that is not a template literal). */
export function joinText(parts: ReadonlyArray<SlackText>, separator: string): SlackText {
  return make(parts.map((part) => part[ESCAPED]).join(escapeMrkdwn(separator)));
}

/** netwarden's own channel notification, the webhook's only mention. */
export const HERE: SlackText = slack`<!here>`;
/** `@channel`, for a route (the policy's slack section) that asks for it. */
export const CHANNEL: SlackText = slack`<!channel>`;

const SLACK_ID = /^[UWS][A-Z0-9]{8,}$/;

/**
 * A mention of one Slack user (`U…`, `W…`) or user group (`S…`) by id, as a route of the policy names
 * it; anything else is refused, so no text from an event can become a mention.
 */
export function mentionOf(id: string): SlackText {
  if (!SLACK_ID.test(id)) throw new Error(`not a Slack user or user group id: ${JSON.stringify(id)}`);
  return make(id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);
}

/**
 * The only pages netwarden links to: the AWS console, over https, percent-encoded, with none of the
 * characters that would end a Slack link early (`|`, `<`, `>`, `&`, spaces).
 */
const CONSOLE_URL = /^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/[A-Za-z0-9\-._~:/?#[\]@!$'()*+,;=%]*$/;

/**
 * `<url|label>` with the label escaped. A URL that is not a console page netwarden built (a region or
 * id from an event can make one up) is not linked: the label is shown alone, so no link goes unvouched.
 */
export function link(url: string, label: string | SlackText): SlackText {
  const text = isSlackText(label) ? label : escaped(label);
  return CONSOLE_URL.test(url) ? make(`<${url}|${text[ESCAPED]}>`) : text;
}

export const textLength = (text: SlackText): number => text[ESCAPED].length;

/** `text` cut to `max` characters with `marker` (escaped too), never inside a link or an entity (see `truncate`). */
export const truncateText = (text: SlackText, max: number, marker = TRUNCATED): SlackText =>
  make(truncate(text[ESCAPED], max, escapeMrkdwn(marker)));

// ── Blocks ──────────────────────────────────────────────────────────────────────────────────────

export const mrkdwn = (text: SlackText): Mrkdwn => ({ type: 'mrkdwn', text: render(text), verbatim: true });
export const plainText = (text: SlackText): PlainText => ({
  type: 'plain_text',
  text: render(text),
  emoji: true,
});
/** A header is plain_text: give it no links or mentions, they would show as written. */
export const header = (text: SlackText): Block => ({ type: 'header', text: plainText(text) });
export const section = (text: SlackText): Block => ({ type: 'section', text: mrkdwn(text) });
export const fieldsSection = (fields: ReadonlyArray<SlackText>): Block => ({
  type: 'section',
  fields: fields.map(mrkdwn),
});
export const context = (elements: ReadonlyArray<SlackText>): Block => ({
  type: 'context',
  elements: elements.map(mrkdwn),
});
export const divider: Block = { type: 'divider' };

/** A message within Slack's limits: the one way a builder finishes a message. */
export const message = (text: SlackText, blocks: ReadonlyArray<Block>): SlackMessage =>
  withinLimits({ text: render(text), blocks });

// ── Limits ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Cuts `text` to `max` characters ending in `marker`, never inside a mrkdwn link (which Slack would
 * render as garbage), inside an entity (escaping made the text longer: half an `&amp;` shows as junk)
 * or between the halves of a surrogate pair.
 */
export function truncate(text: string, max: number, marker = TRUNCATED): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - marker.length));
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  cut = cut.replace(/&[a-z]*$/, '');
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}${marker}`;
}

const DASH = render(slack`—`);
const MARK = render(slack`${TRUNCATED}`);

// Cutting escaped text at a safe point (see truncate) and appending the plain marker keeps it escaped.
const limit = (text: Escaped, max: number): Escaped =>
  truncate(text.trim().length > 0 ? text : DASH, max) as Escaped;

function limitText<T extends TextObject>(object: T, max: number): T {
  return { ...object, text: limit(object.text, max) };
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
            { ...last, text: render(slack`${make(last.text)}\n${TRUNCATED}`) },
            LIMITS.fieldText,
          );
      }
      return {
        type: 'section',
        ...(block.text ? { text: limitText(block.text, LIMITS.sectionText) } : {}),
        ...(fields && fields.length > 0 ? { fields } : {}),
        // A section needs text or fields: an empty one would make the whole payload invalid.
        ...(!block.text && !(fields && fields.length > 0) ? { text: mrkdwn(slack`—`) } : {}),
      };
    }
    case 'context': {
      const elements = block.elements.slice(0, LIMITS.contextElements);
      if (block.elements.length > LIMITS.contextElements)
        elements[LIMITS.contextElements - 1] = { type: 'mrkdwn', text: MARK, verbatim: true };
      return {
        type: 'context',
        elements: (elements.length > 0 ? elements : [mrkdwn(slack`—`)]).map((element) =>
          limitText(element, LIMITS.contextText),
        ),
      };
    }
    case 'divider':
    case 'actions':
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
      context([slack`${TRUNCATED}: ${dropped} more blocks not shown`]),
    ];
  }
  return { text: limit(message.text, LIMITS.fallbackText), blocks };
}

// ── The last check before a post ────────────────────────────────────────────────────────────────

/** What netwarden itself puts between `<` and `>`: `@here` and links to the AWS console. */
const OWN_TOKEN = /<!here>|<https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/[^\s<>|]*\|[^<>]*>/g;

/** Why `text` could make Slack do something netwarden did not write, if it could. */
function controlProblem(
  text: string,
  tokensAllowed: boolean,
  mentions: ReadonlyArray<string>,
): string | undefined {
  let rest = tokensAllowed ? text.replace(OWN_TOKEN, '') : text;
  if (tokensAllowed) for (const mention of mentions) rest = rest.replaceAll(mention, '');
  const raw = /[<>]/.exec(rest)?.[0];
  if (raw) return `unescaped "${raw}" outside netwarden's own links and @here`;
  if (/&(?!amp;|lt;|gt;)/.test(rest)) return 'unescaped "&"';
  return undefined;
}

/** Every way `message` breaks Block Kit's rules or carries unescaped text; empty means it is fit to send. */
export function violations(message: SlackMessage<string>): string[] {
  const problems: string[] = [];
  const mentions = (message.mentions ?? []).filter((token) =>
    /^(<!channel>|<@[UW][A-Z0-9]{8,}>|<!subteam\^S[A-Z0-9]{8,}>)$/.test(token),
  );
  const check = (where: string, text: string | undefined, max: number, tokensAllowed = true) => {
    if (text === undefined || text.trim().length === 0) problems.push(`${where}: empty text`);
    else if (text.length > max) problems.push(`${where}: ${text.length} characters, limit ${max}`);
    const control = text === undefined ? undefined : controlProblem(text, tokensAllowed, mentions);
    if (control) problems.push(`${where}: ${control}`);
  };
  const checkObject = (where: string, object: TextObject<string>, max: number) =>
    check(where, object.text, max, object.type === 'mrkdwn');
  check('text', message.text, 40_000);
  if (message.blocks.length > LIMITS.blocks)
    problems.push(`blocks: ${message.blocks.length} blocks, limit ${LIMITS.blocks}`);
  message.blocks.forEach((block, index) => {
    const where = `blocks[${index}]`;
    switch (block.type) {
      case 'header':
        if (block.text.type !== 'plain_text') problems.push(`${where}.text: header text must be plain_text`);
        checkObject(`${where}.text`, block.text, LIMITS.headerText);
        break;
      case 'section':
        if (!block.text && !block.fields?.length) problems.push(`${where}: section without text or fields`);
        if (block.text) checkObject(`${where}.text`, block.text, LIMITS.sectionText);
        if ((block.fields?.length ?? 0) > LIMITS.fields)
          problems.push(`${where}.fields: ${block.fields?.length} fields, limit ${LIMITS.fields}`);
        for (const [i, field] of (block.fields ?? []).entries())
          checkObject(`${where}.fields[${i}]`, field, LIMITS.fieldText);
        break;
      case 'context':
        if (block.elements.length === 0 || block.elements.length > LIMITS.contextElements)
          problems.push(
            `${where}.elements: ${block.elements.length} elements, expected 1–${LIMITS.contextElements}`,
          );
        for (const [i, element] of block.elements.entries())
          checkObject(`${where}.elements[${i}]`, element, LIMITS.contextText);
        break;
      case 'actions':
        // Slack: at most 25 elements, a button's text at most 75 characters and its value 2000.
        if (block.elements.length === 0 || block.elements.length > 25)
          problems.push(`${where}.elements: ${block.elements.length} elements, expected 1–25`);
        for (const [i, button] of block.elements.entries()) {
          if (button.text.text.length > 75) problems.push(`${where}.elements[${i}].text: over 75 characters`);
          if (button.value.length > 2000)
            problems.push(`${where}.elements[${i}].value: over 2000 characters`);
        }
        break;
      case 'divider':
        break;
    }
  });
  return problems;
}
