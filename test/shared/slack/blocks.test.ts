import { describe, expect, it } from 'vitest';
import {
  type Block,
  escapeMrkdwn,
  TRUNCATED,
  truncate,
  violations,
  withinLimits,
} from '../../../shared/slack/blocks';
import { expectWithinBlockKitLimits } from '../../helpers/block-kit';

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('truncate', () => {
  it('leaves text within the limit alone', () => {
    expect(truncate('short', 10)).toBe('short');
  });

  it('cuts to exactly the limit, ending with the visible marker', () => {
    const cut = truncate('x'.repeat(4000), 3000);
    expect(cut).toHaveLength(3000);
    expect(cut.endsWith(TRUNCATED)).toBe(true);
  });

  it('never leaves half a mrkdwn link or entity', () => {
    const text = `${'a'.repeat(20)} <https://example.com/very/long/path|label> &amp; more`;
    const cut = truncate(text, 40);
    expect(cut).toBe(`${'a'.repeat(20)} ${TRUNCATED}`);
    expect(truncate(`${'a'.repeat(20)}&amp;bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb`, 36)).toBe(
      `${'a'.repeat(20)}${TRUNCATED}`,
    );
  });

  it('never splits a surrogate pair', () => {
    const cut = truncate(`${'a'.repeat(6)}🔴🔴🔴🔴🔴🔴🔴🔴🔴`, 20);
    // 20 - 13 marker characters = 7: six letters and the first half of 🔴, which must go.
    expect(cut).toBe(`aaaaaa${TRUNCATED}`);
  });
});

describe('withinLimits', () => {
  it('truncates long header, section, field and context texts with the marker', () => {
    const message = withinLimits({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'H'.repeat(200) } },
        section('S'.repeat(5000)),
        {
          type: 'section',
          fields: Array.from({ length: 12 }, () => ({ type: 'mrkdwn' as const, text: 'F'.repeat(2500) })),
        },
        {
          type: 'context',
          elements: Array.from({ length: 12 }, () => ({ type: 'mrkdwn' as const, text: 'c' })),
        },
      ],
    });

    expectWithinBlockKitLimits(message);
    expect(violations(message)).toEqual([]);
    const [header, text, fields, context] = message.blocks;
    expect(header?.type === 'header' && header.text.text.endsWith(TRUNCATED)).toBe(true);
    expect(text?.type === 'section' && text.text?.text.endsWith(TRUNCATED)).toBe(true);
    expect(fields?.type === 'section' && fields.fields?.length).toBe(10);
    expect(fields?.type === 'section' && fields.fields?.at(-1)?.text.endsWith(TRUNCATED)).toBe(true);
    expect(context?.type === 'context' && context.elements.at(-1)?.text).toBe(TRUNCATED);
  });

  it('keeps 49 of 60 blocks and says how many more there were', () => {
    const message = withinLimits({
      text: 'x',
      blocks: Array.from({ length: 60 }, (_, i) => section(`block ${i}`)),
    });

    expect(message.blocks).toHaveLength(50);
    const last = message.blocks.at(-1);
    expect(last?.type === 'context' && last.elements[0]?.text).toBe(`${TRUNCATED}: 11 more blocks not shown`);
  });

  it('fills empty texts so the payload stays valid (Slack rejects empty text)', () => {
    const message = withinLimits({ text: ' ', blocks: [section(''), { type: 'section' }] });
    expect(violations(message)).toEqual([]);
    expect(message.text).toBe('—');
  });
});

describe('violations', () => {
  it('names each broken limit', () => {
    expect(
      violations({
        text: '',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'H'.repeat(151) } },
          section('S'.repeat(3001)),
          { type: 'section' },
          { type: 'context', elements: [] },
        ],
      }),
    ).toEqual([
      'text: empty text',
      'blocks[0].text: 151 characters, limit 150',
      'blocks[1].text: 3001 characters, limit 3000',
      'blocks[2]: section without text or fields',
      'blocks[3].elements: 0 elements, expected 1–10',
    ]);
  });

  it('counts blocks', () => {
    expect(
      violations({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' as const })) }),
    ).toEqual(['blocks: 51 blocks, limit 50']);
  });
});

it('escapes Slack control characters', () => {
  expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
});
