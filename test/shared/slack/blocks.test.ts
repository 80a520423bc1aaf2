import { describe, expect, it } from 'vitest';
import {
  type Block,
  context,
  escaped,
  escapeMrkdwn,
  fieldsSection,
  HERE,
  header,
  joinText,
  link,
  message,
  render,
  type SlackMessage,
  section,
  slack,
  TRUNCATED,
  truncate,
  truncateText,
  violations,
} from '../../../shared/slack/blocks';
import { expectWithinBlockKitLimits, unescapedPlaces } from '../../helpers/block-kit';

const text = (value: string) => section(slack`${value}`);
const HOSTILE = '<!channel> <https://evil.example|Approve access> & more';
const HOSTILE_ESCAPED = '&lt;!channel&gt; &lt;https://evil.example|Approve access&gt; &amp; more';

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
    const cut = message(slack`fallback`, [
      header(slack`${'H'.repeat(200)}`),
      text('S'.repeat(5000)),
      fieldsSection(Array.from({ length: 12 }, () => slack`${'F'.repeat(2500)}`)),
      context(Array.from({ length: 12 }, () => slack`c`)),
    ]);

    expectWithinBlockKitLimits(cut);
    expect(violations(cut)).toEqual([]);
    const [title, body, fields, notes] = cut.blocks;
    expect(title?.type === 'header' && title.text.text.endsWith(TRUNCATED)).toBe(true);
    expect(body?.type === 'section' && body.text?.text.endsWith(TRUNCATED)).toBe(true);
    expect(fields?.type === 'section' && fields.fields?.length).toBe(10);
    expect(fields?.type === 'section' && fields.fields?.at(-1)?.text.endsWith(TRUNCATED)).toBe(true);
    expect(notes?.type === 'context' && notes.elements.at(-1)?.text).toBe(TRUNCATED);
  });

  it('keeps 49 of 60 blocks and says how many more there were', () => {
    const cut = message(
      slack`x`,
      Array.from({ length: 60 }, (_, i) => text(`block ${i}`)),
    );

    expect(cut.blocks).toHaveLength(50);
    const last = cut.blocks.at(-1);
    expect(last?.type === 'context' && last.elements[0]?.text).toBe(`${TRUNCATED}: 11 more blocks not shown`);
  });

  it('fills empty texts so the payload stays valid (Slack rejects empty text)', () => {
    const filled = message(slack` `, [text(''), { type: 'section' }]);
    expect(violations(filled)).toEqual([]);
    expect(filled.text).toBe('—');
  });
});

describe('violations', () => {
  it('names each broken limit', () => {
    expect(
      violations({
        text: '',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'H'.repeat(151) } },
          { type: 'section', text: { type: 'mrkdwn', text: 'S'.repeat(3001) } },
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

describe('Slack text, escaped by construction', () => {
  it("escapes every interpolated string and keeps the template's own markup", () => {
    const owner = HOSTILE;
    expect(render(slack`${HERE} *Owner* ${owner}`)).toBe(`<!here> *Owner* ${HOSTILE_ESCAPED}`);
    expect(render(escaped(HOSTILE))).toBe(HOSTILE_ESCAPED);
  });

  it('never escapes Slack text twice, so composed pieces read the same', () => {
    const inner = slack`${'a < b'}`;
    expect(render(slack`[${inner}]`)).toBe('[a &lt; b]');
    expect(render(joinText([inner, escaped('c & d')], ' > '))).toBe('a &lt; b &gt; c &amp; d');
  });

  it('escapes text that already looks escaped, so it shows as typed', () => {
    expect(render(escaped('&lt;!channel&gt;'))).toBe('&amp;lt;!channel&amp;gt;');
  });

  it("links to netwarden's own URLs with the label escaped", () => {
    expect(
      render(link('https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#x', HOSTILE)),
    ).toBe(`<https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#x|${HOSTILE_ESCAPED}>`);
  });

  it('shows the label alone for a URL that is not a console page or could end the link early', () => {
    for (const url of [
      'https://<!channel>.console.aws.amazon.com/ec2',
      'https://evil.example/',
      'https://eu-west-1.console.aws.amazon.com.evil.example/',
      'https://eu-west-1.console.aws.amazon.com/x|Approve',
      'https://eu-west-1.console.aws.amazon.com/x>y',
      'https://eu-west-1.console.aws.amazon.com/a b',
      'https://eu-west-1.console.aws.amazon.com/?a=1&b=2',
      'javascript:alert(1)',
      'http://eu-west-1.console.aws.amazon.com/',
    ])
      expect(render(link(url, 'label <x>'))).toBe('label &lt;x&gt;');
  });

  it('marks mrkdwn objects verbatim: a bare URL or @channel typed as words is not auto-parsed', () => {
    const block = section(slack`${'see https://evil.example @channel'}`);
    expect(block).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'see https://evil.example @channel', verbatim: true },
    });
  });

  it('escapes plain_text too: Slack decodes the three entities in every text object', () => {
    expect(header(slack`${HOSTILE}`)).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: HOSTILE_ESCAPED, emoji: true },
    });
  });

  it('cuts escaped text on an entity boundary, never in the middle of one', () => {
    const cut = truncateText(escaped('<'.repeat(100)), 50);
    expect(render(cut)).toBe(`${'&lt;'.repeat(9)}${TRUNCATED}`);
    for (const max of [20, 21, 22, 23]) {
      const rendered = render(truncateText(escaped('&'.repeat(40)), max));
      expect(rendered.replaceAll('&amp;', '')).toBe(TRUNCATED);
      expect(rendered.length).toBeLessThanOrEqual(max);
    }
  });

  it('keeps every limit after escaping made a text longer, with no half entity anywhere', () => {
    const long = '<'.repeat(3000);
    const cut = message(slack`${long}`, [
      header(slack`${long}`),
      text(long),
      fieldsSection([slack`${long}`]),
      context([slack`${long}`]),
    ]);
    expectWithinBlockKitLimits(cut);
    expect(violations(cut)).toEqual([]);
    expect(unescapedPlaces(cut)).toEqual([]);
  });
});

describe('violations: the last check before a post', () => {
  const raw = (text: string, blocks: ReadonlyArray<Block<string>> = []): SlackMessage<string> => ({
    text,
    blocks,
  });

  it("accepts netwarden's own @here and links, and escaped text", () => {
    expect(
      violations(
        raw('<!here> a &amp; b', [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: '<https://us-east-1.console.aws.amazon.com/ec2|a &lt;b&gt;> &amp;',
            },
          },
        ]),
      ),
    ).toEqual([]);
  });

  it('refuses outside markup anywhere: top-level text, mrkdwn, plain_text, fields and context', () => {
    expect(
      violations(
        raw('<!channel> alert', [
          { type: 'header', text: { type: 'plain_text', text: '<!here> in a header' } },
          { type: 'section', text: { type: 'mrkdwn', text: '<https://evil.example|Approve access>' } },
          { type: 'section', fields: [{ type: 'mrkdwn', text: 'a & b' }] },
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'x > y' }] },
          { type: 'section', text: { type: 'mrkdwn', text: '<@U012AB3CD>' } },
        ]),
      ),
    ).toEqual([
      'text: unescaped "<" outside netwarden\'s own links and @here',
      'blocks[0].text: unescaped "<" outside netwarden\'s own links and @here',
      'blocks[1].text: unescaped "<" outside netwarden\'s own links and @here',
      'blocks[2].fields[0]: unescaped "&"',
      'blocks[3].elements[0]: unescaped ">" outside netwarden\'s own links and @here',
      'blocks[4].text: unescaped "<" outside netwarden\'s own links and @here',
    ]);
  });
});
