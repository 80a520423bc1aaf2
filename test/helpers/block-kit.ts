/**
 * Block Kit's documented limits, checked independently of shared/slack/blocks.ts (literal numbers
 * from Slack's reference), so a wrong constant there cannot hide a wrong payload here.
 */
import { expect } from 'vitest';
import type { SlackMessage } from '../../shared/slack/blocks';

export function expectWithinBlockKitLimits(message: SlackMessage<string>): void {
  expect(message.text.trim().length, 'top-level text fallback').toBeGreaterThan(0);
  expect(message.blocks.length, 'blocks').toBeLessThanOrEqual(50);
  for (const [index, block] of message.blocks.entries()) {
    const where = `blocks[${index}] (${block.type})`;
    if (block.type === 'header') {
      expect(block.text.type, where).toBe('plain_text');
      expect(block.text.text.length, where).toBeLessThanOrEqual(150);
      expect(block.text.text.length, where).toBeGreaterThan(0);
    }
    if (block.type === 'section') {
      expect(block.text !== undefined || (block.fields?.length ?? 0) > 0, `${where} has content`).toBe(true);
      expect(block.text?.text.length ?? 0, where).toBeLessThanOrEqual(3000);
      expect(block.fields?.length ?? 0, where).toBeLessThanOrEqual(10);
      for (const field of block.fields ?? [])
        expect(field.text.length, `${where} field`).toBeLessThanOrEqual(2000);
    }
    if (block.type === 'context') {
      expect(block.elements.length, where).toBeGreaterThan(0);
      expect(block.elements.length, where).toBeLessThanOrEqual(10);
    }
  }
}

/** Every text in the message, fallback included, for "does it say X" assertions. */
export function allText(message: SlackMessage<string>): string {
  const texts = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'header') texts.push(block.text.text);
    if (block.type === 'section')
      texts.push(block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text));
    if (block.type === 'context') texts.push(...block.elements.map((element) => element.text));
  }
  return texts.join('\n');
}

/** Every string anywhere in a payload, with its JSON path: what Slack receives, not what we meant to send. */
export function payloadStrings(value: unknown, path = '$'): Array<{ path: string; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => payloadStrings(item, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => payloadStrings(item, `${path}.${key}`));
  return [];
}

/**
 * netwarden's own markup, written out here independently of shared/slack: `<!here>` and links to the
 * AWS console. Anything else between `<` and `>`, and any `&` that is not one of Slack's three
 * entities, is outside text that reached Slack unescaped.
 */
const OWN_MARKUP = /<!here>|<https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/[^\s<>|]*\|[^<>]*>/g;

export function unescapedPlaces(message: unknown): string[] {
  const payload: unknown = JSON.parse(JSON.stringify(message));
  return payloadStrings(payload)
    .filter(({ text }) => {
      const rest = text.replace(OWN_MARKUP, '');
      return /[<>]/.test(rest) || /&(?!amp;|lt;|gt;)/.test(rest);
    })
    .map(({ path, text }) => `${path}: ${text}`);
}
