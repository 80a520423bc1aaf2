import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { weeklyCheck } from '../../../functions/weekly-check/weekly';
import { type Digest, digestText } from '../../../shared/audits/digest';
import { parsePolicy } from '../../../shared/policy/load';
import type { Simulation } from '../../../simulated-account/index';
import {
  GROUPS,
  LISTENERS,
  OLD_CERTIFICATE_ARN,
  OLD_LISTENER_ARN,
  TARGET_GROUPS,
  TERRAFORM_STATE,
} from '../../../simulated-account/index';
import { callsOf, mendEstate, testPolicy, weeklyDeps } from '../../helpers/audits';
import { findingsOf, useSimulation } from '../../helpers/simulation';

const simulation = useSimulation();
const itemsOf = (digest: Digest, title: string) =>
  digest.sections.find((entry) => entry.title === title)?.items;

/** Puts a rule straight into the simulated account (no CloudTrail: the audit reads state, not events). */
function addRule(
  sim: Simulation,
  rule: Omit<SecurityGroupRule, 'SecurityGroupRuleId' | 'GroupOwnerId'>,
): string {
  const id = sim.account.newId('sgr');
  sim.sg.rules.set(id, {
    ...rule,
    SecurityGroupRuleId: id,
    GroupOwnerId: sim.account.accountId,
    Tags: rule.Tags ?? [],
  });
  return id;
}
const ingress = (
  groupId: string,
  port: number,
  peer: Partial<SecurityGroupRule>,
  tags: Array<{ Key: string; Value: string }> = [],
) => ({
  GroupId: groupId,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  Tags: tags,
  ...peer,
});

describe('weekly check on the simulated account: the security-group audit', () => {
  it('finds each category, with the baseline from the policy and the Terraform state, paging every EC2 list call', async () => {
    const sim = simulation.current;
    // Drift against Terraform state: someone removed docdb's rule by hand.
    for (const [id, rule] of sim.sg.rules) if (rule.GroupId === GROUPS.docdb) sim.sg.rules.delete(id);
    const world = addRule(sim, ingress(GROUPS.postgres, 5432, { CidrIpv4: '0.0.0.0/0' }));
    const redundant = addRule(sim, ingress(GROUPS.legacyApp, 8080, { CidrIpv4: '10.20.8.0/22' }));
    const dangling = addRule(
      sim,
      ingress(GROUPS.legacyApp, 5432, {
        ReferencedGroupInfo: { GroupId: 'sg-0dead00000000dead', UserId: sim.account.accountId },
      }),
    );
    const breakGlass = addRule(
      sim,
      ingress(GROUPS.gateway, 22, { CidrIpv4: '10.20.1.0/24' }, [
        { Key: 'netwarden:ignore', Value: 'vendor window OPS-42' },
      ]),
    );
    // Six stale groups: DescribeStaleSecurityGroups pages by 5.
    sim.checks.network.stale.set(
      'vpc-0a1b2c3d4e5f60001',
      Array.from({ length: 6 }, (_, index) => ({
        GroupId: `sg-0stale0000000000${index}`,
        GroupName: `stale-${index}`,
        VpcId: 'vpc-0a1b2c3d4e5f60001',
        StaleIpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 3306,
            ToPort: 3306,
            UserIdGroupPairs: [
              {
                GroupId: 'sg-0peer000000000001',
                VpcPeeringConnectionId: 'pcx-0abc',
                PeeringStatus: 'deleted',
              },
            ],
          },
        ],
        StaleIpPermissionsEgress: [],
      })),
    );

    const { digest } = await weeklyCheck(sim.account.clock.now(), weeklyDeps(sim));
    expect(itemsOf(digest, 'Drift: baseline rules missing')).toEqual([
      `docdb-sg (${GROUPS.docdb}) tcp 27017-27019 from ${GROUPS.gateway}`,
    ]);
    // A netwarden:ignore tag exempts nothing: the tagged rule is drift like any other, and listed below.
    expect(itemsOf(digest, 'Drift: rules not in the baseline')).toEqual([
      `gateway-instance-sg (${GROUPS.gateway}) tcp 22 from 10.20.1.0/24 (${breakGlass})`,
      `rds-postgres-sg (${GROUPS.postgres}) tcp 5432 from 0.0.0.0/0 (${world})`,
    ]);
    expect(itemsOf(digest, 'Guardrail breaches')).toEqual([
      `rds-postgres-sg (${GROUPS.postgres}) tcp 5432 from 0.0.0.0/0 (${world}): forbidden by "account-wide-guardrails"`,
    ]);
    expect(itemsOf(digest, 'Redundant rules (another rule already allows this)')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^legacy-app-sg \\(${GROUPS.legacyApp}\\) tcp 8080 from 10.20.8.0/22 \\(${redundant}\\) — covered by tcp 8080 from 10.20.0.0/16`,
        ),
      ),
    ]);
    expect(itemsOf(digest, 'Rules referencing deleted or stale groups')).toEqual([
      `legacy-app-sg (${GROUPS.legacyApp}) tcp 5432 from sg-0dead00000000dead: the referenced group does not exist`,
      ...Array.from(
        { length: 6 },
        (_, index) =>
          `sg-0stale0000000000${index} tcp 3306 from sg-0peer000000000001: stale: the peering pcx-0abc is deleted`,
      ),
    ]);
    expect(itemsOf(digest, 'Groups attached to nothing')).toEqual([`legacy-app-sg (${GROUPS.legacyApp})`]);
    expect(
      itemsOf(
        digest,
        'Rules tagged netwarden:ignore (a tag exempts nothing: move them into the policy’s exceptions)',
      ),
    ).toEqual([
      `gateway-instance-sg (${GROUPS.gateway}) tcp 22 from 10.20.1.0/24 (${breakGlass}): tag "vendor window OPS-42"`,
    ]);
    expect(digest.counts[0]).toEqual({
      label: 'SG audit',
      // missing, unapproved, guardrail, redundant, stale, unattached, ignore-tagged
      value: `${1 + 2 + 1 + 1 + 7 + 1 + 1} findings in 7 groups / 33 rules`,
      status: 'critical',
    });
    expect(dangling).toBeTruthy();

    // Every list call pages (page size 5): 7 groups, 33 rules, 13 interfaces, 6 stale groups.
    const pages = (command: string) =>
      callsOf(sim, command).map((call) => (call.input as { NextToken?: string }).NextToken !== undefined);
    expect(pages('DescribeSecurityGroups')).toEqual([false, true]);
    expect(pages('DescribeSecurityGroupRules')).toEqual([false, true, true, true, true, true, true]);
    expect(pages('DescribeNetworkInterfaces')).toEqual([false, true, true]);
    expect(callsOf(sim, 'DescribeStaleSecurityGroups').map((call) => call.input)).toEqual([
      { VpcId: 'vpc-0a1b2c3d4e5f60001', MaxResults: 5 },
      { VpcId: 'vpc-0a1b2c3d4e5f60001', MaxResults: 5, NextToken: expect.any(String) },
    ]);
    expect(callsOf(sim, 'GetObject').map((call) => call.input)).toEqual([
      // As it reaches S3 on the wire: the SDK asks for the object's checksum to validate the body.
      { Bucket: TERRAFORM_STATE.bucket, Key: TERRAFORM_STATE.key, ChecksumMode: 'ENABLED' },
    ]);
  });

  it('names an unreadable Terraform state and still audits against the policy baseline', async () => {
    const sim = simulation.current;
    sim.checks.objects.clear();
    sim.checks.objects.set(`${TERRAFORM_STATE.bucket}/other`, '{}');
    const { digest } = await weeklyCheck(sim.account.clock.now(), weeklyDeps(sim));
    expect(itemsOf(digest, 'Checks that could not run')).toEqual([
      'Terraform state: cannot read Terraform state s3://netwarden-demo-tfstate/gateway/terraform.tfstate: The specified key does not exist.',
    ]);
    expect(itemsOf(digest, 'Groups attached to nothing')).toEqual([`legacy-app-sg (${GROUPS.legacyApp})`]);
  });
});

describe('weekly check on the simulated account: load balancers', () => {
  it('reports seven days of NLB metrics and the idle NLB with its monthly cost and what deleting it saves', async () => {
    const sim = simulation.current;
    const { digest } = await weeklyCheck(sim.account.clock.now(), weeklyDeps(sim));
    expect(itemsOf(digest, 'NLB metrics, last 7 days')).toEqual([
      'gateway-nlb: 199,500 new flows, peak 109 active flows, 7.9 GB processed, peak 0 unhealthy hosts',
      'old-gateway-nlb: 0 new flows, peak 0 active flows, 0 B processed, peak 1 unhealthy host',
    ]);
    expect(itemsOf(digest, 'Idle load balancers (no new flow in 7 days)')).toEqual([
      'old-gateway-nlb: costs about $18.36/month — deleting it saves $18.36/month ($220.32/year)',
    ]);
    expect(digest.counts[1]?.value).toBe('2 (1 idle, $36.72/month at the minimum)');
    // MaxDatapoints 10: GetMetricData pages with NextToken, and the pages add up.
    const calls = callsOf(sim, 'GetMetricData');
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.slice(1).every((call) => (call.input as { NextToken?: string }).NextToken)).toBe(true);
    const query = (
      (calls[0]?.input ?? {}) as {
        MetricDataQueries: Array<{
          MetricStat: { Metric: { MetricName: string; Dimensions: unknown[] }; Period: number; Stat: string };
        }>;
      }
    ).MetricDataQueries;
    expect(
      query.map(
        (entry) =>
          `${entry.MetricStat.Metric.MetricName}/${entry.MetricStat.Stat}/${entry.MetricStat.Period}`,
      ),
    ).toEqual([
      'NewFlowCount/Sum/86400',
      'ActiveFlowCount/Maximum/86400',
      'ProcessedBytes/Sum/86400',
      'UnHealthyHostCount/Maximum/86400',
      'UnHealthyHostCount/Maximum/86400',
      'NewFlowCount/Sum/86400',
      'ActiveFlowCount/Maximum/86400',
      'ProcessedBytes/Sum/86400',
      'UnHealthyHostCount/Maximum/86400',
    ]);
  });

  it('uses the cost table of the policy', async () => {
    const sim = simulation.current;
    const policy = {
      ...testPolicy(),
      checks: parsePolicy('version: 1\nchecks: { cost: { nlbHourlyUsd: 0.0252, minimumNlcu: 1 } }').checks,
    };
    const { digest } = await weeklyCheck(sim.account.clock.now(), weeklyDeps(sim, { policy }));
    // (0.0252 + 0.006 × 1) × 720 = 22.464
    expect(itemsOf(digest, 'Idle load balancers (no new flow in 7 days)')).toEqual([
      'old-gateway-nlb: costs about $22.46/month — deleting it saves $22.46/month ($269.57/year)',
    ]);
  });

  it('sends at most 500 queries per GetMetricData call', async () => {
    const sim = simulation.current;
    for (let index = 0; index < 170; index += 1) {
      const arn = `arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/batch-${index}/${index.toString(16).padStart(16, '0')}`;
      sim.elbv2.loadBalancers.set(arn, {
        arn,
        name: `batch-${index}`,
        scheme: 'internal',
        vpcId: 'vpc-0a1b2c3d4e5f60001',
        securityGroups: [],
        subnets: [],
        tags: [],
        createdAt: new Date('2020-01-01T00:00:00Z'),
      });
    }
    const { digest } = await weeklyCheck(
      sim.account.clock.now(),
      weeklyDeps(sim, { elb: weeklyDeps(sim).elb }),
    );
    const sizes = callsOf(sim, 'GetMetricData')
      .filter((call) => !(call.input as { NextToken?: string }).NextToken)
      .map((call) => (call.input as { MetricDataQueries: unknown[] }).MetricDataQueries.length);
    expect(sizes).toEqual([500, 172 * 3 + 3 - 500]);
    // The digest carries 40 items per section and counts the rest.
    const idle = digest.sections.find(
      (entry) => entry.title === 'Idle load balancers (no new flow in 7 days)',
    );
    expect([idle?.items.length, idle?.omitted]).toEqual([40, 131]);
  });

  it('lists listener certificates expiring within 30 days from ACM, and says which ACM will not renew', async () => {
    const sim = simulation.current;
    const { digest } = await weeklyCheck(sim.account.clock.now(), weeklyDeps(sim));
    expect(itemsOf(digest, 'TLS certificates')).toEqual([
      'old-gateway.example.com on old-gateway-nlb:443: expires 2026-12-05 (in 12 days) — imported: ACM will not renew it, import a new one',
    ]);
    expect(
      callsOf(sim, 'DescribeCertificate').map(
        (call) => (call.input as { CertificateArn: string }).CertificateArn,
      ),
    ).toContain(OLD_CERTIFICATE_ARN);
    // DescribeListeners pages (PageSize 1) for each load balancer.
    expect(
      callsOf(sim, 'DescribeListeners').filter((call) => (call.input as { Marker?: string }).Marker),
    ).toHaveLength(1);
  });

  it('checks the SNI certificates of a TLS listener too, not only its default one', async () => {
    const sim = simulation.current;
    const sniArn = 'arn:aws:acm:ap-northeast-2:111122223333:certificate/5e1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
    sim.checks.estate.certificates.push({
      arn: sniArn,
      domain: 'db-gateway.example.com',
      notAfter: new Date('2026-12-01T00:00:00Z'),
      type: 'IMPORTED',
      renewalEligibility: 'INELIGIBLE',
    });
    const listener = sim.elbv2.listeners.get(LISTENERS.https);
    if (listener) listener.sniCertificateArns = [sniArn];

    const { digest } = await weeklyCheck(sim.account.clock.now(), weeklyDeps(sim));
    expect(itemsOf(digest, 'TLS certificates')).toEqual([
      'db-gateway.example.com on gateway-nlb:443: expires 2026-12-01 (in 8 days) — imported: ACM will not renew it, import a new one',
      'old-gateway.example.com on old-gateway-nlb:443: expires 2026-12-05 (in 12 days) — imported: ACM will not renew it, import a new one',
    ]);
    // One DescribeListenerCertificates per TLS listener (PageSize 1 pages the gateway's two), none for TCP.
    expect(
      callsOf(sim, 'DescribeListenerCertificates').map(
        (call) => (call.input as { ListenerArn: string }).ListenerArn,
      ),
    ).toEqual([LISTENERS.https, LISTENERS.https, OLD_LISTENER_ARN]);
  });

  it('reports an expired certificate as critical and an IAM server certificate without asking ACM', async () => {
    const sim = simulation.current;
    const old = sim.checks.estate.certificates.find((cert) => cert.arn === OLD_CERTIFICATE_ARN);
    if (old) old.notAfter = new Date('2026-11-20T00:00:00Z');
    const listener = [...sim.elbv2.listeners.values()].find(
      (entry) => entry.port === 443 && entry.arn.includes('/gateway-nlb/'),
    );
    if (listener) listener.certificateArn = 'arn:aws:iam::111122223333:server-certificate/gateway-2024';
    const { digest } = await weeklyCheck(sim.account.clock.now(), weeklyDeps(sim));
    const section = digest.sections.find((entry) => entry.title === 'TLS certificates');
    expect(section?.severity).toBe('critical');
    expect(section?.items).toEqual([
      'arn:aws:iam::111122223333:server-certificate/gateway-2024 on gateway-nlb:443: not in ACM (an IAM server certificate?) — check its expiry by hand',
      'old-gateway.example.com on old-gateway-nlb:443: EXPIRED on 2026-11-20 (3 days ago) — imported: ACM will not renew it, import a new one',
    ]);
    expect(callsOf(sim, 'DescribeCertificate')).toHaveLength(1);
  });

  it('flags target-group settings that differ from the seed’s recommendations, and only those', async () => {
    const sim = simulation.current;
    const legacy = sim.elbv2.targetGroups.get(TARGET_GROUPS.legacy);
    if (legacy) legacy.healthCheck.port = '443';
    const { digest } = await weeklyCheck(sim.account.clock.now(), weeklyDeps(sim));
    expect(itemsOf(digest, 'Target-group settings that differ from the recommendations')).toEqual([
      'legacy-tg-8080: health check probes port 443 but targets serve on port 8080 (use traffic-port)',
      'old-gateway-tg: deregistration delay 30s (recommended 300s so database sessions drain)',
      'old-gateway-tg: client IP preservation is off (recommended on: audit logs need the real user IP)',
      'old-gateway-tg: TLS ends at the NLB (listener 443) yet it forwards to port 443: the gateway serves plain traffic (port 80 in the seed), so health checks fail',
    ]);
  });
});

describe('weekly check: digest and finding', () => {
  it('says a clean week in one line and publishes it as check.weekly; it only reads', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    sim.checks.network.interfaces.push({
      id: 'eni-0legacy000000001',
      description: 'legacy app',
      groups: [GROUPS.legacyApp],
    });
    const { digest, finding } = await weeklyCheck(sim.account.clock.now(), weeklyDeps(sim));
    expect(digestText(digest)).toEqual([
      '✓ Weekly check 2026-11-23: all clear — 7 security groups / 30 rules audited, 199,500 new flows and 7.9 GB through 1 NLB, no certificate expiring, target groups as recommended',
    ]);
    expect(findingsOf(sim)).toEqual([finding]);
    expect(finding).toMatchObject({ kind: 'check.weekly', severity: 'info', outcome: 'no-action' });
    expect(sim.account.writes().map((call) => `${call.service}.${call.command}`)).toEqual(['SNS.Publish']);
  });
});

describe('the weekly digest names the checks that could not run', () => {
  it('NLB metrics unreadable: no NLB called idle, no "0 unhealthy hosts", and the headline says so', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    const { digest, finding } = await weeklyCheck(
      sim.account.clock.now(),
      weeklyDeps(sim, {
        metrics: {
          metricData: () =>
            Promise.reject(new Error('User is not authorized to perform: cloudwatch:GetMetricData')),
        },
      }),
    );
    expect(digest.notRun).toEqual(['NLB metrics']);
    expect(digest.counts[1]).toEqual({
      label: 'NLBs',
      value: '1 (metrics not read: idle unknown, $18.36/month at the minimum)',
      status: 'warning',
    });
    expect(itemsOf(digest, 'Idle load balancers (no new flow in 7 days)')).toBeUndefined();
    expect(itemsOf(digest, 'NLB metrics, last 7 days')).toBeUndefined();
    expect(itemsOf(digest, 'Checks that could not run')).toEqual([
      'NLB metrics: User is not authorized to perform: cloudwatch:GetMetricData',
    ]);
    expect(digestText(digest)[1]).toMatch(/^could not run: NLB metrics · SG audit /);
    expect(finding.title).not.toContain('all clear');
    expect(finding.severity).toBe('warning');
  });

  it('the security-group audit unreadable: "SG audit not read", never "0 findings"', async () => {
    const sim = simulation.current;
    mendEstate(sim);
    const { digest } = await weeklyCheck(
      sim.account.clock.now(),
      weeklyDeps(sim, {
        sg: {
          groups: () => Promise.reject(new Error('Request limit exceeded.')),
          rules: () => Promise.reject(new Error('Request limit exceeded.')),
        },
      }),
    );
    expect(digest.counts[0]).toEqual({ label: 'SG audit', value: 'not read (EC2)', status: 'warning' });
    expect(digest.notRun).toEqual(['security-group audit']);
  });
});
