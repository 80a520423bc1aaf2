/**
 * `npm start -- storm`: a deploy role missing from trustedPrincipals adds 12 rules to one group;
 * exactly the budget's 5 writes are made, one budget finding, the other 7 held back; pause, status,
 * undo --since and resume; the group's rules after the undo are those the deploy left. The clock (Date
 * only) is fixed mid-window, so a budget window never ends halfway through, however slow the machine.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-02T11:33:20.000Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

it('the storm story: the budget’s writes, one budget finding, the rest held back, then undone exactly', async () => {
  const out: string[] = [];
  const code = await main(['demo', 'storm'], {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
  });
  const text = out.join('\n');
  expect(code).toBe(0);

  const group = 'sg-0db00000000006379';
  expect(text).toContain(`  ${group}: 1 rule before the deploy, 13 after it`);
  expect(text).toContain(`  5 writes made: EC2.RevokeSecurityGroupIngress × 5 on ${group}`);
  expect(text).toContain('  findings: sg.drift acted 5, held back (would-act, budget note) 7');
  expect(text.match(/finding \[safety\.budget-exhausted, no-action\]/g)).toHaveLength(1);
  expect(text).toContain(
    `finding [safety.budget-exhausted, no-action]: Blast-radius budget used up (5 writes per 10m on ${group}): report mode until 2026-12-02T11:40:00.000Z`,
  );
  expect(text).toContain(`  first held back: Drift on ${group}: tcp 6379 from 10.77.6.0/24 would be revoked`);

  const oncall =
    'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/oncall@example.com';
  expect(text).toContain(`\n  paused by ${oncall}: /netwarden/demo/paused is "true"`);
  expect(text).toContain(
    `    since 2026-12-02T11:33:20.000Z, by ${oncall} (Parameter Store's record of the last write)`,
  );
  expect(text).toContain(
    `    account 111122223333: 5 of 20 writes used (${group} 5); held back: ${group} (at 5), report mode until the window ends`,
  );
  expect(text).toContain(
    `  undo of the last 15m on ${group}: 5 to reverse, 0 left as they are (newest first)`,
  );
  expect(text).toMatch(/ {2}undone: 5 reversals \(undo-[0-9a-f-]+\)/);
  expect(text).toContain(
    '  published: 5 safety.undone findings to netwarden-demo-findings, one per reversal (on to notify-slack)',
  );
  expect(text).toContain(`\n  resumed by ${oncall}: /netwarden/demo/paused is "false"`);
  expect(text).toContain(
    `▶ ${group} compared: 13 rules after the deploy, 8 after netwarden, 13 after the undo: exactly the rules the deploy left`,
  );
});
