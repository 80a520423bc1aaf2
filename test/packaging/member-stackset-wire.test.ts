/**
 * The StackSet's member roles at the wire: the simulated organisation's member B holds the roles one
 * stack instance of stacksets/member.yml creates (test/helpers/organization.ts reads them from the
 * template), and its STS and services answer as AWS would. Each central function can assume only its
 * own role; the checks' roles cannot write; grant-access's cannot touch egress.
 *
 * The simulation evaluates a role's actions, not its resources or conditions (member-stackset.test.ts
 * holds those equal to the central roles').
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEMBER_FUNCTIONS } from '../../shared/policy/organization';
import { GROUPS } from '../../simulated-account/index';
import {
  createSimulatedOrganization,
  type SimulatedOrganization,
} from '../../simulated-account/organization';
import { MEMBER_B as B, EXTERNAL_ID, memberRoleArnOf, stackSetRoles } from '../helpers/organization';

let org: SimulatedOrganization;
beforeEach(() => {
  org = createSimulatedOrganization({ members: [{ id: B, roles: stackSetRoles(B) }] });
});
afterEach(() => org.restore());

interface AwsFailure {
  readonly name: string;
  readonly message: string;
  readonly $metadata: { readonly httpStatusCode?: number };
}
/** The call's error as the SDK threw it, or undefined when it succeeded. */
const failureOf = (call: Promise<unknown>): Promise<AwsFailure | undefined> =>
  call.then(
    () => undefined,
    (error: AwsFailure) => error,
  );

const assume = (fn: string, externalId = EXTERNAL_ID) =>
  new STSClient({ maxAttempts: 1 }).send(
    new AssumeRoleCommand({
      RoleArn: memberRoleArnOf(B, fn),
      RoleSessionName: `netwarden-${fn}`,
      ExternalId: externalId,
    }),
  );

/** Clients signed with `fn`'s session of its own member role in B. */
async function sessionOf(fn: string) {
  org.runAs(fn);
  const { Credentials } = await assume(fn);
  const credentials = {
    accessKeyId: Credentials?.AccessKeyId ?? '',
    secretAccessKey: Credentials?.SecretAccessKey ?? '',
    sessionToken: Credentials?.SessionToken ?? '',
  };
  return {
    ec2: new EC2Client({ maxAttempts: 1, credentials }),
    elbv2: new ElasticLoadBalancingV2Client({ maxAttempts: 1, credentials }),
  };
}

const postgresRule = () => {
  const rule = [...org.member(B).sg.rules.values()].find(
    (candidate) => candidate.GroupId === GROUPS.postgres && !candidate.IsEgress,
  );
  if (!rule?.SecurityGroupRuleId) throw new Error('the seed has no postgres ingress rule');
  return rule.SecurityGroupRuleId;
};
const open = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

describe('the member roles of the StackSet', () => {
  it('let each central function assume its own member role only: any other function’s is AccessDenied', async () => {
    for (const fn of MEMBER_FUNCTIONS) {
      org.runAs(fn);
      await expect(assume(fn), fn).resolves.toMatchObject({
        AssumedRoleUser: {
          Arn: `arn:aws:sts::${B}:assumed-role/netwarden-member-remediation-${fn}/netwarden-${fn}`,
        },
      });
      for (const other of MEMBER_FUNCTIONS.filter((candidate) => candidate !== fn))
        expect(await failureOf(assume(other)), `${fn} assuming ${other}'s role`).toMatchObject({
          name: 'AccessDenied',
          message: `User: arn:aws:sts::111122223333:assumed-role/netwarden-demo-ap-northeast-2-${fn}/netwarden-demo-${fn} is not authorized to perform: sts:AssumeRole on resource: ${memberRoleArnOf(B, other)}`,
          $metadata: { httpStatusCode: 403 },
        });
      // Its own, without the external id the instance was given: refused as well.
      expect((await failureOf(assume(fn, 'netwarden-o-other')))?.name, fn).toBe('AccessDenied');
    }
    expect(org.assumeRoles.filter((call) => call.outcome === 'issued')).toHaveLength(MEMBER_FUNCTIONS.length);
  });

  it('give the daily and weekly checks roles that read, and cannot write: EC2’s UnauthorizedOperation, ELB’s AccessDenied', async () => {
    for (const fn of ['daily-check', 'weekly-check']) {
      const { ec2, elbv2 } = await sessionOf(fn);
      const ruleId = postgresRule();
      const rulesBefore = [...org.member(B).sg.rules.keys()];

      await expect(
        ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GROUPS.postgres] })),
      ).resolves.toBeDefined();
      const refused = await Promise.all([
        failureOf(
          ec2.send(
            new RevokeSecurityGroupIngressCommand({
              GroupId: GROUPS.postgres,
              SecurityGroupRuleIds: [ruleId],
            }),
          ),
        ),
        failureOf(
          ec2.send(
            new AuthorizeSecurityGroupIngressCommand({ GroupId: GROUPS.postgres, IpPermissions: [open] }),
          ),
        ),
        failureOf(
          ec2.send(
            new CreateTagsCommand({
              Resources: [ruleId],
              Tags: [{ Key: 'netwarden:grant-expires-at', Value: '2099-01-01T00:00:00Z' }],
            }),
          ),
        ),
      ]);
      for (const [index, action] of [
        'RevokeSecurityGroupIngress',
        'AuthorizeSecurityGroupIngress',
        'CreateTags',
      ].entries())
        expect(refused[index], `${fn} ${action}`).toMatchObject({
          name: 'UnauthorizedOperation',
          message: expect.stringContaining(
            `assumed-role/netwarden-member-remediation-${fn}/netwarden-${fn} is not authorized to perform: ec2:${action}`,
          ),
          $metadata: { httpStatusCode: 403 },
        });
      expect(
        await failureOf(
          elbv2.send(
            new RegisterTargetsCommand({
              TargetGroupArn: `arn:aws:elasticloadbalancing:ap-northeast-2:${B}:targetgroup/any/0123456789abcdef`,
              Targets: [{ Id: 'i-0123456789abcdef0' }],
            }),
          ),
        ),
        fn,
      ).toMatchObject({
        name: 'AccessDenied',
        message: expect.stringContaining(
          `is not authorized to perform: elasticloadbalancing:RegisterTargets`,
        ),
      });
      // Nothing changed in B, and no write reached CloudTrail.
      expect([...org.member(B).sg.rules.keys()]).toEqual(rulesBefore);
      expect(org.member(B).account.trail).toEqual([]);
    }
  });

  it('give grant-access ingress only: an egress rule is UnauthorizedOperation in the member, as in the central account', async () => {
    const { ec2 } = await sessionOf('grant-access');
    const rulesBefore = [...org.member(B).sg.rules.keys()];

    const egress = await failureOf(
      ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: GROUPS.postgres, IpPermissions: [open] })),
    );

    expect(egress).toMatchObject({
      name: 'UnauthorizedOperation',
      message: expect.stringContaining('is not authorized to perform: ec2:AuthorizeSecurityGroupEgress'),
    });
    expect([...org.member(B).sg.rules.keys()]).toEqual(rulesBefore);
    // Its own calls still work: the ingress rule of a grant.
    await expect(
      ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: GROUPS.postgres, IpPermissions: [open] })),
    ).resolves.toMatchObject({ Return: true });
  });
});
