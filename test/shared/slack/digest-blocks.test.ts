import { describe, expect, it } from 'vitest';
import { type Digest, section } from '../../../shared/audits/digest';
import { checkFinding } from '../../../shared/audits/findings';
import { auditAccount } from '../../../shared/audits/security-group-audit';
import { weeklyDigest } from '../../../shared/audits/weekly-digest';
import { parsePolicy } from '../../../shared/policy/load';
import type { Block } from '../../../shared/slack/blocks';
import { digestBlocks, SLACK_LIMITS } from '../../../shared/slack/digest-blocks';
import { expectWithinBlockKitLimits, unescapedPlaces } from '../../helpers/block-kit';
import { syntheticAccount } from '../../helpers/synthetic-account';

const digestOf = (overrides: Partial<Digest> = {}): Digest => ({
  check: 'weekly',
  title: 'Weekly check 2026-11-23',
  counts: [{ label: 'SG audit', value: '3 findings', status: 'warning' }],
  sections: [],
  allClear: 'all clear',
  ...overrides,
});
const textOf = (block: Block) =>
  block.type === 'section' || block.type === 'header'
    ? (block.text?.text ?? '')
    : block.type === 'context'
      ? (block.elements[0]?.text ?? '')
      : '';

describe('digestBlocks', () => {
  it('says a clean digest in one block, with the same line as the notification text', () => {
    const message = digestBlocks(digestOf());
    expect(message).toEqual({
      text: 'Weekly check 2026-11-23: all clear',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':white_check_mark: Weekly check 2026-11-23: all clear',
            verbatim: true,
          },
        },
      ],
    });
  });

  it('puts the counts first, then each section with its items', () => {
    const message = digestBlocks(
      digestOf({
        sections: [
          section('Guardrail breaches', 'critical', ['sg-1 tcp 5432 from 0.0.0.0/0']) ?? {
            title: '',
            severity: 'info',
            items: [],
            omitted: 0,
          },
        ],
      }),
    );
    expect(message.text).toBe('Weekly check 2026-11-23: SG audit 3 findings');
    expect(message.blocks.map((block) => [block.type, textOf(block)])).toEqual([
      ['header', 'Weekly check 2026-11-23'],
      ['section', ':warning: SG audit *3 findings*'],
      ['divider', ''],
      ['section', ':red_circle: *Guardrail breaches* (1)\n• sg-1 tcp 5432 from 0.0.0.0/0'],
    ]);
  });

  it('stays within 50 blocks, 3,000 characters per section and 150 per header, and marks what it cut', () => {
    const long = (index: number) => `rule ${index} ${'x'.repeat(180)}`;
    const digest = digestOf({
      title: `Weekly check ${'very long title '.repeat(20)}`,
      sections: Array.from({ length: 30 }, (_, index) => ({
        title: `Section ${index}`,
        severity: 'warning' as const,
        items: Array.from({ length: 40 }, (_, item) => long(item)),
        omitted: 5,
      })),
    });
    const message = digestBlocks(digest);
    expect(message.blocks.length).toBe(SLACK_LIMITS.blocks);
    for (const block of message.blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
      if (block.type === 'section') expect(block.text?.text.length).toBeLessThanOrEqual(3000);
    }
    const last = message.blocks.at(-1);
    expect(last?.type).toBe('context');
    expect(textOf(last as Block)).toMatch(
      /^:scissors: \d+ more blocks cut to fit Slack's limit — run `npx netwarden check weekly` for everything\./,
    );
    expect(message.text).toBe(`${digest.title}: SG audit 3 findings`);
  });

  it('cuts one overlong item visibly and says how many items were left out', () => {
    const message = digestBlocks(
      digestOf({ sections: [{ title: 'Long', severity: 'info', items: ['y'.repeat(5000)], omitted: 7 }] }),
    );
    const body = textOf(message.blocks[3] as Block);
    expect(body).toContain(`${'y'.repeat(998)}…`);
    expect(body).not.toContain('y'.repeat(1000));
    expect(body).toContain('_… and 7 more (run the check from the CLI for the full list)_');
  });

  it('escapes &, < and > so a summary never becomes a Slack link', () => {
    const message = digestBlocks(
      digestOf({ sections: [{ title: 'T', severity: 'info', items: ['<!channel>'], omitted: 0 }] }),
    );
    expect(textOf(message.blocks[3] as Block)).toContain('• &lt;!channel&gt;');
  });

  // Group names, rule descriptions, owners and alarm names reach a digest from anyone in the account.
  const hostile = (where: string) => `<!channel> <https://evil.example|Approve ${where}> & co`;
  const shown = (where: string) => `&lt;!channel&gt; &lt;https://evil.example|Approve ${where}&gt; &amp; co`;

  it('escapes outside text in every place of the payload, the top-level text and header included', () => {
    const digest = digestOf({
      title: hostile('title'),
      counts: [{ label: hostile('label'), value: hostile('value'), status: 'critical' }],
      sections: [{ title: hostile('section'), severity: 'critical', items: [hostile('item')], omitted: 0 }],
    });

    const message = digestBlocks(digest, { here: true });

    expect(unescapedPlaces(message)).toEqual([]);
    expectWithinBlockKitLimits(message);
    expect(message.text).toBe(`<!here> ${shown('title')}: ${shown('label')} ${shown('value')}`);
    const texts = message.blocks.map(textOf);
    expect(texts[0]).toBe(shown('title'));
    for (const where of ['label', 'value', 'section', 'item'])
      expect(texts.join('\n')).toContain(shown(where));
  });

  it("escapes a clean day's line too, in the block and in the top-level text", () => {
    const message = digestBlocks(digestOf({ title: hostile('title'), allClear: hostile('all clear') }));

    expect(unescapedPlaces(message)).toEqual([]);
    expect(message.text).toBe(`${shown('title')}: ${shown('all clear')}`);
  });

  it('escapes the counts repeated in the cut marker, and keeps every limit after escaping', () => {
    const digest = digestOf({
      title: '<'.repeat(400),
      counts: [{ label: hostile('label'), value: '&'.repeat(50), status: 'warning' }],
      sections: Array.from({ length: 60 }, (_, index) => ({
        title: `${'>'.repeat(50)} ${index}`,
        severity: 'warning' as const,
        items: Array.from({ length: 5 }, () => '<'.repeat(900)),
        omitted: 0,
      })),
    });

    const message = digestBlocks(digest);

    expect(unescapedPlaces(message)).toEqual([]);
    expectWithinBlockKitLimits(message);
    expect(textOf(message.blocks.at(-1) as Block)).toContain(shown('label'));
  });
});

describe('the published weekly finding', () => {
  // CPU-bound work on 150,000 rules: on two cores shared with other jobs it takes far longer than
  // vitest's default 5 s, which says nothing about the code. The limit here only stops a hang.
  it('stays far below the SNS limit (256 KB) for an audit of 150,000 rules', { timeout: 120_000 }, () => {
    const account = syntheticAccount({ groups: 2500, rulesPerGroup: 60 });
    const audit = auditAccount({ ...account, staleReferences: [] });
    const digest = weeklyDigest({
      now: new Date('2026-11-23T00:00:00Z'),
      settings: parsePolicy('version: 1').checks,
      audit,
      baselineProblems: [],
      nlbs: [],
      certificates: [],
      targetGroups: [],
      failures: [],
    });
    const size = Buffer.byteLength(JSON.stringify(checkFinding(digest, new Date())));
    expect(size).toBeLessThan(128 * 1024);
    expect(
      digest.sections.find((entry) => entry.title === 'Drift: rules not in the baseline')?.omitted,
    ).toBeGreaterThan(10_000);
  });
});
