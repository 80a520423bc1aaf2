/**
 * Grant test helpers: use-case deps on the simulated account and a state table (dynalite), Function
 * URL events as AWS delivers them after verifying the caller, and grants seeded in bulk.
 */
import { EC2Client, ModifySecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { ec2SecurityGroups } from '../../shared/aws/ec2/security-groups';
import { ruleTagger } from '../../shared/aws/ec2/tags';
import { snsPublisher } from '../../shared/aws/sns';
import { type GrantStore, grantAccessRule } from '../../shared/grants/record';
import { grantLabel } from '../../shared/grants/tags';
import { loadPolicy } from '../../shared/policy/load';
import type { Policy } from '../../shared/policy/schema';
import type { Rule } from '../../shared/rules/rule';
import type { Simulation } from '../../simulated-account/index';
import { ACCOUNT_ID, GROUPS, VPC_ID } from '../../simulated-account/index';
import { loadEvent } from '../../simulated-account/load-event';

export const TOPIC = 'arn:aws:sns:ap-northeast-2:111122223333:netwarden-test-findings';
export const policy: Policy = loadPolicy('netwarden.policy.yml');

/** A principal grants.requesters lists (the shipped policy: the db-oncall role's sessions). */
export const ONCALL_ALICE = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/db-oncall/alice@example.com`;
export const DEVELOPER_MALLORY = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/developer/mallory@example.com`;

/** The deps the Lambdas build, on the simulated account, its clock and a state table. */
/**
 * The insider's move on a live grant: ModifySecurityGroupRules keeps the grant's rule id but gives it
 * the approved gateway→PostgreSQL access (after that approved rule was removed), so that revoking the
 * grant by id would delete approved access.
 */
export const movedOntoGatewayAccess = (ruleId: string) =>
  new ModifySecurityGroupRulesCommand({
    GroupId: GROUPS.postgres,
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: ruleId,
        SecurityGroupRule: {
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          ReferencedGroupId: GROUPS.gateway,
        },
      },
    ],
  });

/** The access a grant records: one tcp port from one CIDR on one group (a rule without id or tags). */
export const grantedAccess = (groupId: string, cidr: string, port = 5432): Rule =>
  grantAccessRule(groupId, {
    direction: 'ingress',
    protocol: 'tcp',
    fromPort: port,
    toPort: port,
    peer: { type: 'ipv4', cidr },
  });

export function grantDeps(sim: Simulation, store: GrantStore, overrides: { policy?: Policy } = {}) {
  const ec2 = new EC2Client({});
  return {
    sg: ec2SecurityGroups(ec2),
    tagger: ruleTagger(ec2),
    store,
    publish: snsPublisher(new SNSClient({}), TOPIC),
    now: sim.account.clock.now,
    policy: overrides.policy ?? policy,
  };
}

/** A Function URL event (payload 2.0) for a caller AWS verified with SigV4 (AWS_IAM auth). */
export function urlEvent(
  options: { method?: string; path?: string; body?: unknown; arn?: string; accountId?: string } = {},
) {
  const event = loadEvent<{
    rawPath: string;
    body?: string;
    requestContext: {
      http: { method: string; path: string };
      authorizer: { iam: { userArn: string; accountId: string } };
    };
  }>('grant/function-url-post-grants.json');
  const arn = options.arn ?? ONCALL_ALICE;
  event.rawPath = options.path ?? '/grants';
  event.requestContext.http.method = options.method ?? 'POST';
  event.requestContext.http.path = event.rawPath;
  event.requestContext.authorizer.iam.userArn = arn;
  event.requestContext.authorizer.iam.accountId = options.accountId ?? arn.split(':')[4] ?? '';
  if (options.body === undefined) delete event.body;
  else event.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return event;
}

/**
 * Inserts `groups` security groups and `grants` recorded grants spread over them: the rules straight
 * into the simulated state (no API calls, no CloudTrail) and the records into the state table.
 */
export async function seedGrants(
  sim: Simulation,
  store: GrantStore,
  options: { groups: number; grants: number; issuedAt: Date; ttlMs: number },
): Promise<string[]> {
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
    const access = grantedAccess(groupId, cidr);
    const fields = {
      groupId,
      access,
      owner: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/db-oncall/dev-${index}`,
      reason: 'bulk test',
      issuedAt: options.issuedAt,
      expiresAt: new Date(options.issuedAt.getTime() + options.ttlMs),
      createdAt: options.issuedAt,
    };
    await store.markLive(await store.putPending(fields), ruleId);
    sim.sg.rules.set(ruleId, {
      SecurityGroupRuleId: ruleId,
      GroupId: groupId,
      GroupOwnerId: sim.account.accountId,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      CidrIpv4: cidr,
      Tags: Object.entries(grantLabel(fields)).map(([Key, Value]) => ({ Key, Value })),
    });
    ruleIds.push(ruleId);
  }
  return ruleIds;
}

export function tagsOf(sim: Simulation, ruleId: string): Record<string, string> | undefined {
  const rule = sim.sg.rules.get(ruleId);
  return rule && Object.fromEntries((rule.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}
