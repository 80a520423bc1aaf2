import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

describe('netwarden check', () => {
  it('prints the daily digest of the simulated account', async () => {
    const { io, out, err } = captured();
    expect(await main(['check', 'daily', '--simulated'], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toBe('Daily check 2026-11-23');
    expect(out).toContain('[critical] Alarms in ALARM (1)');
  });

  it('prints the weekly digest as JSON with --json', async () => {
    const { io, out } = captured();
    expect(await main(['check', 'weekly', '--simulated', '--json'], io)).toBe(0);
    const digest = JSON.parse(out.join('\n'));
    expect(digest).toMatchObject({ check: 'weekly', title: 'Weekly check 2026-11-23' });
  });

  it('refuses an unknown check or option with the usage', async () => {
    const { io, err } = captured();
    expect(await main(['check', 'monthly'], io)).toBe(2);
    expect(err).toEqual([
      'unknown check or option "monthly"\nusage: netwarden check daily|weekly [--simulated] [--json]',
    ]);
    const second = captured();
    expect(await main(['check', 'daily', '--dry'], second.io)).toBe(2);
  });
});
