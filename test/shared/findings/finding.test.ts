/**
 * Finding kinds are a closed list that people filter on: docs/findings.md describes exactly those
 * kinds, Slack has a layout for each, and a message with any other kind is unreadable, not a finding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notificationOf } from '../../../shared/events/alarm';
import { FINDING_KINDS, Finding } from '../../../shared/findings/finding';
import { FINDING_LAYOUT } from '../../../shared/slack/format';
import { loadEvent } from '../../../simulated-account/load-event';

const sorted = (kinds: Iterable<string>) => [...kinds].sort();

describe('FINDING_KINDS', () => {
  it('is what docs/findings.md describes, kind for kind, each once', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/findings.md'), 'utf8');
    const documented = [...doc.matchAll(/^### `([^`]+)`$/gm)].map(([, kind]) => kind ?? '');

    expect(sorted(documented)).toEqual(sorted(FINDING_KINDS));
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('lists each kind once, every one with a Slack layout', () => {
    expect(new Set(FINDING_KINDS).size).toBe(FINDING_KINDS.length);
    expect(sorted(Object.keys(FINDING_LAYOUT))).toEqual(sorted(FINDING_KINDS));
  });
});

describe('a finding of a kind outside the list', () => {
  const envelope = loadEvent<{ Message: string }>('sns/finding-guardrail-breach.json');
  const withKind = (kind: unknown) => {
    const finding = JSON.parse(envelope.Message) as Record<string, unknown>;
    return { ...envelope, Message: JSON.stringify({ ...finding, kind }) };
  };

  it('does not parse, and the schema names the kind', () => {
    const parsed = Finding.safeParse(JSON.parse(withKind('sg.revoke').Message));

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual(['unknown finding kind "sg.revoke"']);
  });

  it('reaches notify-slack as an unreadable message, not as a finding', () => {
    expect(notificationOf(JSON.stringify(withKind('sg.revoke')))).toEqual({
      type: 'unprocessable',
      reason:
        'not a netwarden finding: body.Message.kind: unknown finding kind "sg.revoke", found "sg.revoke"',
    });
    expect(notificationOf(JSON.stringify(withKind(7)))).toEqual({
      type: 'unprocessable',
      reason: 'not a netwarden finding: body.Message.kind: expected a finding kind, found 7',
    });
  });

  it('while every listed kind is read as a finding', () => {
    for (const kind of FINDING_KINDS)
      expect(notificationOf(JSON.stringify(withKind(kind))).type, kind).toBe('finding');
  });
});
