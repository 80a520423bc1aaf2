import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { describeChange, reviewChanges } from '../../../shared/audits/changes';
import { clockIn } from '../../../shared/audits/time';
import type { TrailRecord } from '../../../shared/estate/monitoring';
import { consoleUser, GROUPS, netwardenRole } from '../../../simulated-account/index';
import { useSimulation } from '../../helpers/simulation';

const simulation = useSimulation();
const context = {
  selfRoles: ['arn:aws:iam::*:role/netwarden-demo-*'],
  trustedPrincipals: [],
  clock: clockIn('Asia/Seoul'),
};
const records = (): TrailRecord[] =>
  simulation.current.account.trail.map((event) => ({
    eventId: String(event.detail.eventID),
    eventName: String(event.detail.eventName),
    cloudTrailEvent: JSON.stringify(event.detail),
  }));

describe('reviewChanges', () => {
  it('says an edited approved rule was reverted and restored by netwarden, from its later calls', async () => {
    const sim = simulation.current;
    const ec2 = new EC2Client({});
    const approved = [...sim.sg.rules.values()].find((rule) => rule.GroupId === GROUPS.postgres);
    const ruleId = approved?.SecurityGroupRuleId ?? '';
    await sim.account.as(consoleUser('carol@example.com', '192.0.2.10'), () =>
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: GROUPS.postgres,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: ruleId,
              SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIpv4: '10.0.0.0/8' },
            },
          ],
        }),
      ),
    );
    sim.account.clock.advance(60_000);
    await sim.account.as(netwardenRole('revert-sg-drift'), async () => {
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: GROUPS.postgres, SecurityGroupRuleIds: [ruleId] }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 5432,
              ToPort: 5432,
              UserIdGroupPairs: [{ GroupId: GROUPS.gateway }],
            },
          ],
        }),
      );
    });
    const review = reviewChanges(records(), context);
    expect(review.changes).toEqual([
      expect.objectContaining({
        who: 'carol@example.com via role AWSReservedSSO_AdministratorAccess_0123456789abcdef in the console from 192.0.2.10',
        eventName: 'ModifySecurityGroupRules',
        group: GROUPS.postgres,
        detail: `${ruleId} now tcp 5432 10.0.0.0/8`,
        outcome: 'reverted by netwarden at 09:01; approved rule restored by netwarden at 09:01',
        needsAttention: false,
      }),
    ]);
    expect(review.own).toEqual([]);
  });

  it('describes a change with the group name when it is known, the id alone when not', () => {
    const change = {
      eventName: 'AuthorizeSecurityGroupIngress',
      group: GROUPS.postgres,
      detail: 'tcp 5432 from 0.0.0.0/0',
    };
    expect(describeChange(change, new Map([[GROUPS.postgres, 'rds-postgres-sg']]))).toBe(
      `AuthorizeSecurityGroupIngress rds-postgres-sg (${GROUPS.postgres}): tcp 5432 from 0.0.0.0/0`,
    );
    expect(describeChange(change)).toBe(
      `AuthorizeSecurityGroupIngress ${GROUPS.postgres}: tcp 5432 from 0.0.0.0/0`,
    );
    expect(
      describeChange({
        eventName: 'AuthorizeSecurityGroupIngress',
        detail: '(failed: Client.UnauthorizedOperation)',
      }),
    ).toBe('AuthorizeSecurityGroupIngress (failed: Client.UnauthorizedOperation)');
  });

  it('says a failed call changed nothing, and names a record it cannot read without dropping the rest', async () => {
    const sim = simulation.current;
    const ec2 = new EC2Client({});
    await sim.account.as(consoleUser('dan@example.com'), () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.mysql,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.20.0.0/16' }] },
          ],
        }),
      ),
    );
    const review = reviewChanges(
      [
        ...records(),
        { eventId: 'e-bad', eventName: 'AuthorizeSecurityGroupIngress', cloudTrailEvent: '{"eventID":' },
      ],
      context,
    );
    expect(review.changes.map((change) => change.outcome)).toEqual([
      'failed with Client.InvalidPermission.Duplicate: changed nothing',
    ]);
    expect(review.unreadable).toEqual([expect.stringMatching(/^AuthorizeSecurityGroupIngress e-bad: /)]);
  });
});
