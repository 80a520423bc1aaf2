/**
 * `netwarden grant | grants | revoke --simulated`, called through main(argv, io) with captured output.
 * The CLI runs the same use cases as the Lambdas against the simulated account and its clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useSimulation as useCliSimulation } from '../../cli/grants';
import { main } from '../../cli/main';
import { findingsOf, useSimulation } from '../helpers/simulation';
import { GROUPS } from '../simulated-account/index';

const sim = useSimulation();
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const saved = { ...process.env };

beforeEach(() => {
  useCliSimulation(sim.current);
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY;
  process.env.AWS_SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN';
  process.env.USER = 'carol';
});
afterEach(() => {
  useCliSimulation(undefined);
  process.env = { ...saved };
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const GRANT = [
  'grant',
  '--group',
  GROUPS.postgres,
  '--port',
  '5432',
  '--cidr',
  '203.0.113.7/32',
  '--ttl',
  '2h',
  '--reason',
  'INC-4821 replication lag',
  '--simulated',
];

function expectNothingSecret(text: string) {
  for (const secret of [
    SECRET,
    ACCESS_KEY,
    'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
    'SecretAccessKey',
    'SessionToken',
  ])
    expect(text).not.toContain(secret);
}

describe('netwarden grant', () => {
  it('prints the created grant’s rule id and expiry, and nothing secret', async () => {
    const { code, out, err } = await cli(...GRANT);

    const created = [...sim.current.sg.rules.values()].find((rule) => rule.CidrIpv4 === '203.0.113.7/32');
    expect(code).toBe(0);
    expect(out).toContain(`rule id: ${created?.SecurityGroupRuleId}`);
    expect(out).toContain('expires: 2026-11-23T02:00:00Z (in 2h)');
    expect(out).toContain(`granted: tcp 5432 from 203.0.113.7/32 on ${GROUPS.postgres}`);
    expectNothingSecret(`${out}\n${err}`);
  });

  it('defaults the owner to $USER, and --owner overrides it', async () => {
    await cli(...GRANT);
    await cli(...GRANT, '--owner', 'dave@example.com');
    expect(findingsOf(sim.current).map((finding) => finding.details?.owner)).toEqual([
      'carol',
      'dave@example.com',
    ]);
  });

  it('exits non-zero with the validation messages for a rejected grant, and writes nothing', async () => {
    const { code, out, err } = await cli(
      'grant',
      '--group',
      GROUPS.postgres,
      '--port',
      '22',
      '--cidr',
      '0.0.0.0/0',
      '--ttl',
      '9h',
      '--reason',
      'debug',
      '--simulated',
    );

    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(
      [
        'grant rejected:',
        '  - port 22 is not grantable',
        '  - cidr 0.0.0.0/0 is not allowed',
        '  - ttl 9h exceeds maxTtl 8h',
      ].join('\n'),
    );
    expect(sim.current.account.writes().filter((call) => call.service === 'EC2')).toEqual([]);
    expectNothingSecret(err);
  });

  it('exits 2 on an unknown option', async () => {
    const { code, err } = await cli('grant', '--grop', GROUPS.postgres, '--simulated');
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--grop'");
  });
});

describe('netwarden grants', () => {
  it('lists active grants with the time left', async () => {
    await cli(...GRANT);
    sim.current.account.clock.advance(30 * 60_000);

    const { code, out } = await cli('grants', '--simulated');

    expect(code).toBe(0);
    expect(out).toMatch(
      new RegExp(
        `^sgr-[0-9a-f]+  ${GROUPS.postgres}  tcp 5432 from 203\\.0\\.113\\.7/32  owner carol  expires 2026-11-23T02:00:00Z \\(1h30m left\\)  "INC-4821 replication lag"$`,
      ),
    );
  });

  it('says so when there are none', async () => {
    expect(await cli('grants', '--simulated')).toMatchObject({ code: 0, out: 'no active grants' });
  });
});

describe('netwarden revoke', () => {
  it('revokes a grant now and publishes grant.revoked', async () => {
    await cli(...GRANT);
    const ruleId =
      [...sim.current.sg.rules.values()].find((rule) => rule.CidrIpv4 === '203.0.113.7/32')
        ?.SecurityGroupRuleId ?? '';

    const { code, out } = await cli('revoke', ruleId, '--simulated');

    expect(code).toBe(0);
    expect(out).toBe(`revoked: ${ruleId} (tcp 5432 from 203.0.113.7/32 on ${GROUPS.postgres})`);
    expect(sim.current.sg.rules.has(ruleId)).toBe(false);
    expect(findingsOf(sim.current).at(-1)).toMatchObject({ kind: 'grant.revoked', outcome: 'acted' });
  });

  it('refuses to revoke a rule that is not a grant (a Terraform rule), and one that does not exist', async () => {
    const terraformRule = [...sim.current.sg.rules.values()].find((rule) => rule.GroupId === GROUPS.postgres);
    const id = terraformRule?.SecurityGroupRuleId ?? '';

    const notGrant = await cli('revoke', id, '--simulated');
    const missing = await cli('revoke', 'sgr-00000000000000bad', '--simulated');

    expect(notGrant).toMatchObject({
      code: 1,
      err: `rule ${id} is not a grant (it has no netwarden:grant-* tags); only grants can be revoked here`,
    });
    expect(missing).toMatchObject({
      code: 1,
      err: expect.stringContaining('rule sgr-00000000000000bad does not exist'),
    });
    expect(sim.current.sg.rules.has(id)).toBe(true);
    expect(sim.current.account.writes().filter((call) => call.service === 'EC2')).toEqual([]);
  });
});
