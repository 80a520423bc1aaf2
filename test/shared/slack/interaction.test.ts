/** The buttons netwarden puts on a message, and a verified payload read back as a press: references only. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/findings/finding';
import { buttonsFor, pressKey, readInteraction } from '../../../shared/slack/interaction';

const finding = (over: Partial<Finding>): Finding => ({
  kind: 'sg.drift',
  severity: 'warning',
  title: 't',
  mode: 'enforce',
  outcome: 'acted',
  time: '2026-12-02T00:00:00.000Z',
  eventId: '6f1c2a4e-1b2c-4d5e-8f90-0123456789ab',
  why: 'w',
  actions: ['RevokeSecurityGroupIngress sg-0db00000000005432 sgr-0123456789abcdef0'],
  ...over,
});

describe('buttonsFor', () => {
  it('puts Undo on a revert netwarden made, by its event id, and nothing on one it only reported', () => {
    expect(buttonsFor(finding({})).map((b) => [b.action_id, b.value])).toEqual([
      ['netwarden:undo', '6f1c2a4e-1b2c-4d5e-8f90-0123456789ab'],
    ]);
    expect(buttonsFor(finding({ outcome: 'would-act', mode: 'report' }))).toEqual([]);
    expect(buttonsFor(finding({ actions: [] }))).toEqual([]);
  });

  it('puts Extend 1h and Revoke now on a grant, by its rule id', () => {
    const grant = finding({
      kind: 'grant.created',
      rules: [{ summary: 'tcp 5432 from 203.0.113.7/32', ruleId: 'sgr-0123456789abcdef0' }],
    });
    expect(buttonsFor(grant).map((b) => [b.action_id, b.text.text, b.value])).toEqual([
      ['netwarden:extend', 'Extend 1h', 'sgr-0123456789abcdef0'],
      ['netwarden:revoke', 'Revoke now', 'sgr-0123456789abcdef0'],
    ]);
  });
});

describe('readInteraction', () => {
  const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) });
  const press = {
    type: 'block_actions',
    user: { id: 'U012ABCDEF' },
    container: { message_ts: '1750000001.000100', channel_id: 'C0DBONCALL01' },
    actions: [{ action_id: 'netwarden:revoke', value: 'sgr-0123456789abcdef0' }],
  };

  it('reads the Slack user, the message and the reference, and keys the press by message and button', () => {
    const read = readInteraction(form(press));
    expect(read).toEqual({
      ok: true,
      press: {
        userId: 'U012ABCDEF',
        channel: 'C0DBONCALL01',
        messageTs: '1750000001.000100',
        pressed: { action: 'revoke', ruleId: 'sgr-0123456789abcdef0' },
      },
    });
    if (read.ok)
      expect(pressKey(read.press)).toBe('C0DBONCALL01#1750000001.000100#revoke#sgr-0123456789abcdef0');
  });

  it('refuses a value that is no reference, another app’s button and a body without a payload', () => {
    expect(
      readInteraction(form({ ...press, actions: [{ action_id: 'netwarden:revoke', value: 'sg-1 OR 1=1' }] })),
    ).toEqual({
      ok: false,
      reason: 'action netwarden:revoke is not a netwarden button',
    });
    expect(
      readInteraction(form({ ...press, actions: [{ action_id: 'approve', value: 'x' }] })),
    ).toMatchObject({ ok: false });
    expect(readInteraction(new URLSearchParams({ command: '/netwarden' }))).toEqual({
      ok: false,
      reason: 'no payload field: not an interaction',
    });
  });
});
