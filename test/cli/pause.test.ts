/** `netwarden pause / resume / status` against the simulated account's Parameter Store. */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { useSimulation } from '../helpers/simulation';

const sim = useSimulation();
const PAUSED = '/netwarden/prod/paused';

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
    expect(await main(['pause', '--stage', 'prod', '--reason', 'storm of reverts, INC-42'], paused.io)).toBe(
      0,
    );
    expect(ssmWrites().map((call) => call.input)).toEqual([
      {
        Name: PAUSED,
        Value: 'true',
        Type: 'String',
        Overwrite: true,
        Description: 'paused: storm of reverts, INC-42',
      },
    ]);
    expect(sim.current.ssm.get(PAUSED)).toEqual({
      value: 'true',
      type: 'String',
      description: 'paused: storm of reverts, INC-42',
    });
    expect(paused.out).toEqual([
      `paused: ${PAUSED} is "true" (storm of reverts, INC-42); every netwarden function of stage prod is in report mode within 60 s (grant-access refuses new grants; expiry still closes access)`,
    ]);

    const status = captured();
    expect(await main(['status', '--stage', 'prod'], status.io)).toBe(0);
    expect(status.out).toEqual([
      `paused: ${PAUSED} is "true"; every function is in report mode (netwarden resume --stage prod)`,
    ]);

    const resumed = captured();
    expect(await main(['resume', '--stage', 'prod'], resumed.io)).toBe(0);
    expect(sim.current.ssm.get(PAUSED)?.value).toBe('false');
    const after = captured();
    await main(['status', '--stage', 'prod'], after.io);
    expect(after.out).toEqual([`running: ${PAUSED} is "false"; netwarden acts as its policy says`]);
  });

  it('status of a stage never paused: the parameter is absent, which is running', async () => {
    const status = captured();
    expect(await main(['status', '--stage', 'prod'], status.io)).toBe(0);
    expect(status.out).toEqual([`running: ${PAUSED} is absent; netwarden acts as its policy says`]);
  });

  it('pause overwrites a parameter created beforehand (by hand or by a stack) as "false"', async () => {
    sim.current.ssm.put(PAUSED, 'false', 'String');
    expect(await main(['pause', '--stage', 'prod'], captured().io)).toBe(0);
    expect(sim.current.ssm.get(PAUSED)).toMatchObject({
      value: 'true',
      description: 'paused: no reason given',
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
