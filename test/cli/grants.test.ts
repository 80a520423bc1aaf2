/**
 * `netwarden grant | grants | revoke`: with --simulated, the CLI runs grant-access's own code against
 * the simulated account and a state table (dynalite) as a stated simulated identity; without it, it
 * calls the Function URL signed with SigV4 with the user's own credentials — checked here against a
 * local stand-in on 127.0.0.1 that verifies the signature as AWS would.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signedTransport } from '../../cli/grant-client';
import { useSimulation as useCliSimulation, useSimulatedGrants } from '../../cli/grants';
import { main } from '../../cli/main';
import { simulatedGrantAccess, simulatedIdentity } from '../../cli/simulated-grants';
import { ACCOUNT_ID, GROUPS } from '../../simulated-account/index';
import { findingsOf, useSimulation } from '../helpers/simulation';
import { useStateTable } from '../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN';
const saved = { ...process.env };

beforeEach(async () => {
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY;
  process.env.AWS_SESSION_TOKEN = TOKEN;
  process.env.USER = 'carol';
  useCliSimulation(sim.current);
  useSimulatedGrants(await simulatedGrantAccess(sim.current, { store: table.current.store }));
});
afterEach(() => {
  useCliSimulation(undefined);
  useSimulatedGrants(undefined);
  // Restored in place: process.env must stay the object vitest's vi.stubEnv holds on to (a replaced
  // one made later files' env stubs miss it; test/helpers/setup.ts now refuses that).
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const GRANT_ARGS = [
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
];
const GRANT = [...GRANT_ARGS, '--simulated'];

function expectNothingSecret(text: string) {
  for (const secret of [SECRET, ACCESS_KEY, TOKEN, 'SecretAccessKey', 'SessionToken'])
    expect(text).not.toContain(secret);
}

describe('netwarden grant --simulated', () => {
  it('prints the grant, owned by the stated simulated identity, and nothing secret', async () => {
    const { code, out, err } = await cli(...GRANT);

    const created = [...sim.current.sg.rules.values()].find((rule) => rule.CidrIpv4 === '203.0.113.7/32');
    expect(code).toBe(0);
    expect(err).toBe(`simulated: requests are made as ${simulatedIdentity('carol')}`);
    expect(out).toBe(
      [
        `granted: tcp 5432 from 203.0.113.7/32 on ${GROUPS.postgres}`,
        `  rule id: ${created?.SecurityGroupRuleId}`,
        `  owner:   arn:aws:sts::111122223333:assumed-role/db-oncall/carol`,
        '  expires: 2026-11-23T02:00:00Z (in 2h)',
      ].join('\n'),
    );
    expectNothingSecret(`${out}\n${err}`);
  });

  it('has no --owner: the owner is whoever the credentials are', async () => {
    const { code, err } = await cli(...GRANT, '--owner', 'dave@example.com');
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--owner'");
    expect(findingsOf(sim.current)).toEqual([]);
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
    expect(err.split('\n').slice(1)).toEqual([
      'grant rejected (HTTP 400):',
      '  - port 22 is not grantable',
      '  - cidr 0.0.0.0/0 is not allowed',
      '  - ttl 9h exceeds maxTtl 8h',
    ]);
    expect(sim.current.account.writes().filter((call) => call.service === 'EC2')).toEqual([]);
  });

  it('sends --account as the grant request’s account: a single-account deployment refuses another account, writing nothing', async () => {
    const { code, out, err } = await cli(...GRANT, '--account', '222233334444');

    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.split('\n').slice(1)).toEqual([
      'grant rejected (HTTP 400):',
      `  - account 222233334444 is not this deployment's account (${ACCOUNT_ID}): without an organization section in the policy, grants are made only in the account netwarden runs in`,
    ]);
    expect(sim.current.account.writes().filter((call) => call.service === 'EC2')).toEqual([]);
  });

  it('exits 2 on an unknown option', async () => {
    const { code, err } = await cli('grant', '--grop', GROUPS.postgres, '--simulated');
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--grop'");
  });

  it('exits 2 without a URL and without --simulated, saying how to give one', async () => {
    delete process.env.NETWARDEN_GRANT_URL;
    const { code, err } = await cli(...GRANT_ARGS);
    expect(code).toBe(2);
    expect(err).toMatch(/^no grant-access URL: pass --url/);
  });
});

describe('netwarden grants / revoke --simulated', () => {
  it('lists open grants with the time left', async () => {
    await cli(...GRANT);
    sim.current.account.clock.advance(30 * 60_000);

    const { code, out } = await cli('grants', '--simulated');

    expect(code).toBe(0);
    expect(out).toMatch(
      new RegExp(
        `^sgr-[0-9a-f]+  ${GROUPS.postgres}  tcp 5432 from 203\\.0\\.113\\.7/32  owner arn:aws:sts::111122223333:assumed-role/db-oncall/carol  expires 2026-11-23T02:00:00Z \\(1h30m left\\)  "INC-4821 replication lag"$`,
      ),
    );
  });

  it('says so when there are none', async () => {
    expect(await cli('grants', '--simulated')).toMatchObject({ code: 0, out: 'no active grants' });
  });

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

  it('refuses to revoke a rule that is not a recorded grant (a Terraform rule)', async () => {
    const terraformRule = [...sim.current.sg.rules.values()].find((rule) => rule.GroupId === GROUPS.postgres);
    const id = terraformRule?.SecurityGroupRuleId ?? '';

    const { code, err } = await cli('revoke', id, '--simulated');

    expect(code).toBe(1);
    expect(err.split('\n').slice(1)).toEqual([
      'revoke refused (HTTP 404):',
      `  - rule ${id} is not a grant netwarden recorded; only grants can be revoked here`,
    ]);
    expect(sim.current.sg.rules.has(id)).toBe(true);
  });
});

describe('netwarden revoke --all --simulated (before a stack is removed)', () => {
  it('revokes every active grant, each with its grant.revoked finding', async () => {
    await cli(...GRANT);
    await cli(...GRANT.map((arg) => (arg === '203.0.113.7/32' ? '198.51.100.9/32' : arg)));
    const granted = [...sim.current.sg.rules.values()].filter(
      (rule) => rule.CidrIpv4 === '203.0.113.7/32' || rule.CidrIpv4 === '198.51.100.9/32',
    );
    expect(granted).toHaveLength(2);

    const { code, out, err } = await cli('revoke', '--all', '--simulated');

    expect(code).toBe(0);
    expect(err).toBe(`simulated: requests are made as ${simulatedIdentity('carol')}`);
    expect(out.split('\n').sort()).toEqual(
      granted
        .map(
          (rule) =>
            `revoked: ${rule.SecurityGroupRuleId} (tcp 5432 from ${rule.CidrIpv4} on ${GROUPS.postgres})`,
        )
        .sort(),
    );
    for (const rule of granted) expect(sim.current.sg.rules.has(rule.SecurityGroupRuleId ?? '')).toBe(false);
    expect(findingsOf(sim.current).filter((finding) => finding.kind === 'grant.revoked')).toHaveLength(2);
    expect(await cli('grants', '--simulated')).toMatchObject({ code: 0, out: 'no active grants' });
  });

  it('says so, exit 0, when there is nothing to revoke; refuses a rule id beside --all', async () => {
    expect(await cli('revoke', '--all', '--simulated')).toMatchObject({ code: 0, out: 'no active grants' });
    const mixed = await cli('revoke', '--all', 'sgr-0123456789abcdef0', '--simulated');
    expect(mixed.code).toBe(2);
    expect(mixed.err).toBe(
      '--all takes no rule id, found "sgr-0123456789abcdef0"\nusage: netwarden revoke <rule-id> | --all [--url URL | --simulated]',
    );
  });
});

/** A stand-in for the Function URL: it recomputes the SigV4 signature from what arrived, as AWS does. */
describe('the signed call to the Function URL', () => {
  let server: Server;
  let base = '';
  const received: Array<{
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
    body: string;
    verified: boolean;
  }> = [];
  const verifier = new SignatureV4({
    service: 'lambda',
    region: 'ap-northeast-2',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, sessionToken: TOKEN },
    sha256: Sha256,
  });

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = new URL(request.url ?? '/', base);
        const amzDate = String(request.headers['x-amz-date'] ?? '');
        const signedNames =
          /SignedHeaders=([^,]+)/.exec(String(request.headers.authorization ?? ''))?.[1]?.split(';') ?? [];
        const headers = Object.fromEntries(
          signedNames.map((name) => [name, String(request.headers[name] ?? '')]),
        );
        const expected = await verifier.sign(
          {
            method: request.method ?? 'GET',
            protocol: 'http:',
            hostname: url.hostname,
            port: Number(url.port),
            path: url.pathname,
            query: {},
            headers,
            ...(body ? { body } : {}),
          },
          {
            signingDate: new Date(
              `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
            ),
          },
        );
        const verified = expected.headers.authorization === request.headers.authorization;
        received.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
          verified,
        });
        response.writeHead(verified ? 201 : 403, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify(
            verified
              ? {
                  status: 'granted',
                  mode: 'enforce',
                  groupId: GROUPS.postgres,
                  ruleId: 'sgr-0123456789abcdef0',
                  access: 'tcp 5432 from 203.0.113.7/32',
                  owner: 'arn:aws:sts::111122223333:assumed-role/db-oncall/carol',
                  expiresAt: '2030-01-01T00:00:00Z',
                }
              : { Message: 'The request signature we calculated does not match the signature you provided.' },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received.length = 0;
  });

  it('signs POST /grants with the caller’s credentials (service lambda), sends no owner, and prints the grant', async () => {
    process.env.AWS_REGION = 'ap-northeast-2';

    const { code, out, err } = await cli(...GRANT_ARGS, '--url', base);

    expect(err).toBe('');
    expect(code).toBe(0);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.verified).toBe(true);
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/grants');
    expect(String(request?.headers.authorization)).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/\\d{8}/ap-northeast-2/lambda/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
      ),
    );
    expect(request?.headers['x-amz-security-token']).toBe(TOKEN);
    expect(JSON.parse(request?.body ?? '{}')).toEqual({
      group: GROUPS.postgres,
      port: '5432',
      cidr: '203.0.113.7/32',
      ttl: '2h',
      reason: 'INC-4821 replication lag',
    });
    expect(out).toContain('granted: tcp 5432 from 203.0.113.7/32 on sg-0db00000000005432');
    expectNothingSecret(`${out}\n${err}`);
  });

  it('a request signed with other credentials is refused by the stand-in, and the CLI says so', async () => {
    const send = signedTransport(base, {
      region: 'ap-northeast-2',
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: 'not-the-secret' },
    });

    const reply = await send({ method: 'GET', path: '/grants' });

    expect(reply.statusCode).toBe(403);
    expect(reply.body.problems).toEqual([
      'The request signature we calculated does not match the signature you provided.',
    ]);
  });

  it('reads the region from a Function URL host', async () => {
    const { regionOf } = await import('../../cli/grant-client');
    expect(regionOf(new URL('https://abc123.lambda-url.eu-west-1.on.aws/'), 'ap-northeast-2')).toBe(
      'eu-west-1',
    );
    expect(() => regionOf(new URL('http://127.0.0.1:1/'), undefined)).toThrow(/set AWS_REGION/);
  });
});
