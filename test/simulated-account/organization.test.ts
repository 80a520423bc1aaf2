/**
 * The simulated organisation: STS AssumeRole on the Query protocol, answered as AWS documents it (the
 * caller's role must be one the trust policy names), every call routed to the account its credentials
 * belong to, and a member role's session refused any action its policy does not allow.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUPS } from '../../simulated-account/index';
import {
  createSimulatedOrganization,
  type SimulatedOrganization,
} from '../../simulated-account/organization';

const B = '222233334444';
const ROLE = `arn:aws:iam::${B}:role/netwarden-member-remediation`;
let org: SimulatedOrganization | undefined;
afterEach(() => org?.restore());

/** B with one role, trusting revert-sg-drift's central role (the default caller) or no one. */
const organization = (trustsCentral = true) => {
  org = createSimulatedOrganization({
    members: [
      {
        id: B,
        roles: [
          {
            name: 'netwarden-member-remediation',
            externalId: 'ext-1',
            trusts: trustsCentral
              ? ['arn:aws:iam::111122223333:role/netwarden-demo-ap-northeast-2-revert-sg-drift']
              : [],
            allows: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress'],
          },
        ],
      },
    ],
  });
  return org;
};

describe('the simulated organisation', () => {
  it('issues member-role credentials whose calls reach only that member, as that role', async () => {
    const sim = organization();
    const sts = new STSClient({});
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'netwarden-test', ExternalId: 'ext-1' }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new Error('no credentials');
    const ec2 = new EC2Client({
      credentials: {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        sessionToken: Credentials.SessionToken ?? '',
      },
    });
    const rule = [...sim.member(B).sg.rules.values()].find(
      (candidate) => candidate.GroupId === GROUPS.postgres,
    );
    if (!rule?.SecurityGroupRuleId) throw new Error('the seed has no postgres rule');

    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        SecurityGroupRuleIds: [rule.SecurityGroupRuleId],
      }),
    );

    expect(Credentials.AccessKeyId).toMatch(/^ASIA\w{16}$/);
    expect(Credentials.Expiration).toEqual(new Date(sim.central.account.clock.now().getTime() + 3_600_000));
    expect(
      sim
        .member(B)
        .account.writes()
        .map((call) => call.command),
    ).toEqual(['RevokeSecurityGroupIngress']);
    expect(sim.central.account.writes().map((call) => call.command)).toEqual(['AssumeRole']);
    expect(sim.member(B).account.trail[0]?.detail.userIdentity).toMatchObject({
      arn: `arn:aws:sts::${B}:assumed-role/netwarden-member-remediation/netwarden-test`,
      accountId: B,
    });
    expect(sim.assumeRoles).toEqual([
      { roleArn: ROLE, sessionName: 'netwarden-test', externalId: 'ext-1', outcome: 'issued' },
    ]);
  });

  it('answers AccessDenied for a wrong external id and for a role that does not trust the caller', async () => {
    const sts = new STSClient({ maxAttempts: 1 });
    const assume = (externalId: string) =>
      sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's', ExternalId: externalId })).then(
        () => undefined,
        (error: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => error,
      );

    organization();
    const wrongId = await assume('ext-2');
    org?.restore();
    organization(false);
    const untrusted = await assume('ext-1');

    for (const error of [wrongId, untrusted])
      expect(error).toMatchObject({
        name: 'AccessDenied',
        message: expect.stringContaining(`is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`),
        $metadata: { httpStatusCode: 403 },
      });
  });

  it('admits only the caller roles the trust policy names: another central function is refused', async () => {
    const sim = organization();
    sim.runAs('daily-check');
    const error = await new STSClient({ maxAttempts: 1 })
      .send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's', ExternalId: 'ext-1' }))
      .then(
        () => undefined,
        (thrown: { name: string; message: string }) => thrown,
      );

    expect(error).toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::111122223333:assumed-role/netwarden-demo-ap-northeast-2-daily-check/netwarden-demo-daily-check is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
    });
    expect(sim.assumeRoles.map((call) => call.outcome)).toEqual(['AccessDenied']);
  });

  it('refuses a session’s call that its role does not allow, as EC2 does, and runs nothing', async () => {
    const sim = organization();
    const { Credentials } = await new STSClient({}).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'netwarden-test', ExternalId: 'ext-1' }),
    );
    const ec2 = new EC2Client({
      maxAttempts: 1,
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      },
    });
    const before = [...sim.member(B).sg.rules.keys()];

    const error = await ec2
      .send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      )
      .then(
        () => undefined,
        (thrown: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => thrown,
      );

    expect(error).toMatchObject({
      name: 'UnauthorizedOperation',
      message: `You are not authorized to perform this operation. User: arn:aws:sts::${B}:assumed-role/netwarden-member-remediation/netwarden-test is not authorized to perform: ec2:AuthorizeSecurityGroupEgress because no identity-based policy allows the ec2:AuthorizeSecurityGroupEgress action`,
      $metadata: { httpStatusCode: 403 },
    });
    expect([...sim.member(B).sg.rules.keys()]).toEqual(before);
    expect(sim.member(B).account.trail).toEqual([]);
  });

  it('routes the default credentials to the central account and a test key to its member', async () => {
    const sim = organization();
    const central = new EC2Client({});
    const member = new EC2Client({ credentials: { accessKeyId: sim.accessKeyOf(B), secretAccessKey: 'x' } });

    await central.send(new DescribeSecurityGroupsCommand({}));
    await member.send(new DescribeSecurityGroupsCommand({}));

    expect(sim.central.account.reads().map((call) => call.command)).toEqual(['DescribeSecurityGroups']);
    expect(
      sim
        .member(B)
        .account.reads()
        .map((call) => call.command),
    ).toEqual(['DescribeSecurityGroups']);
  });
});
