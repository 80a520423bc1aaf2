/**
 * The simulated organisation: STS AssumeRole on the Query protocol, answered as AWS documents it, and
 * every call routed to the account its credentials belong to.
 */
import {
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

const organization = (trustsCentral = true) => {
  org = createSimulatedOrganization({
    members: [{ id: B, role: { name: 'netwarden-member-remediation', externalId: 'ext-1', trustsCentral } }],
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
