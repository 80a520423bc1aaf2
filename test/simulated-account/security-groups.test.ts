/** The simulated account must behave like EC2 where netwarden depends on it. */
import {
  AuthorizeSecurityGroupIngressCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  paginateDescribeSecurityGroupRules,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { GROUPS } from '../../simulated-account/index';
import { useSimulation } from '../helpers/simulation';

const ec2 = new EC2Client({});
const sim = useSimulation();
const world5432 = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

describe('simulated EC2 security groups', () => {
  it('gives new rules sgr- ids and canonical CIDRs', async () => {
    const result = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        IpPermissions: [{ ...world5432, IpRanges: [{ CidrIp: '10.1.2.3/0' }] }],
      }),
    );
    expect(result.SecurityGroupRules?.[0]).toMatchObject({
      SecurityGroupRuleId: expect.stringMatching(/^sgr-[0-9a-f]{17}$/),
      CidrIpv4: '0.0.0.0/0',
    });
  });

  it('refuses an exact duplicate with InvalidPermission.Duplicate and records the failed CloudTrail event', async () => {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: GROUPS.postgres, IpPermissions: [world5432] }),
    );
    await expect(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: GROUPS.postgres, IpPermissions: [world5432] }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidPermission.Duplicate',
    });
    expect(sim.current.account.trail.at(-1)?.detail).toMatchObject({
      errorCode: 'Client.InvalidPermission.Duplicate',
      responseElements: null,
    });
  });

  it('answers InvalidPermission.NotFound / InvalidSecurityGroupRuleId.NotFound for rules that are gone', async () => {
    await expect(
      ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: GROUPS.postgres, IpPermissions: [world5432] }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidPermission.NotFound',
    });
    await expect(
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          SecurityGroupRuleIds: ['sgr-00000000000000bad'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSecurityGroupRuleId.NotFound' });
  });

  it('paginates with NextToken and honours MaxResults bounds and filters', async () => {
    const pages: number[] = [];
    for await (const page of paginateDescribeSecurityGroupRules({ client: ec2, pageSize: 5 }, {}))
      pages.push(page.SecurityGroupRules?.length ?? 0);
    expect(pages.reduce((sum, size) => sum + size, 0)).toBe(sim.current.sg.rules.size);
    expect(pages.length).toBe(Math.ceil(sim.current.sg.rules.size / 5));
    await expect(ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 2 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    const filtered = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [GROUPS.redis] }] }),
    );
    expect(filtered.SecurityGroupRules?.map((rule) => rule.GroupId)).toEqual([GROUPS.redis]);
  });

  it('refuses commands it does not simulate, loudly', async () => {
    await expect(ec2.send(new DeleteVpcCommand({ VpcId: 'vpc-1' }))).rejects.toThrowError(
      /does not simulate/,
    );
  });
});
