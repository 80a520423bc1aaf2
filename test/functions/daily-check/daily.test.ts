import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { DAY_MS, dailyCheck } from '../../../functions/daily-check/daily';
import { type Digest, digestText } from '../../../shared/checks/digest';
import { digestBlocks } from '../../../shared/checks/digest-blocks';
import { callsOf, dailyDeps, mendEstate } from '../../helpers/checks';
import { findingsOf, useSimulation } from '../../helpers/simulation';
import { consoleUser, GROUPS, iamUser, netwardenRole, terraform } from '../../simulated-account/index';
import { tcp } from '../../simulated-account/permissions';

const simulation = useSimulation();
const ec2 = () => new EC2Client({});
const sectionOf = (digest: Digest, title: string) => digest.sections.find((entry) => entry.title === title);

describe('daily check on the simulated account', () => {
  it('reports every load balancer’s target groups with healthy/unhealthy counts, paging through ELBv2', async () => {
    const sim = simulation.current;
    const { digest } = await dailyCheck(sim.account.clock.now(), dailyDeps());
    expect(digest.counts[0]).toEqual({
      label: 'Targets healthy',
      value: '6/7 (2 load balancers)',
      status: 'critical',
    });
    expect(sectionOf(digest, 'Target groups with every target unhealthy')?.items).toEqual([
      'old-gateway-nlb › old-gateway-tg: 0/1 healthy — every target unhealthy, the NLB fails open and sends traffic to all of them: i-0old0000000000001:443 unhealthy (Target.FailedHealthChecks)',
    ]);
    // PageSize 1: two load balancers take two pages, four target groups four.
    expect(callsOf(sim, 'DescribeLoadBalancers').map((call) => call.input)).toEqual([
      { PageSize: 1 },
      { PageSize: 1, Marker: expect.any(String) },
    ]);
    expect(callsOf(sim, 'DescribeTargetGroups')).toHaveLength(4);
    // Health is read only for target groups behind a load balancer (legacy-tg-8080 is behind none).
    expect(
      callsOf(sim, 'DescribeTargetHealth').map(
        (call) => (call.input as { TargetGroupArn: string }).TargetGroupArn,
      ),
    ).toHaveLength(3);
  });

  it('lists metric and composite alarms in ALARM, over several DescribeAlarms pages', async () => {
    const sim = simulation.current;
    const composite = sim.checks.estate.alarms.find((alarm) => alarm.type === 'composite');
    if (composite)
      Object.assign(composite, {
        state: 'ALARM',
        reason: 'gateway-nlb-unhealthy-targets transitioned to ALARM',
      });
    const { digest } = await dailyCheck(sim.account.clock.now(), dailyDeps());
    expect(sectionOf(digest, 'Alarms in ALARM')?.items).toEqual([
      'old-gateway-nlb-unhealthy-targets (AWS/NetworkELB/UnHealthyHostCount) since 2026-11-03 09:00: Threshold Crossed: 2 out of the last 2 datapoints [1.0, 1.0] were greater than the threshold (0.0).',
      'gateway-front-door (composite) since 2026-11-20 09:00: gateway-nlb-unhealthy-targets transitioned to ALARM',
    ]);
    const calls = callsOf(sim, 'DescribeAlarms');
    expect(calls.map((call) => call.input)).toEqual([
      { StateValue: 'ALARM', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 1 },
      {
        StateValue: 'ALARM',
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        MaxRecords: 1,
        NextToken: expect.any(String),
      },
    ]);
  });

  it('reviews 24 hours of security-group changes from LookupEvents pages: who, from where, what netwarden did', async () => {
    const sim = simulation.current;
    const now = sim.account.clock.now();
    const at = (hoursAgo: number) =>
      sim.account.clock.set(new Date(now.getTime() - hoursAgo * 3_600_000).toISOString());
    at(30); // older than the window: not reported
    await sim.account.as(iamUser('old-change'), () =>
      ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.legacyApp,
          IpPermissions: [tcp(9000, '10.20.0.0/16')],
        }),
      ),
    );
    at(5);
    const alice = await sim.account.as(consoleUser('alice@example.com'), () =>
      ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '0.0.0.0/0')],
        }),
      ),
    );
    const created = (alice.result as { SecurityGroupRules: Array<{ SecurityGroupRuleId: string }> })
      .SecurityGroupRules[0];
    at(4.9);
    await sim.account.as(netwardenRole('revert-sg-drift'), () =>
      ec2().send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          SecurityGroupRuleIds: [created?.SecurityGroupRuleId ?? ''],
        }),
      ),
    );
    at(3);
    await sim.account.as(consoleUser('bob@example.com', '198.51.100.77'), () =>
      ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.legacyApp,
          IpPermissions: [tcp(9001, '10.20.0.0/16')],
        }),
      ),
    );
    at(2);
    await sim.account.as(terraform(), () =>
      ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.mysql,
          IpPermissions: [tcp(3306, '10.30.0.0/16')],
        }),
      ),
    );
    sim.account.clock.set(now.toISOString());

    const { digest } = await dailyCheck(now, dailyDeps());
    expect(sectionOf(digest, 'Hand-made security-group changes still in place')?.items).toEqual([
      `06:00 bob@example.com via role AWSReservedSSO_AdministratorAccess_0123456789abcdef in the console from 198.51.100.77: AuthorizeSecurityGroupIngress legacy-app-sg (${GROUPS.legacyApp}): tcp 9001 from 10.20.0.0/16 → netwarden did not act (group not protected, approved, or report mode): still in place`,
    ]);
    expect(sectionOf(digest, 'Security-group changes in the last 24 hours')?.items).toEqual([
      `04:00 alice@example.com via role AWSReservedSSO_AdministratorAccess_0123456789abcdef in the console from 203.0.113.45: AuthorizeSecurityGroupIngress rds-postgres-sg (${GROUPS.postgres}): tcp 5432 from 0.0.0.0/0 → reverted by netwarden at 04:06`,
      `07:00 terraform-apply-4821 via role terraform-ci from 52.78.10.20: AuthorizeSecurityGroupIngress rds-mysql-sg (${GROUPS.mysql}): tcp 3306 from 10.30.0.0/16 → trusted principal: left in place`,
    ]);
    // netwarden's revoke answered alice's change, so it is not listed again on its own.
    expect(sectionOf(digest, 'netwarden’s own changes')).toBeUndefined();
    // The names come from one DescribeSecurityGroups filtered on the groups mentioned, never GroupIds:
    // a group deleted since the change would fail the whole call.
    expect(callsOf(sim, 'DescribeSecurityGroups').map((call) => call.input)).toEqual([
      {
        Filters: [{ Name: 'group-id', Values: [GROUPS.postgres, GROUPS.legacyApp, GROUPS.mysql] }],
        MaxResults: 5,
      },
    ]);

    // One query per API (LookupEvents takes one attribute), each over the last 24 hours, paged by 2.
    const lookups = callsOf(sim, 'LookupEvents').map(
      (call) =>
        call.input as {
          LookupAttributes: Array<{ AttributeValue: string }>;
          StartTime: Date;
          EndTime: Date;
          NextToken?: string;
        },
    );
    const ingress = lookups.filter(
      (input) => input.LookupAttributes[0]?.AttributeValue === 'AuthorizeSecurityGroupIngress',
    );
    expect(ingress).toHaveLength(2);
    expect(ingress[1]?.NextToken).toEqual(expect.any(String));
    expect(new Set(lookups.map((input) => input.LookupAttributes[0]?.AttributeValue))).toEqual(
      new Set([
        'AuthorizeSecurityGroupIngress',
        'AuthorizeSecurityGroupEgress',
        'RevokeSecurityGroupIngress',
        'RevokeSecurityGroupEgress',
        'ModifySecurityGroupRules',
      ]),
    );
    for (const input of lookups) {
      expect(input.LookupAttributes).toHaveLength(1);
      expect(new Date(input.StartTime).getTime()).toBe(now.getTime() - DAY_MS);
    }
  });

  it('lists active grants and those expiring today from one tag-filtered, paged DescribeSecurityGroupRules query', async () => {
    const sim = simulation.current;
    const grant = (cidr: string, expiresAt: string, owner: string) =>
      sim.account.as(netwardenRole('grant-access'), () =>
        ec2().send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: GROUPS.postgres,
            IpPermissions: [tcp(5432, cidr)],
            TagSpecifications: [
              {
                ResourceType: 'security-group-rule',
                Tags: [
                  { Key: 'netwarden:grant-expires-at', Value: expiresAt },
                  { Key: 'netwarden:grant-owner', Value: owner },
                  { Key: 'netwarden:grant-reason', Value: 'INC-1' },
                ],
              },
            ],
          }),
        ),
      );
    await grant('203.0.113.1/32', '2026-11-23T09:00:00Z', 'dave'); // 18:00 in Seoul today
    await grant('203.0.113.2/32', '2026-11-23T16:00:00Z', 'erin'); // 01:00 tomorrow in Seoul
    await grant('203.0.113.3/32', '2026-11-22T23:00:00Z', 'frank'); // an hour ago: overdue
    for (let index = 4; index < 7; index += 1)
      await grant(`203.0.113.${index}/32`, '2026-11-24T03:00:00Z', `dev${index}`);

    const { digest } = await dailyCheck(sim.account.clock.now(), dailyDeps());
    expect(sectionOf(digest, 'Grants expiring today')?.items).toEqual([
      `tcp 5432 from 203.0.113.1/32 on rds-postgres-sg (${GROUPS.postgres}) for dave (“INC-1”): expires 18:00 (in 9h)`,
    ]);
    expect(sectionOf(digest, 'Grants past their expiry')?.items).toEqual([
      `tcp 5432 from 203.0.113.3/32 on rds-postgres-sg (${GROUPS.postgres}) for frank (“INC-1”): expired 1h ago and is still open`,
    ]);
    expect(sectionOf(digest, 'Active grants')?.items).toHaveLength(4);
    expect(digest.counts[3]?.value).toBe('5 active, 1 expiring today, 1 overdue');
    const queries = callsOf(sim, 'DescribeSecurityGroupRules');
    expect(queries.map((call) => call.input)).toEqual([
      { Filters: [{ Name: 'tag:netwarden:grant-expires-at', Values: ['*'] }], MaxResults: 5 },
      {
        Filters: [{ Name: 'tag:netwarden:grant-expires-at', Values: ['*'] }],
        MaxResults: 5,
        NextToken: expect.any(String),
      },
    ]);
  });

  it('says a clean day in one line, in the terminal and in Slack, and publishes it as check.daily', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    const { digest, finding } = await dailyCheck(sim.account.clock.now(), dailyDeps());
    expect(digestText(digest)).toEqual([
      '✓ Daily check 2026-11-23: all clear — 6/6 targets healthy on 1 load balancer, no alarms, no security-group changes, no grants',
    ]);
    const slack = digestBlocks(digest);
    expect(slack.blocks).toHaveLength(1);
    expect(slack.text).toBe(
      'Daily check 2026-11-23: all clear — 6/6 targets healthy on 1 load balancer, no alarms, no security-group changes, no grants',
    );
    expect(findingsOf(sim)).toEqual([finding]);
    expect(finding).toMatchObject({
      kind: 'check.daily',
      severity: 'info',
      mode: 'report',
      outcome: 'no-action',
      details: { digest },
    });
  });

  it('only reads: its one write is the published digest', async () => {
    const sim = simulation.current;
    await dailyCheck(sim.account.clock.now(), dailyDeps());
    expect(sim.account.writes().map((call) => `${call.service}.${call.command}`)).toEqual(['SNS.Publish']);
  });

  it('names a part that could not be read and still reports the rest', async () => {
    const sim = simulation.current;
    const { digest } = await dailyCheck(
      sim.account.clock.now(),
      dailyDeps({
        alarms: {
          alarmsInAlarm: () =>
            Promise.reject(new Error('User is not authorized to perform: cloudwatch:DescribeAlarms')),
        },
      }),
    );
    expect(sectionOf(digest, 'Checks that could not run')?.items).toEqual([
      'alarms: User is not authorized to perform: cloudwatch:DescribeAlarms',
    ]);
    expect(sectionOf(digest, 'Target groups with every target unhealthy')?.items).toHaveLength(1);
  });

  it('shows a group by id when its name cannot be looked up, and says why', async () => {
    const sim = simulation.current;
    await sim.account.as(consoleUser('alice@example.com'), () =>
      ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '0.0.0.0/0')],
        }),
      ),
    );
    const reads = dailyDeps();
    const { digest } = await dailyCheck(
      sim.account.clock.now(),
      dailyDeps({
        sg: {
          rulesTagged: reads.sg.rulesTagged,
          groupNames: () =>
            Promise.reject(new Error('User is not authorized to perform: ec2:DescribeSecurityGroups')),
        },
      }),
    );
    expect(sectionOf(digest, 'Checks that could not run')?.items).toEqual([
      'security-group names: User is not authorized to perform: ec2:DescribeSecurityGroups',
    ]);
    expect(sectionOf(digest, 'Hand-made security-group changes still in place')?.items).toEqual([
      expect.stringContaining(`AuthorizeSecurityGroupIngress ${GROUPS.postgres}: tcp 5432 from 0.0.0.0/0 →`),
    ]);
  });
});
