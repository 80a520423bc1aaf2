/**
 * revert-sg-drift serving an AWS Organization from the central account: an event of a member account
 * is acted on in that account only, through the member role (sts:AssumeRole with the policy's external
 * id); an event that claims an account outside the organisation, or whose envelope and record disagree,
 * is refused before any AWS call; a member role that cannot be assumed is reported, and nothing is written.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../shared/findings/finding';
import { grantLabel } from '../../../shared/grants/tags';
import type { CloudTrailEvent } from '../../../simulated-account/account';
import { ACCOUNT_ID, assumedRole, GROUPS, type Simulation } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import {
  createSimulatedOrganization,
  type SimulatedOrganization,
} from '../../../simulated-account/organization';
import { tcp } from '../../../simulated-account/permissions';
import { grantedAccess, ONCALL_ALICE } from '../../helpers/grants';
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

const table = useStateTable();

const ORGANIZATION = organizationSection({
  [B]: 'name: gateway-prod, ou: ou-ab12-prodxxxx',
  [C]: 'name: gateway-stg, ou: ou-ab12-stgxxxxx',
});

let org: SimulatedOrganization;
let handler: typeof import('../../../functions/revert-sg-drift/handler')['handler'];

async function start(memberExternalId = EXTERNAL_ID): Promise<void> {
  org = createSimulatedOrganization({
    members: [B, C].map((id) => ({ id, roles: stackSetRoles(id, { externalId: memberExternalId }) })),
  });
  deployWithPolicy(org, ORGANIZATION);
  ({ handler } = await import('../../../functions/revert-sg-drift/handler'));
}

beforeEach(() => start());
afterEach(() => {
  org.restore();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

/** Someone in `account`'s console opens PostgreSQL to the world; the CloudTrail event that account sends. */
async function openPostgresIn(
  account: string,
  cidr = '0.0.0.0/0',
  tags: Record<string, string> = {},
  role = 'Admin',
): Promise<CloudTrailEvent> {
  const ec2 = new EC2Client({ credentials: { accessKeyId: org.accessKeyOf(account), secretAccessKey: 'x' } });
  const person = assumedRole(role, 'mallory@example.com', { accountId: account, console: true });
  const { events } = await org.member(account).account.as(person, () =>
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        IpPermissions: [tcp(5432, cidr)],
        ...(Object.keys(tags).length > 0
          ? {
              TagSpecifications: [
                {
                  ResourceType: 'security-group-rule',
                  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
                },
              ],
            }
          : {}),
      }),
    ),
  );
  const [event] = events;
  if (!event) throw new Error('no CloudTrail event');
  return event;
}

const worldOpen = (sim: Simulation) =>
  [...sim.sg.rules.values()].filter(
    (rule) => rule.GroupId === GROUPS.postgres && rule.CidrIpv4 === '0.0.0.0/0',
  );

const findings = (): Finding[] =>
  org.central.published.map((message) => JSON.parse(message.message) as Finding);
const commands = (sim: Simulation) => sim.account.calls.map((call) => `${call.service}.${call.command}`);

describe('an event of member account B', () => {
  it('assumes B’s member role once, with the external id, and revokes in B only', async () => {
    const event = await openPostgresIn(B);
    const before = { b: org.member(B).account.calls.length };

    const result = await handler(event, lambdaContext());

    expect(result).toEqual({ status: 'decided', decisions: ['revoke:guardrail'] });
    expect(org.assumeRoles).toEqual([
      {
        roleArn: memberRoleArnOf(B, 'revert-sg-drift'),
        sessionName: 'netwarden-revert-sg-drift',
        externalId: EXTERNAL_ID,
        outcome: 'issued',
      },
    ]);
    // In B: the revoke, made as the member role (the reads before it are B's too).
    const inB = org.member(B).account.calls.slice(before.b);
    expect(inB.filter((call) => call.write).map((call) => call.command)).toEqual([
      'RevokeSecurityGroupIngress',
    ]);
    expect(worldOpen(org.member(B))).toEqual([]);
    expect(org.member(B).account.trail.at(-1)?.detail.userIdentity).toMatchObject({
      arn: `arn:aws:sts::${B}:assumed-role/${ROLE}-revert-sg-drift/netwarden-revert-sg-drift`,
    });
    // Central: the kill switch (one per stage, in the central account), the AssumeRole and the finding;
    // no EC2 call at all. C: nothing.
    expect(commands(org.central)).toEqual(['SSM.GetParameter', 'STS.AssumeRole', 'SNS.Publish']);
    expect(org.member(C).account.calls).toEqual([]);
    expect(findings()).toEqual([
      expect.objectContaining({ kind: 'sg.guardrail-breach', account: B, accountName: 'gateway-prod' }),
    ]);
  });

  it('recognises its own revoke coming back from B as its own call, through the member role', async () => {
    await handler(await openPostgresIn(B), lambdaContext());
    const own = org.member(B).account.trail.at(-1);
    const published = org.central.published.length;

    const result = await handler(own, lambdaContext());

    expect(result).toEqual({ status: 'decided', decisions: ['ignore:self'] });
    expect(
      org
        .member(B)
        .account.writes()
        .map((call) => call.command),
    ).toEqual(['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress']);
    expect(org.central.published.length).toBe(published);
  });

  it('does not take a role of B named like netwarden’s central role for netwarden: the rule is revoked', async () => {
    // As the deployed stack configures its own roles (serverless.yml NETWARDEN_ROLE_ARNS): by name, any
    // account in the text, pinned to the central account when the function starts.
    vi.stubEnv('NETWARDEN_ROLE_ARNS', 'arn:aws:iam::*:role/netwarden-test-ap-northeast-2-revert-sg-drift');
    vi.resetModules();
    ({ handler } = await import('../../../functions/revert-sg-drift/handler'));
    // Anyone who may create roles in B can create one with that name there.
    const lookalike = await openPostgresIn(
      B,
      '0.0.0.0/0',
      {},
      'netwarden-test-ap-northeast-2-revert-sg-drift',
    );

    const result = await handler(lookalike, lambdaContext());

    expect(result).toEqual({ status: 'decided', decisions: ['revoke:guardrail'] });
    expect(worldOpen(org.member(B))).toEqual([]);
    expect(findings().map((finding) => [finding.kind, finding.account])).toEqual([
      ['sg.guardrail-breach', B],
    ]);
  });
});

describe('an event that claims an account outside the organisation, or two accounts', () => {
  const refusedWithoutAwsCall = async (event: CloudTrailEvent, why: string) => {
    const result = await handler(event, lambdaContext());

    expect(result).toEqual({ status: 'foreign', decisions: ['report:foreign-event'] });
    expect(org.assumeRoles).toEqual([]);
    expect(commands(org.central)).toEqual(['SNS.Publish']);
    expect(findings()).toEqual([
      expect.objectContaining({
        kind: 'sg.foreign-event',
        outcome: 'no-action',
        why: expect.stringContaining(why),
      }),
    ]);
  };

  it('refuses an account the policy does not list, with no AWS call', async () => {
    const event = await openPostgresIn(B);
    const forged = {
      ...event,
      account: OUTSIDE,
      detail: { ...event.detail, recipientAccountId: OUTSIDE },
    };
    const callsInB = org.member(B).account.calls.length;

    await refusedWithoutAwsCall(forged, `account "${OUTSIDE}" is not ${ACCOUNT_ID} or ${B} or ${C}`);
    expect(org.member(B).account.calls.length).toBe(callsInB);
    expect(worldOpen(org.member(B))).toHaveLength(1);
  });

  it('acts in B, through B’s role, on B’s record delivered without an envelope account', async () => {
    // EventBridge always sets `account`; only someone allowed to invoke the function directly can leave it out.
    const { account: _dropped, ...event } = await openPostgresIn(B);

    const result = await handler(event, lambdaContext());

    expect(result).toEqual({ status: 'decided', decisions: ['revoke:guardrail'] });
    expect(org.assumeRoles.map((call) => call.roleArn)).toEqual([memberRoleArnOf(B, 'revert-sg-drift')]);
    expect(worldOpen(org.member(B))).toEqual([]);
    expect(org.central.account.writes().filter((call) => call.service === 'EC2')).toEqual([]);
  });

  it('refuses an envelope of B carrying a record of C', async () => {
    const event = await openPostgresIn(B);
    const mixed = { ...event, detail: { ...event.detail, recipientAccountId: C } };

    await refusedWithoutAwsCall(
      mixed,
      `the event's accounts disagree (account "${B}", detail.recipientAccountId "${C}")`,
    );
    expect(org.member(C).account.calls).toEqual([]);
  });
});

describe('a grant in member account B', () => {
  const CIDR = '203.0.113.7/32';
  /** The rule someone opened in B, and a live grant record for exactly it (in B, or in the central account). */
  async function grantedIn(recordAccount: string | undefined) {
    const now = org.central.account.clock.now().getTime();
    const label = grantLabel({
      access: grantedAccess(GROUPS.postgres, CIDR),
      issuedAt: new Date(now),
      expiresAt: new Date(now + 3_600_000),
      owner: ONCALL_ALICE,
      reason: 'INC-4821',
    });
    // As grant-access labels the rule it creates (the label is only what makes revert look the record up).
    const event = await openPostgresIn(B, CIDR, label);
    const rule = [...org.member(B).sg.rules.values()].find(
      (candidate) => candidate.GroupId === GROUPS.postgres && candidate.CidrIpv4 === CIDR,
    );
    if (!rule?.SecurityGroupRuleId) throw new Error('no rule in B');
    const access = grantedAccess(GROUPS.postgres, CIDR);
    const { store } = table.current;
    await store.markLive(
      await store.putPending({
        groupId: GROUPS.postgres,
        ...(recordAccount ? { account: recordAccount } : {}),
        access,
        owner: ONCALL_ALICE,
        reason: 'INC-4821',
        issuedAt: new Date(now),
        expiresAt: new Date(now + 3_600_000),
        createdAt: new Date(now),
      }),
      rule.SecurityGroupRuleId,
    );
    return event;
  }
  const revokesInB = () =>
    org
      .member(B)
      .account.writes()
      .filter((call) => call.command.startsWith('Revoke'));

  it('is recognised by its record in B: the rule is left', async () => {
    const event = await grantedIn(B);

    await handler(event, lambdaContext());

    expect(revokesInB()).toEqual([]);
  });

  it('is not made by a central record for the same group id: the rule in B is judged as any other', async () => {
    const event = await grantedIn(undefined);

    await handler(event, lambdaContext());

    expect(revokesInB().map((call) => call.command)).toEqual(['RevokeSecurityGroupIngress']);
  });
});

describe('a member role that cannot be assumed', () => {
  it('for now (STS throttles past the client’s 5 attempts): thrown, not reported, and Lambda’s retry revokes', async () => {
    org.central.account.failNext({ service: 'STS', operation: 'AssumeRole', fault: 'throttle', times: 5 });
    const event = await openPostgresIn(B);

    await expect(handler(event, lambdaContext())).rejects.toMatchObject({ name: 'Throttling' });

    expect(commands(org.central).filter((command) => command === 'STS.AssumeRole')).toHaveLength(5);
    expect(findings()).toEqual([]);
    expect(worldOpen(org.member(B))).toHaveLength(1);

    // Lambda delivers the same event again once STS answers: it is not taken for a redelivery.
    const retried = await handler(event, lambdaContext());

    expect(retried).toEqual({ status: 'decided', decisions: ['revoke:guardrail'] });
    expect(worldOpen(org.member(B))).toEqual([]);
  });

  it('is published as organization.unreachable with AssumeRole’s AccessDenied, not thrown; nothing is read or written in B', async () => {
    org.restore();
    vi.unstubAllEnvs();
    await start('another-external-id');
    const event = await openPostgresIn(B);
    const callsInB = org.member(B).account.calls.length;

    const result = await handler(event, lambdaContext());

    expect(result).toEqual({ status: 'unreachable', decisions: ['report:unreachable'] });
    expect(org.assumeRoles.map((call) => call.outcome)).toContain('AccessDenied');
    expect(org.assumeRoles.every((call) => call.externalId === EXTERNAL_ID)).toBe(true);
    expect(org.member(B).account.calls.length).toBe(callsInB);
    expect(org.member(C).account.calls).toEqual([]);
    expect(worldOpen(org.member(B))).toHaveLength(1);
    // Central: no write at all (no EC2 call; the state table's claim on the event is released).
    expect(
      commands(org.central).filter(
        (command) => !['SSM.GetParameter', 'STS.AssumeRole', 'SNS.Publish'].includes(command),
      ),
    ).toEqual([]);
    const roleArn = memberRoleArnOf(B, 'revert-sg-drift');
    expect(findings()).toEqual([
      expect.objectContaining({
        kind: 'organization.unreachable',
        severity: 'critical',
        outcome: 'failed',
        account: B,
        accountName: 'gateway-prod',
        eventId: event.detail.eventID,
        title: `revert-sg-drift could not act in account ${B}: sts:AssumeRole on ${roleArn} answered AccessDenied`,
        resource: { type: 'iam-role', id: roleArn },
        details: { roleArn, stsErrorCode: 'AccessDenied', function: 'revert-sg-drift' },
        actions: [],
      }),
    ]);
  });
});
