/**
 * grant-access with an organisation, through its handler on the simulated organisation: a grant for
 * member B is authorised in B only, as B's member role (sts:AssumeRole with the policy's external id),
 * recorded with B, and expired in B by expire-grants. The `account` field only chooses where: the
 * verified principal still authorises, and an account outside the organisation (or any other account
 * in a single-account deployment) is refused before any call. Report mode writes nothing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../shared/findings/finding';
import { accessKey } from '../../../shared/grants/record';
import { ACCOUNT_ID, GROUPS, type Simulation } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import {
  createSimulatedOrganization,
  type SimulatedOrganization,
} from '../../../simulated-account/organization';
import { DEVELOPER_MALLORY, grantedAccess, urlEvent } from '../../helpers/grants';
import {
  MEMBER_B as B,
  MEMBER_C as C,
  deployWithPolicy,
  EXTERNAL_ID,
  memberRoleArnOf,
  OUTSIDE_ACCOUNT as OUTSIDE,
  organizationSection,
  MEMBER_ROLE as ROLE,
  stackSetRoles,
} from '../../helpers/organization';
import { useStateTable } from '../../helpers/state-table';

const CIDR = '203.0.113.7/32';
const HOUR = 3_600_000;
const table = useStateTable();
const body = { group: GROUPS.postgres, port: 5432, cidr: CIDR, ttl: '2h', reason: 'INC-4821' };
const access = grantedAccess(GROUPS.postgres, CIDR);

let org: SimulatedOrganization;

const ORGANIZATION = organizationSection({ [B]: 'name: gateway-prod', [C]: 'name: gateway-stg' });

/** The handler of a deployment whose policy is the repository's plus `extra`, in `mode`. */
async function start(options: { extra?: string; mode?: 'report' } = {}) {
  org = createSimulatedOrganization({
    members: [B, C].map((id) => ({ id, roles: stackSetRoles(id) })),
  });
  if (options.mode) vi.stubEnv('NETWARDEN_MODE', options.mode);
  // grant-access's execution role: only its own member role trusts it.
  org.runAs('grant-access');
  deployWithPolicy(org, options.extra ?? '');
  return (await import('../../../functions/grant-access/handler')).handler;
}

afterEach(() => {
  org.restore();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

const post = async (handler: Awaited<ReturnType<typeof start>>, extra: Record<string, unknown>) => {
  const response = (await handler(urlEvent({ body: { ...body, ...extra } }), lambdaContext())) as {
    statusCode: number;
    body: string;
  };
  return { statusCode: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
};
const ec2Writes = (sim: Simulation) =>
  sim.account
    .writes()
    .filter((call) => call.service !== 'SNS' && call.service !== 'STS')
    .map((call) => call.command);
const granted = (sim: Simulation) =>
  [...sim.sg.rules.values()].filter((rule) => rule.GroupId === GROUPS.postgres && rule.CidrIpv4 === CIDR);
const findings = () => org.central.published.map((message) => JSON.parse(message.message) as Finding);

describe('grant-access with an organisation', () => {
  it('authorises a grant for member B in B only, as B’s member role, records it with B, and expire-grants revokes it in B', async () => {
    const handler = await start({ extra: ORGANIZATION });

    const response = await post(handler, { account: B });

    expect(response.statusCode).toBe(201);
    const [rule] = granted(org.member(B));
    const ruleId = rule?.SecurityGroupRuleId ?? '';
    expect(response.json).toMatchObject({ status: 'granted', mode: 'enforce', ruleId });
    expect(ec2Writes(org.member(B))).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(org.member(B).account.trail.at(-1)?.detail.userIdentity).toMatchObject({
      arn: `arn:aws:sts::${B}:assumed-role/${ROLE}-grant-access/netwarden-grant-access`,
    });
    expect(ec2Writes(org.central)).toEqual([]);
    expect(org.member(C).account.calls).toEqual([]);
    expect(granted(org.central)).toEqual([]);
    expect(org.assumeRoles).toEqual([
      {
        roleArn: memberRoleArnOf(B, 'grant-access'),
        sessionName: 'netwarden-grant-access',
        externalId: EXTERNAL_ID,
        outcome: 'issued',
      },
    ]);
    const record = await table.current.store.get(GROUPS.postgres, accessKey(access), B);
    expect(record).toMatchObject({ status: 'live', account: B, ruleId });
    // Not the central account's grant: its key is the member's.
    expect(await table.current.store.get(GROUPS.postgres, accessKey(access))).toBeUndefined();
    expect(findings().find((finding) => finding.kind === 'grant.created')).toMatchObject({ account: B });

    // Past its expiry, expire-grants revokes it in B, through B's role, and nowhere else.
    org.central.account.clock.advance(3 * HOUR);
    vi.setSystemTime(org.central.account.clock.now());
    const expire = (await import('../../../functions/expire-grants/handler')).handler;
    org.runAs('expire-grants');
    await expire(loadEvent('schedule/expire-grants.json'), lambdaContext());

    expect(granted(org.member(B))).toEqual([]);
    expect(ec2Writes(org.member(B))).toEqual(['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress']);
    expect(ec2Writes(org.central)).toEqual([]);
    expect(org.assumeRoles.map((call) => call.sessionName)).toEqual([
      'netwarden-grant-access',
      'netwarden-expire-grants',
    ]);
    expect(await table.current.store.open()).toEqual([]);
  });

  it('extends a member’s grant by relabelling its rule in B, and DELETE revokes it in B, through B’s role', async () => {
    const handler = await start({ extra: ORGANIZATION });
    await post(handler, { account: B });
    const ruleId = granted(org.member(B))[0]?.SecurityGroupRuleId ?? '';

    const extended = await post(handler, { account: B, ttl: '4h' });

    expect(extended.statusCode).toBe(200);
    expect(extended.json).toMatchObject({ status: 'extended', ruleId, expiresAt: '2026-11-23T04:00:00Z' });
    expect(ec2Writes(org.member(B))).toEqual(['AuthorizeSecurityGroupIngress', 'CreateTags']);

    const listed = (await handler(urlEvent({ method: 'GET' }), lambdaContext())) as { body: string };
    expect(JSON.parse(listed.body)).toMatchObject({ grants: [{ ruleId, account: B }] });

    const revoked = (await handler(
      urlEvent({ method: 'DELETE', path: `/grants/${ruleId}` }),
      lambdaContext(),
    )) as { statusCode: number; body: string };

    expect(revoked.statusCode).toBe(200);
    expect(JSON.parse(revoked.body)).toMatchObject({ status: 'revoked', ruleId });
    expect(ec2Writes(org.member(B))).toEqual([
      'AuthorizeSecurityGroupIngress',
      'CreateTags',
      'RevokeSecurityGroupIngress',
    ]);
    expect(granted(org.member(B))).toEqual([]);
    expect(ec2Writes(org.central)).toEqual([]);
    expect(org.member(C).account.calls).toEqual([]);
    expect(await table.current.store.open()).toEqual([]);
  });

  it('still authorises by the verified principal: a developer naming B is refused, with no call in B', async () => {
    const handler = await start({ extra: ORGANIZATION });

    const response = (await handler(
      urlEvent({ body: { ...body, account: B }, arn: DEVELOPER_MALLORY }),
      lambdaContext(),
    )) as { statusCode: number };

    expect(response.statusCode).toBe(403);
    expect(org.assumeRoles).toEqual([]);
    expect(org.member(B).account.calls).toEqual([]);
    expect(await table.current.store.open()).toEqual([]);
  });

  it('checks the member’s grant against the policy like any grant: a group not grantable is 403, its finding naming B', async () => {
    const handler = await start({ extra: ORGANIZATION });

    const response = await post(handler, { account: B, group: GROUPS.gateway });

    expect(response.statusCode).toBe(403);
    expect(response.json.problems).toEqual([
      `group ${GROUPS.gateway} is not grantable (not in grants.groups.ids)`,
    ]);
    expect(ec2Writes(org.member(B))).toEqual([]);
    expect(findings().at(-1)).toMatchObject({ kind: 'grant.rejected', account: B });
  });

  it('refuses an account outside the organisation, naming the field and value, before any call', async () => {
    const handler = await start({ extra: ORGANIZATION });

    const response = await post(handler, { account: OUTSIDE });

    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({
      status: 'rejected',
      problems: [
        `account ${OUTSIDE} is not an account of the policy's organisation o-abc123def4 (policy.organization.accounts lists ${B}, ${C})`,
      ],
    });
    expect(org.assumeRoles).toEqual([]);
    expect(ec2Writes(org.central)).toEqual([]);
    expect(org.member(B).account.calls).toEqual([]);
    expect(await table.current.store.open()).toEqual([]);
  });

  it('refuses any other account in a single-account deployment, and grants in its own when it is named', async () => {
    const handler = await start();

    const refused = await post(handler, { account: B });
    expect(refused.statusCode).toBe(400);
    expect(refused.json.problems).toEqual([
      `account ${B} is not this deployment's account (${ACCOUNT_ID}): without an organization section in the policy, grants are made only in the account netwarden runs in`,
    ]);
    expect(org.assumeRoles).toEqual([]);
    expect(org.member(B).account.calls).toEqual([]);
    expect(ec2Writes(org.central)).toEqual([]);

    const own = await post(handler, { account: ACCOUNT_ID });
    expect(own.statusCode).toBe(201);
    expect(ec2Writes(org.central)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(await table.current.store.get(GROUPS.postgres, accessKey(access))).toMatchObject({
      status: 'live',
    });
    expect((await table.current.store.get(GROUPS.postgres, accessKey(access)))?.account).toBeUndefined();
  });

  it('in report mode decides the grant for B and writes nothing anywhere', async () => {
    const handler = await start({ extra: ORGANIZATION, mode: 'report' });

    const response = await post(handler, { account: B });

    expect(response.statusCode).toBe(201);
    expect(response.json).toMatchObject({ status: 'granted', mode: 'report' });
    expect(response.json.ruleId).toBeUndefined();
    expect(ec2Writes(org.member(B))).toEqual([]);
    expect(ec2Writes(org.central)).toEqual([]);
    expect(await table.current.store.open()).toEqual([]);
    expect(findings().find((finding) => finding.kind === 'grant.created')).toMatchObject({
      account: B,
      outcome: 'would-act',
    });
  });
});
