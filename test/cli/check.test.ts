import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { grantAccessRule } from '../../shared/grants/record';
import { ACCOUNT_ID, GROUPS } from '../../simulated-account/index';
import { useSimulation } from '../helpers/simulation';
import { useStateTable } from '../helpers/state-table';

const table = useStateTable();

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
    // The simulated state table was read: the grants part ran (and found none).
    expect(out[1]).toContain('Grants 0 active, 0 expiring today');
    expect(out.join('\n')).not.toContain('grants (state table)');
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
      'unknown check or option "monthly"\nusage: netwarden check daily|weekly [--state-table NAME] [--simulated] [--json]',
    ]);
    const second = captured();
    expect(await main(['check', 'daily', '--dry'], second.io)).toBe(2);
    const third = captured();
    expect(await main(['check', 'daily', '--state-table'], third.io)).toBe(2);
    expect(third.err).toEqual([
      '--state-table needs a table name\nusage: netwarden check daily|weekly [--state-table NAME] [--simulated] [--json]',
    ]);
  });
});

describe('netwarden check daily with the caller’s credentials', () => {
  // The simulated account stands in for AWS: nothing leaves 127.0.0.1.
  useSimulation();

  it('reads grants from the table --state-table names, with the owner the record holds', async () => {
    const owner = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/db-oncall/dave`;
    const at = new Date('2026-11-22T09:00:00Z');
    await table.current.store.putPending({
      groupId: GROUPS.postgres,
      access: grantAccessRule(GROUPS.postgres, {
        direction: 'ingress',
        protocol: 'tcp',
        fromPort: 5432,
        toPort: 5432,
        peer: { type: 'ipv4', cidr: '203.0.113.7/32' },
      }),
      owner,
      reason: 'INC-2231',
      issuedAt: at,
      // The CLI runs at the real time: a grant open for another 30 days from now.
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
      createdAt: at,
    });
    const tableName = table.current.tableName;
    delete process.env.STATE_TABLE_NAME;
    const { io, out } = captured();
    expect(await main(['check', 'daily', '--state-table', tableName], io)).toBe(0);
    expect(out.join('\n')).toContain(
      `tcp 5432 from 203.0.113.7/32 on rds-postgres-sg (${GROUPS.postgres}) for ${owner} (“INC-2231”) [pending: no rule id recorded yet]: expires `,
    );
  });

  it('without a state table reports the grants check as not run, never as no grants, and exits 1', async () => {
    delete process.env.STATE_TABLE_NAME;
    const { io, out, err } = captured();
    expect(await main(['check', 'daily'], io)).toBe(1);
    expect(err).toEqual(['the daily check is incomplete: could not run grants (state table)']);
    expect(out[1]).toContain('Grants not read (state table)');
    expect(out).toContain(
      '  • grants (state table): no state table named: pass --state-table NAME or set STATE_TABLE_NAME (netwarden-<stage>-state)',
    );
    expect(out.join('\n')).not.toContain('all clear');
  });
});
