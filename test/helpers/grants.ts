/** Grant test helpers: use-case deps on the simulated account, and grants seeded in bulk. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { securityGroupPort } from '../../shared/aws/ec2';
import { ruleTagger } from '../../shared/aws/ec2-tags';
import { snsPublisher } from '../../shared/aws/sns';
import { grantTags } from '../../shared/grants/grant';
import { loadPolicy } from '../../shared/policy/load';
import type { Policy } from '../../shared/policy/schema';
import type { Simulation } from '../simulated-account/index';
import { VPC_ID } from '../simulated-account/index';

export const TOPIC = 'arn:aws:sns:ap-northeast-2:111122223333:netwarden-test-findings';
export const policy: Policy = loadPolicy('netwarden.policy.yml');

/** The deps the Lambdas build, on the simulated account and its clock. */
export function grantDeps(sim: Simulation, overrides: { policy?: Policy } = {}) {
  const ec2 = new EC2Client({});
  return {
    sg: securityGroupPort(ec2),
    tagger: ruleTagger(ec2),
    publish: snsPublisher(new SNSClient({}), TOPIC),
    now: sim.account.clock.now,
    policy: overrides.policy ?? policy,
  };
}

/**
 * Inserts `groups` security groups and `grants` grant rules spread over them straight into the
 * simulated state (no API calls, no CloudTrail), each grant for one host on 5432.
 */
export function seedGrants(
  sim: Simulation,
  options: { groups: number; grants: number; issuedAt: Date; ttlMs: number },
): string[] {
  const groupIds: string[] = [];
  for (let index = 0; index < options.groups; index += 1) {
    const id = `sg-${(0x5000000 + index).toString(16).padStart(17, '0')}`;
    groupIds.push(id);
    sim.sg.groups.set(id, {
      GroupId: id,
      GroupName: `app-${index}`,
      Description: 'bulk',
      VpcId: VPC_ID,
      OwnerId: sim.account.accountId,
      Tags: [],
    });
  }
  const ruleIds: string[] = [];
  for (let index = 0; index < options.grants; index += 1) {
    const groupId = groupIds[index % groupIds.length] ?? '';
    const ruleId = sim.account.newId('sgr');
    const cidr = `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}/32`;
    const tags = grantTags({
      rule: {
        groupId,
        direction: 'ingress',
        protocol: 'tcp',
        fromPort: 5432,
        toPort: 5432,
        peer: { type: 'ipv4', cidr },
        tags: {},
      },
      issuedAt: options.issuedAt,
      expiresAt: new Date(options.issuedAt.getTime() + options.ttlMs),
      owner: `dev-${index}`,
      reason: 'bulk test',
    });
    sim.sg.rules.set(ruleId, {
      SecurityGroupRuleId: ruleId,
      GroupId: groupId,
      GroupOwnerId: sim.account.accountId,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      CidrIpv4: cidr,
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    });
    ruleIds.push(ruleId);
  }
  return ruleIds;
}

export function tagsOf(sim: Simulation, ruleId: string): Record<string, string> | undefined {
  const rule = sim.sg.rules.get(ruleId);
  return rule && Object.fromEntries((rule.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}
