/**
 * `npm start -- slack-app` (issue 17): a revert posted by notify-slack in app mode with its Undo
 * button; alice's press, signed v0 with the demo's signing secret, goes through slack-interact's real
 * handler and re-opens the rule as a grant; the press is threaded under the revert, whose first
 * message chat.update rewrites; a forged press is refused 401 having done nothing. The clock (Date
 * only) is fixed, so the signature's timestamp and the grant's expiry are the same on every run.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-02T11:33:20.000Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

it('the slack-app story: a thread under the revert, a real signed press that acts, a forged one refused', async () => {
  const out: string[] = [];
  const code = await main(['demo', 'slack-app'], {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
  });
  const text = out.join('\n');
  expect(code).toBe(0);
  // No JSON log line leaks into the demo's output.
  expect(out.filter((line) => line.trimStart().startsWith('{'))).toEqual([]);

  // The revert opens the story in the routed channel, with its Undo button.
  expect(text).toContain(
    'finding [sg.drift, acted]: Drift on sg-0db00000000005432: tcp 5432 from 10.77.0.0/16 revoked',
  );
  const [, revert = '', press = '', forged = '', channel = ''] = text.split('\n▶ ');
  expect(revert).toContain('WRITE EC2.RevokeSecurityGroupIngress {"GroupId":"sg-0db00000000005432"');
  expect(revert).toContain('notify-slack (app mode): chat.postMessage C0DBONCALL01; 0 failed');

  // The press: verified, then exactly one Authorize of the revoked rule, as a grant that expires.
  expect(press).toMatch(/^alice \(Slack U012ABCDEF\) presses “netwarden:undo” on the revert: signed v0/);
  expect(press).toContain('→ HTTP 200');
  expect(press.match(/WRITE /g)).toEqual(['WRITE ']);
  expect(press).toContain(
    'WRITE EC2.AuthorizeSecurityGroupIngress {"GroupId":"sg-0db00000000005432","IpPermissions":[{"IpProtocol":"tcp","FromPort":5432,"ToPort":5432,"IpRanges":[{"CidrIp":"10.77.0.0/16"}]}]',
  );
  expect([...press.matchAll(/finding \[([a-z.]+), ([a-z-]+)\]/g)].map(([, k, o]) => `${k}:${o}`)).toEqual([
    'grant.created:acted',
    'slack.pressed:acted',
  ]);
  expect(press).toContain('for slack:alice (U012ABCDEF) until 2026-12-02T12:33:20Z');
  expect(press).toMatch(/ephemeral to U012ABCDEF: Done: re-opened tcp 5432 from 10\.77\.0\.0\/16 on sg-/);
  // The press claimed, the grant recorded, the write journaled and charged: the table changed.
  expect(press).toMatch(/Slack calls: 1; state table: [1-9]\d* new, \d+ changed, 0 deleted/);
  expect(press).toContain(
    'notify-slack (app mode): chat.postMessage C0DBONCALL01, chat.postMessage C0DBONCALL01 (in thread), chat.update C0DBONCALL01; 0 failed',
  );

  // The forgery: refused before anything is read or written.
  expect(forged).toMatch(/^the same press, forged: signed with a secret that is not the app’s/);
  expect(forged).toContain('→ HTTP 401: not a verified Slack request');
  expect(forged).toContain('AWS calls: none');
  expect(forged).toContain('finding: none');
  expect(forged).toMatch(/Slack calls: 0; state table: unchanged \(\d+ items\)\n/);

  // The channel as a reader sees it: the revert's message updated, the press in its thread, the
  // grant as its own story with its buttons.
  const lines = channel.split('\n');
  expect(lines[0]).toBe('Slack as on-call reads it: #C0DBONCALL01');
  const parent = lines.findIndex((line) => line.startsWith('  ┌ notification: [undo by alice'));
  expect(parent).toBeGreaterThan(0);
  expect(lines[parent]).toMatch(
    /^ {2}┌ notification: \[undo by alice \(Slack U012ABCDEF\)\] Undo pressed in Slack: re-opened tcp 5432 from 10\.77\.0\.0\/16 on rds-postgres \(sg-0db…\) as grant sgr-[0-9a-f]+ until 2026-12-02 21:33:20 GMT\+9$/,
  );
  expect(lines).toContain('  │ ➡️ Now: undo by alice (Slack U012ABCDEF) · every step is in the thread');
  expect(lines).toContain(
    '  (updated 1× with chat.update; first posted as: Drift on rds-postgres (sg-0db…): tcp 5432 from 10.77.0.0/16 revoked)',
  );
  const thread = lines.indexOf('  1 reply in the thread:');
  expect(thread).toBeGreaterThan(parent);
  expect(lines[thread + 1]).toMatch(/^ {6}┌ notification: Undo pressed in Slack: re-opened tcp 5432/);
  const grant = lines.findIndex((line) => line.startsWith('  ┌ notification: Temporary access granted'));
  expect(grant).toBeGreaterThan(thread);
  expect(lines.slice(grant)).toContain('  │ [ Extend 1h ] [ Revoke now ]');
});
