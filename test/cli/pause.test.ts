/**
 * `netwarden pause / resume / status` against the simulated account's Parameter Store and STS, and
 * the blast-radius budget in a state table on dynalite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { usePauseClock } from '../../cli/pause';
import { stateTableBudget } from '../../shared/aws/state-table/budget';
import { windowOf } from '../../shared/safety/budget';
import { consoleUser, GROUPS } from '../../simulated-account/index';
import { useSimulation } from '../helpers/simulation';
import { useStateTable } from '../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const PAUSED = '/netwarden/prod/paused';
const NOW = new Date('2026-12-02T11:34:10.000Z');
const ONCALL = consoleUser('oncall@example.com');
const ONCALL_ARN = String(ONCALL.userIdentity.arn);
const DEFAULT_LIMITS = { windowMs: 600_000, perAccount: 20, perGroup: 5 };
beforeEach(() => usePauseClock(() => NOW));
afterEach(() => usePauseClock(undefined));

/** `main` as on-call at the console (STS names them; Parameter Store records them as the writer). */
async function asOncall(args: string[], io: ReturnType<typeof captured>['io']): Promise<number> {
  const { result, error } = await sim.current.account.as(ONCALL, () => main(args, io));
  if (error) throw error;
  return result as number;
}

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}
const ssmWrites = () =>
  sim.current.account.calls.filter((call) => call.service === 'SSM' && call.command === 'PutParameter');

describe('netwarden pause / resume / status', () => {
  it('pause sets the stage’s parameter to "true" with the reason, status shows it, resume sets "false"', async () => {
    const paused = captured();
    expect(
      await asOncall(['pause', '--stage', 'prod', '--reason', 'storm of reverts, INC-42'], paused.io),
    ).toBe(0);
    expect(ssmWrites().map((call) => call.input)).toEqual([
      {
        Name: PAUSED,
        Value: 'true',
        Type: 'String',
        Overwrite: true,
        Description: `paused by ${ONCALL_ARN} at 2026-12-02T11:34:10.000Z: storm of reverts, INC-42`,
      },
    ]);
    expect(sim.current.ssm.get(PAUSED)).toEqual({
      value: 'true',
      type: 'String',
      description: `paused by ${ONCALL_ARN} at 2026-12-02T11:34:10.000Z: storm of reverts, INC-42`,
    });
    expect(paused.out).toEqual([
      `paused by ${ONCALL_ARN}: ${PAUSED} is "true" (storm of reverts, INC-42); every netwarden function of stage prod is in report mode within 60 s (grant-access refuses new grants; expiry still closes access)`,
    ]);

    const status = captured();
    expect(await main(['status', '--stage', 'prod'], status.io)).toBe(0);
    expect(status.out).toEqual([
      `paused: ${PAUSED} is "true"; every function is in report mode (netwarden resume --stage prod)`,
      `  since 2026-11-23T00:00:00.000Z, by ${ONCALL_ARN} (Parameter Store's record of the last write)`,
      `  note: paused by ${ONCALL_ARN} at 2026-12-02T11:34:10.000Z: storm of reverts, INC-42 (the description written with it, by whoever wrote it)`,
      'budget: window 2026-12-02T11:30:00.000Z to 2026-12-02T11:40:00.000Z (20 writes per 10m per account, 5 per group)',
      '  account 111122223333: 0 of 20 writes used; nothing held back',
    ]);
    expect(status.err).toEqual([]);

    const resumed = captured();
    expect(await asOncall(['resume', '--stage', 'prod'], resumed.io)).toBe(0);
    expect(resumed.out).toEqual([
      `resumed by ${ONCALL_ARN}: ${PAUSED} is "false"; netwarden of stage prod acts again within 60 s`,
    ]);
    expect(sim.current.ssm.get(PAUSED)?.value).toBe('false');
    const after = captured();
    await main(['status', '--stage', 'prod'], after.io);
    expect(after.out.slice(0, 3)).toEqual([
      `running (resumed): ${PAUSED} is "false"; netwarden acts as its policy says`,
      `  since 2026-11-23T00:00:00.000Z, by ${ONCALL_ARN} (Parameter Store's record of the last write)`,
      `  note: resumed by ${ONCALL_ARN} at 2026-12-02T11:34:10.000Z: netwarden acts as its policy says (the description written with it, by whoever wrote it)`,
    ]);
  });

  it('status shows the budget of the current window from the state table: writes used, groups held back', async () => {
    const { client, tableName } = table.current;
    const counter = stateTableBudget(client, tableName);
    const window = windowOf(NOW, DEFAULT_LIMITS.windowMs);
    const scope = (group: string) => ({ account: '111122223333', group });
    for (let n = 0; n < 5; n += 1) await counter.charge(scope(GROUPS.redis), window, DEFAULT_LIMITS);
    await counter.charge(scope(GROUPS.postgres), window, DEFAULT_LIMITS);
    // Another window's writes are not this window's.
    await counter.charge(
      scope(GROUPS.mysql),
      windowOf(new Date('2026-12-02T11:20:00Z'), 600_000),
      DEFAULT_LIMITS,
    );
    const status = captured();
    expect(await main(['status', '--stage', 'prod', '--state-table', tableName], status.io)).toBe(0);
    expect(status.out).toEqual([
      `running: ${PAUSED} is absent; netwarden acts as its policy says`,
      'budget: window 2026-12-02T11:30:00.000Z to 2026-12-02T11:40:00.000Z (20 writes per 10m per account, 5 per group)',
      `  account 111122223333: 6 of 20 writes used (${GROUPS.redis} 5, ${GROUPS.postgres} 1); held back: ${GROUPS.redis} (at 5), report mode until the window ends`,
    ]);
    for (let n = 0; n < 14; n += 1)
      await counter.charge(scope(`sg-0e${String(n).padStart(15, '0')}`), window, DEFAULT_LIMITS);
    const full = captured();
    await main(['status', '--stage', 'prod'], full.io);
    expect(full.out[2]).toMatch(
      /^ {2}account 111122223333: 20 of 20 writes used \(.*\); held back: every group \(the account limit is reached\), report mode until the window ends$/,
    );
  });

  it('status says the budget was not checked when the state table cannot be read, and exits 1', async () => {
    const status = captured();
    expect(await main(['status', '--stage', 'prod', '--state-table', 'no-such-table'], status.io)).toBe(1);
    expect(status.out).toEqual([`running: ${PAUSED} is absent; netwarden acts as its policy says`]);
    expect(status.err).toEqual([
      'budget: not checked, could not read no-such-table: ResourceNotFoundException',
    ]);
  });

  it('pause still pauses when STS cannot say who is calling, and says so', async () => {
    sim.current.account.failNext({
      service: 'STS',
      operation: 'GetCallerIdentity',
      fault: { code: 'AccessDenied', message: 'denied', status: 403 },
    });
    const paused = captured();
    expect(await main(['pause', '--stage', 'prod', '--reason', 'INC-43'], paused.io)).toBe(0);
    expect(sim.current.ssm.get(PAUSED)).toMatchObject({
      value: 'true',
      description:
        'paused by an unnamed caller (STS GetCallerIdentity failed: AccessDenied) at 2026-12-02T11:34:10.000Z: INC-43',
    });
  });

  it('status of a stage never paused: the parameter is absent, which is running', async () => {
    const status = captured();
    expect(await main(['status', '--stage', 'prod'], status.io)).toBe(0);
    expect(status.out).toEqual([
      `running: ${PAUSED} is absent; netwarden acts as its policy says`,
      'budget: window 2026-12-02T11:30:00.000Z to 2026-12-02T11:40:00.000Z (20 writes per 10m per account, 5 per group)',
      '  account 111122223333: 0 of 20 writes used; nothing held back',
    ]);
  });

  it('pause overwrites a parameter created beforehand (by hand or by a stack) as "false"', async () => {
    sim.current.ssm.put(PAUSED, 'false', 'String');
    expect(await main(['pause', '--stage', 'prod'], captured().io)).toBe(0);
    expect(sim.current.ssm.get(PAUSED)).toMatchObject({
      value: 'true',
      description: expect.stringMatching(
        /^paused by arn:aws:sts::111122223333:assumed-role\/netwarden-demo-ap-northeast-2-revert-sg-drift\/.* at 2026-12-02T11:34:10.000Z: no reason given$/,
      ),
    });
  });

  it('refuses a missing stage or a stray option with one line and the usage, and writes nothing', async () => {
    const noStage = captured();
    const stage = process.env.NETWARDEN_STAGE;
    delete process.env.NETWARDEN_STAGE;
    try {
      expect(await main(['pause'], noStage.io)).toBe(2);
    } finally {
      if (stage !== undefined) process.env.NETWARDEN_STAGE = stage;
    }
    expect(noStage.err).toEqual([
      `--stage needs the stage's name (letters, digits and dashes), got ""\nusage: netwarden pause --stage NAME [--reason "…"]`,
    ]);
    const stray = captured();
    expect(await main(['resume', '--stage', 'prod', '--reason', 'x'], stray.io)).toBe(2);
    expect(stray.err).toEqual(['--reason is for netwarden pause only\nusage: netwarden resume --stage NAME']);
    expect(ssmWrites()).toEqual([]);
  });

  it('says so in one line when AWS refuses the write', async () => {
    sim.current.account.failNext({
      service: 'SSM',
      operation: 'PutParameter',
      fault: {
        code: 'AccessDeniedException',
        message: 'not authorized to perform ssm:PutParameter',
        status: 400,
      },
    });
    const refused = captured();
    expect(await main(['pause', '--stage', 'prod'], refused.io)).toBe(1);
    expect(refused.err).toEqual([`could not set ${PAUSED}: AccessDeniedException`]);
  });
});
