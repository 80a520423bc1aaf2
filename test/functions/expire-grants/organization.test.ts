/**
 * expire-grants with an organisation: a grant recorded in a member account is revoked in that member,
 * through its member role, and a central grant on the same group id and access with the function's own
 * role; neither account sees the other's revoke.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ec2SecurityGroups } from '../../../shared/aws/ec2/security-groups';
import type { Finding } from '../../../shared/findings/finding';
import { GROUPS, type Simulation } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import {
  createSimulatedOrganization,
  type SimulatedOrganization,
} from '../../../simulated-account/organization';
import { grantedAccess, ONCALL_ALICE } from '../../helpers/grants';
import {
  MEMBER_B as B,
  deployWithPolicy,
  EXTERNAL_ID,
  memberRoleArnOf,
  organizationSection,
  stackSetRoles,
} from '../../helpers/organization';
import { useStateTable } from '../../helpers/state-table';

const CIDR = '203.0.113.7/32';
const table = useStateTable();
let org: SimulatedOrganization;

beforeEach(() => {
  org = createSimulatedOrganization({
    members: [{ id: B, roles: stackSetRoles(B) }],
  });
  deployWithPolicy(org, organizationSection({ [B]: 'name: gateway-prod' }));
});
afterEach(() => {
  org.restore();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

/** The grant's rule in `sim` (made with that account's keys) and its live record, due a minute ago. */
async function dueGrantIn(sim: Simulation, account: string | undefined): Promise<string> {
  const ec2 = new EC2Client({
    credentials: { accessKeyId: account ? org.accessKeyOf(account) : 'AKIACENTRAL', secretAccessKey: 'x' },
  });
  const access = grantedAccess(GROUPS.postgres, CIDR);
  const added = await ec2SecurityGroups(ec2).authorizeRules(GROUPS.postgres, 'ingress', [access]);
  const ruleId = added.created?.[0]?.ruleId ?? '';
  const now = sim.account.clock.now().getTime();
  const { store } = table.current;
  await store.markLive(
    await store.putPending({
      groupId: GROUPS.postgres,
      ...(account ? { account } : {}),
      access,
      owner: ONCALL_ALICE,
      reason: 'INC-4821',
      issuedAt: new Date(now - 3_600_000),
      expiresAt: new Date(now - 60_000),
      createdAt: new Date(now - 3_600_000),
    }),
    ruleId,
  );
  return ruleId;
}

const granted = (sim: Simulation) =>
  [...sim.sg.rules.values()].filter((rule) => rule.GroupId === GROUPS.postgres && rule.CidrIpv4 === CIDR);
const revokes = (sim: Simulation) =>
  sim.account
    .writes()
    .filter((call) => call.command === 'RevokeSecurityGroupIngress')
    .map((call) => call.input);

describe('expire-grants with an organisation', () => {
  it('revokes a member’s grant in the member through its role, and the central one with its own', async () => {
    const inB = await dueGrantIn(org.member(B), B);
    const central = await dueGrantIn(org.central, undefined);
    const { handler } = await import('../../../functions/expire-grants/handler');
    org.runAs('expire-grants');

    const result = await handler(loadEvent('schedule/expire-grants.json'), lambdaContext());

    expect(result).toMatchObject({ status: 'swept' });
    expect([...(result as { expired: string[] }).expired].sort()).toEqual([central, inB].sort());
    expect(revokes(org.member(B))).toEqual([{ GroupId: GROUPS.postgres, SecurityGroupRuleIds: [inB] }]);
    expect(revokes(org.central)).toEqual([{ GroupId: GROUPS.postgres, SecurityGroupRuleIds: [central] }]);
    expect(granted(org.member(B))).toEqual([]);
    expect(granted(org.central)).toEqual([]);
    expect(org.assumeRoles).toEqual([
      {
        roleArn: memberRoleArnOf(B, 'expire-grants'),
        sessionName: 'netwarden-expire-grants',
        externalId: EXTERNAL_ID,
        outcome: 'issued',
      },
    ]);
    const findings = org.central.published.map((message) => JSON.parse(message.message) as Finding);
    expect(
      findings
        .filter((finding) => finding.kind === 'grant.expired')
        .map((finding) => finding.account ?? 'central')
        .sort(),
    ).toEqual([B, 'central'].sort());
    expect(await table.current.store.open()).toEqual([]);
  });
});
