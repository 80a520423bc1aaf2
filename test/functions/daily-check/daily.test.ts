import {
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  DeregisterTargetsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { DAY_MS, dailyCheck } from '../../../functions/daily-check/daily';
import { type Digest, digestText, summaryLine } from '../../../shared/audits/digest';
import { GRANT_TAGS, grantLabel } from '../../../shared/grants/tags';
import { digestBlocks } from '../../../shared/slack/digest-blocks';
import {
  ACCOUNT_ID,
  consoleUser,
  disableHealthChecks,
  GATEWAY_INSTANCES,
  GROUPS,
  iamUser,
  netwardenRole,
  stopInstance,
  TARGET_GROUPS,
  terraform,
} from '../../../simulated-account/index';
import { tcp } from '../../../simulated-account/permissions';
import { callsOf, dailyDeps, mendEstate } from '../../helpers/audits';
import { grantedAccess } from '../../helpers/grants';
import { findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const simulation = useSimulation();
const table = useStateTable();
const ec2 = () => new EC2Client({});
const sectionOf = (digest: Digest, title: string) => digest.sections.find((entry) => entry.title === title);
const itemsOf = (digest: Digest) => digest.sections.flatMap((entry) => entry.items);
const oncall = (user: string) => `arn:aws:sts::${ACCOUNT_ID}:assumed-role/db-oncall/${user}`;

/** What grant-access does: the rule (labelled with grant tags) and its record in the state table. */
async function recordGrant(
  cidr: string,
  expiresAt: string,
  owner: string,
  reason = 'INC-1',
): Promise<string> {
  const sim = simulation.current;
  const fields = {
    groupId: GROUPS.postgres,
    access: grantedAccess(GROUPS.postgres, cidr),
    owner,
    reason,
    issuedAt: new Date('2026-11-22T09:00:00Z'),
    expiresAt: new Date(expiresAt),
    createdAt: new Date('2026-11-22T09:00:00Z'),
  };
  const { result } = await sim.account.as(netwardenRole('grant-access'), () =>
    ec2().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        IpPermissions: [tcp(5432, cidr)],
        TagSpecifications: [
          {
            ResourceType: 'security-group-rule',
            Tags: Object.entries(grantLabel(fields)).map(([Key, Value]) => ({ Key, Value })),
          },
        ],
      }),
    ),
  );
  const ruleId =
    (result as { SecurityGroupRules: Array<{ SecurityGroupRuleId: string }> }).SecurityGroupRules[0]
      ?.SecurityGroupRuleId ?? '';
  await table.current.store.markLive(await table.current.store.putPending(fields), ruleId);
  return ruleId;
}

describe('daily check on the simulated account', () => {
  it('reports every load balancer’s target groups with healthy/unhealthy counts, paging through ELBv2', async () => {
    const sim = simulation.current;
    const { digest } = await dailyCheck(sim.account.clock.now(), dailyDeps());
    expect(digest.counts[0]).toEqual({
      label: 'Targets healthy',
      value: '6/7 (2 load balancers)',
      status: 'critical',
    });
    expect(sectionOf(digest, 'Target groups with no healthy target')?.items).toEqual([
      'old-gateway-nlb › old-gateway-tg: 0/1 healthy — no target is healthy, the NLB fails open and sends traffic to all of them: i-0old0000000000001:443 unhealthy (Target.FailedHealthChecks)',
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

  it('lists the open grants of the state table with their recorded owner, reason and expiry; overdue ones are critical', async () => {
    const sim = simulation.current;
    await recordGrant('203.0.113.1/32', '2026-11-23T09:00:00Z', oncall('dave')); // 18:00 in Seoul today
    await recordGrant('203.0.113.2/32', '2026-11-23T16:00:00Z', oncall('erin')); // 01:00 tomorrow in Seoul
    // An hour ago, still live: expire-grants has not settled it.
    const frank = await recordGrant('203.0.113.3/32', '2026-11-22T23:00:00Z', oncall('frank'));
    for (let index = 4; index < 7; index += 1)
      await recordGrant(`203.0.113.${index}/32`, '2026-11-24T03:00:00Z', oncall(`dev${index}`));

    const { digest } = await dailyCheck(sim.account.clock.now(), dailyDeps());
    expect(sectionOf(digest, 'Grants expiring today')?.items).toEqual([
      expect.stringMatching(
        new RegExp(
          `^tcp 5432 from 203\\.0\\.113\\.1/32 \\(sgr-\\w+\\) on rds-postgres-sg \\(${GROUPS.postgres}\\) for arn:aws:sts::${ACCOUNT_ID}:assumed-role/db-oncall/dave \\(“INC-1”\\): expires 18:00 \\(in 9h\\)$`,
        ),
      ),
    ]);
    expect(sectionOf(digest, 'Grants past their expiry')).toMatchObject({
      severity: 'critical',
      items: [
        `tcp 5432 from 203.0.113.3/32 (${frank}) on rds-postgres-sg (${GROUPS.postgres}) for ${oncall('frank')} (“INC-1”): expired 1h ago and expire-grants has not closed it`,
      ],
    });
    expect(sectionOf(digest, 'Active grants')?.items).toHaveLength(4);
    expect(sectionOf(digest, 'Forged grant tags')).toBeUndefined();
    expect(digest.counts[3]).toEqual({
      label: 'Grants',
      value: '5 active, 1 expiring today, 1 overdue',
      status: 'critical',
    });
    // The tags are read once (tag-filtered, paged) only to look for forged ones.
    const queries = callsOf(sim, 'DescribeSecurityGroupRules');
    expect(queries.map((call) => call.input)).toEqual([
      { Filters: [{ Name: 'tag-key', Values: ['netwarden:grant-*'] }], MaxResults: 5 },
      {
        Filters: [{ Name: 'tag-key', Values: ['netwarden:grant-*'] }],
        MaxResults: 5,
        NextToken: expect.any(String),
      },
    ]);
  });

  it('lists a rule with forged grant tags only as a forged grant tag, never as a grant of the owner it names', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    // Anyone with ec2:CreateTags can write the label: mallory opens 5432 and "grants" it to alice.
    const { result } = await sim.account.as(iamUser('mallory'), () =>
      ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '198.51.100.66/32')],
          TagSpecifications: [
            {
              ResourceType: 'security-group-rule',
              Tags: [
                { Key: GRANT_TAGS.expiresAt, Value: '2026-11-23T09:00:00Z' },
                { Key: GRANT_TAGS.owner, Value: 'alice@example.com' },
                { Key: GRANT_TAGS.reason, Value: 'INC-7 approved' },
              ],
            },
          ],
        }),
      ),
    );
    const ruleId =
      (result as { SecurityGroupRules: Array<{ SecurityGroupRuleId: string }> }).SecurityGroupRules[0]
        ?.SecurityGroupRuleId ?? '';

    const { digest, finding } = await dailyCheck(sim.account.clock.now(), dailyDeps());
    expect(sectionOf(digest, 'Forged grant tags')).toEqual({
      title: 'Forged grant tags',
      severity: 'critical',
      items: [
        `tcp 5432 from 198.51.100.66/32 (${ruleId}) on rds-postgres-sg (${GROUPS.postgres}): carries grant tags but netwarden recorded no such grant (the tags claim owner "alice@example.com", expiry "2026-11-23T09:00:00Z") — not a grant: judged like any hand-made rule`,
      ],
      omitted: 0,
    });
    for (const title of ['Grants expiring today', 'Active grants', 'Grants past their expiry'])
      expect(sectionOf(digest, title)).toBeUndefined();
    expect(itemsOf(digest).filter((item) => item.includes('for alice@example.com'))).toEqual([]);
    expect(digest.counts[3]).toEqual({
      label: 'Grants',
      value: '0 active, 0 expiring today, 1 forged tag',
      status: 'critical',
    });
    expect(finding.severity).toBe('critical');
  });

  it('finds a forged grant whose only grant tag is an owner label', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    await sim.account.as(iamUser('mallory'), () =>
      ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '198.51.100.67/32')],
          TagSpecifications: [
            {
              ResourceType: 'security-group-rule',
              Tags: [{ Key: GRANT_TAGS.owner, Value: 'alice@example.com' }],
            },
          ],
        }),
      ),
    );

    const { digest } = await dailyCheck(sim.account.clock.now(), dailyDeps());

    expect(sectionOf(digest, 'Forged grant tags')?.items).toEqual([
      expect.stringMatching(
        /^tcp 5432 from 198\.51\.100\.67\/32 .*the tags claim owner "alice@example\.com"/,
      ),
    ]);
  });

  it('lists a recorded grant with its recorded owner and expiry after its tags were rewritten or stripped', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    const rewritten = await recordGrant('203.0.113.1/32', '2026-11-23T09:00:00Z', oncall('dave'), 'INC-2');
    const stripped = await recordGrant('203.0.113.2/32', '2026-11-24T03:00:00Z', oncall('erin'), 'INC-3');
    await sim.account.as(iamUser('mallory'), async () => {
      await ec2().send(
        new CreateTagsCommand({
          Resources: [rewritten],
          Tags: [
            { Key: GRANT_TAGS.owner, Value: 'mallory' },
            { Key: GRANT_TAGS.expiresAt, Value: '2027-01-01T00:00:00Z' },
          ],
        }),
      );
      await ec2().send(
        new DeleteTagsCommand({
          Resources: [stripped],
          Tags: Object.values(GRANT_TAGS).map((Key) => ({ Key })),
        }),
      );
    });

    const { digest } = await dailyCheck(sim.account.clock.now(), dailyDeps());
    expect(sectionOf(digest, 'Grants expiring today')?.items).toEqual([
      `tcp 5432 from 203.0.113.1/32 (${rewritten}) on rds-postgres-sg (${GROUPS.postgres}) for ${oncall('dave')} (“INC-2”): expires 18:00 (in 9h)`,
    ]);
    expect(sectionOf(digest, 'Active grants')?.items).toEqual([
      `tcp 5432 from 203.0.113.2/32 (${stripped}) on rds-postgres-sg (${GROUPS.postgres}) for ${oncall('erin')} (“INC-3”): expires 2026-11-24 12:00`,
    ]);
    // The rewritten label is still the label of a recorded grant: not forged, and its claims not shown.
    expect(sectionOf(digest, 'Forged grant tags')).toBeUndefined();
    expect(itemsOf(digest).filter((item) => item.includes('mallory'))).toEqual([]);
  });

  it('names an unreadable state table as a check that could not run, never "0 grants" or all clear', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    await recordGrant('203.0.113.1/32', '2026-11-23T09:00:00Z', oncall('dave'));
    const { digest, finding } = await dailyCheck(
      sim.account.clock.now(),
      dailyDeps({
        grants: {
          open: () =>
            Promise.reject(new Error('User is not authorized to perform: dynamodb:Query on resource')),
        },
      }),
    );
    expect(sectionOf(digest, 'Checks that could not run')?.items).toEqual([
      'grants (state table): User is not authorized to perform: dynamodb:Query on resource',
      'grant tags: 1 rule carrying grant tags could not be checked against the state table',
    ]);
    expect(digest.counts[3]).toEqual({ label: 'Grants', value: 'not read (state table)', status: 'warning' });
    // Without the records a tagged rule is neither a grant nor forged.
    for (const title of ['Grants expiring today', 'Active grants', 'Forged grant tags'])
      expect(sectionOf(digest, title)).toBeUndefined();
    expect(summaryLine(digest)).not.toContain('all clear');
    expect(digestText(digest)[0]).not.toContain('all clear');
    expect(summaryLine(digest)).toContain('Grants not read (state table)');
    expect(finding.severity).toBe('warning');
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
    expect(sectionOf(digest, 'Target groups with no healthy target')?.items).toHaveLength(1);
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
          rulesWithTagKey: reads.sg.rulesWithTagKey,
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

describe('the daily digest tells the truth about target health', () => {
  const [first, second, third] = GATEWAY_INSTANCES;

  it('every gateway instance stopped: 0/6 healthy is critical, never "all clear"', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    for (const id of GATEWAY_INSTANCES) stopInstance(sim, id);

    const { digest, finding } = await dailyCheck(sim.account.clock.now(), dailyDeps());

    expect(digest.counts[0]).toEqual({
      label: 'Targets healthy',
      value: '0/6 (1 load balancer)',
      status: 'critical',
    });
    // A stopped instance's target is unused / Target.InvalidState, as ELBv2 reports it.
    expect(sectionOf(digest, 'Target groups with no healthy target')?.items).toEqual([
      `gateway-nlb › gateway-tg-https: 0/3 healthy — no target is healthy, nothing is serving: ${first}:80 unused (Target.InvalidState), ${second}:80 unused (Target.InvalidState), ${third}:80 unused (Target.InvalidState)`,
      `gateway-nlb › gateway-tg-custom: 0/3 healthy — no target is healthy, nothing is serving: ${first}:9995 unused (Target.InvalidState), ${second}:9995 unused (Target.InvalidState), ${third}:9995 unused (Target.InvalidState)`,
    ]);
    expect(summaryLine(digest)).not.toContain('all clear');
    expect(finding.severity).toBe('critical');
    expect(finding.title).toBe(
      'Daily check 2026-11-23: Targets healthy 0/6 (1 load balancer) · Alarms 0 · SG changes (24h) 0 · Grants 0 active, 0 expiring today',
    );
  });

  it('counts unavailable (health checks disabled) and draining targets as not healthy', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    disableHealthChecks(sim, TARGET_GROUPS.custom);
    await sim.account.as(consoleUser('alice@example.com'), () =>
      new ElasticLoadBalancingV2Client({}).send(
        new DeregisterTargetsCommand({ TargetGroupArn: TARGET_GROUPS.https, Targets: [{ Id: first }] }),
      ),
    );

    const { digest, finding } = await dailyCheck(sim.account.clock.now(), dailyDeps());

    expect(digest.counts[0]).toMatchObject({ value: '2/6 (1 load balancer)', status: 'critical' });
    expect(sectionOf(digest, 'Targets not healthy')?.items).toEqual([
      `gateway-nlb › gateway-tg-https: 2/3 healthy — ${first}:80 draining (Target.DeregistrationInProgress)`,
    ]);
    expect(sectionOf(digest, 'Target groups with no healthy target')?.items).toEqual([
      `gateway-nlb › gateway-tg-custom: 0/3 healthy — no target is healthy, nothing is serving: ${first}:9995 unavailable (Target.HealthCheckDisabled), ${second}:9995 unavailable (Target.HealthCheckDisabled), ${third}:9995 unavailable (Target.HealthCheckDisabled)`,
    ]);
    expect(finding.severity).toBe('critical');
  });

  it('lists targets in their first health checks: not a problem yet, but not "all clear" either', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    const instance = sim.instances.instances.get(second);
    if (instance) instance.upSince = sim.account.clock.now().getTime() - 30_000;

    const { digest, finding } = await dailyCheck(sim.account.clock.now(), dailyDeps());

    expect(digest.counts[0]).toMatchObject({ value: '4/6 (1 load balancer)', status: 'info' });
    expect(sectionOf(digest, 'Targets in their first health checks')?.items).toEqual([
      `gateway-nlb › gateway-tg-https: 2/3 healthy — first health checks in progress: ${second}:80 initial (Elb.InitialHealthChecking)`,
      `gateway-nlb › gateway-tg-custom: 2/3 healthy — first health checks in progress: ${second}:9995 initial (Elb.InitialHealthChecking)`,
    ]);
    expect(summaryLine(digest)).not.toContain('all clear');
    expect(finding.severity).toBe('info');
  });
});

describe('the daily digest names the checks that could not run', () => {
  it('CloudTrail unreadable: "SG changes not read", in the headline and in Slack, never "0 · ok"', async () => {
    const sim = simulation.current;
    mendEstate(sim);

    const { digest, finding } = await dailyCheck(
      sim.account.clock.now(),
      dailyDeps({
        trail: {
          securityGroupEvents: () =>
            Promise.reject(new Error('User is not authorized to perform: cloudtrail:LookupEvents')),
        },
      }),
    );

    expect(digest.counts[2]).toEqual({
      label: 'SG changes (24h)',
      value: 'not read (CloudTrail)',
      status: 'warning',
    });
    expect(digest.notRun).toEqual(['security-group changes (CloudTrail)']);
    expect(summaryLine(digest)).toBe(
      'Daily check 2026-11-23: could not run: security-group changes (CloudTrail) · Targets healthy 6/6 (1 load balancer) · Alarms 0 · SG changes (24h) not read (CloudTrail) · Grants 0 active, 0 expiring today',
    );
    expect(sectionOf(digest, 'Checks that could not run')?.items).toEqual([
      'security-group changes (CloudTrail): User is not authorized to perform: cloudtrail:LookupEvents',
    ]);
    const slack = JSON.stringify(digestBlocks(digest).blocks);
    expect(slack).toContain(':warning: could not run: *security-group changes (CloudTrail)*');
    expect(slack).toContain(':warning: SG changes (24h) *not read (CloudTrail)*');
    expect(slack).not.toContain(':white_check_mark: SG changes');
    expect(finding.severity).toBe('warning');
    expect(finding.title).toBe(summaryLine(digest));
  });

  it('target health and alarms unreadable: neither "0/0 healthy" nor "0 alarms"', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    const reads = dailyDeps();

    const { digest } = await dailyCheck(
      sim.account.clock.now(),
      dailyDeps({
        elb: {
          ...reads.elb,
          targetHealth: () =>
            Promise.reject(
              new Error('User is not authorized to perform: elasticloadbalancing:DescribeTargetHealth'),
            ),
        },
        alarms: { alarmsInAlarm: () => Promise.reject(new Error('Rate exceeded')) },
      }),
    );

    expect(digest.counts.slice(0, 2)).toEqual([
      { label: 'Targets healthy', value: 'not read (ELBv2)', status: 'warning' },
      { label: 'Alarms', value: 'not read (CloudWatch)', status: 'warning' },
    ]);
    expect(summaryLine(digest)).toMatch(/^Daily check 2026-11-23: could not run: alarms, target health · /);
  });
});
