/**
 * The StackSet template for member accounts (stacksets/member.yml), as one stack instance would create
 * it: forwarding rules with the central bus's patterns, and a remediation role that trusts only the
 * central function roles that may assume it, with the external id, and allows only the calls those
 * functions make. Held against the packaged central template, so the two cannot drift apart.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type CloudFormationTemplate,
  instantiate,
  readCloudFormationYaml,
  type Stack,
} from '../helpers/cloudformation-yaml';
import { usePackage, withCondition } from '../helpers/packaged';

const ROOT = join(import.meta.dirname, '..', '..');
const member = readCloudFormationYaml(join(ROOT, 'stacksets', 'member.yml')) as CloudFormationTemplate;

const CENTRAL = '111122223333';
const MEMBER = '222233334444';
const EXTERNAL_ID = 'netwarden-o-abc123def4';
const stackIn = (region: string, parameters: Record<string, string> = {}): Stack => ({
  region,
  accountId: MEMBER,
  parameters: {
    CentralAccountId: CENTRAL,
    Stage: 'prod',
    CentralRegion: 'ap-northeast-2',
    ExternalId: EXTERNAL_ID,
    ...parameters,
  },
});

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: string[]; Service?: string };
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
type Resources = CloudFormationTemplate['Resources'];
const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const inlineStatements = (role: Resources[string] | undefined): Statement[] =>
  ((role?.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
const trustOf = (role: Resources[string] | undefined): Statement[] =>
  (role?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [];

// The central stack with the organisation set: the roles that may assume the member role, and what
// they may do in their own account (the member role allows the same calls in the member's).
const single = usePackage({ view: (template) => withCondition(template, 'ServesOrganization', false) });
const central = usePackage({
  params: ['organizationId=o-abc123def4'],
  view: (template) => withCondition(template, 'ServesOrganization', true),
});

/** The central roles whose policy allows sts:AssumeRole (on the member role), by RoleName. */
function centralRolesThatAssume(): Array<[string, string]> {
  return Object.entries(central.template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .filter(([, role]) => inlineStatements(role).some((s) => actionsOf(s).includes('sts:AssumeRole')))
    .map(([id, role]) => [id, String(role.Properties.RoleName)]);
}

describe('the member remediation role', () => {
  const resources = instantiate(member, stackIn('ap-northeast-2'));
  const role = resources.MemberRemediationRole;

  it('is named as the policy names it, and created in the central region only (IAM names are global)', () => {
    expect(role?.Properties.RoleName).toBe('netwarden-member-remediation');
    expect(instantiate(member, stackIn('eu-west-1')).MemberRemediationRole).toBeUndefined();
    expect(
      instantiate(member, stackIn('ap-northeast-2', { MemberRoleName: 'nw-remediation' }))
        .MemberRemediationRole?.Properties.RoleName,
    ).toBe('nw-remediation');
  });

  it('trusts exactly the central roles that may assume it, by exact ARN, only with the external id', () => {
    const roles = centralRolesThatAssume();
    expect(roles.map(([id]) => id).sort()).toEqual([
      'DailyCheckRole',
      'ExpireGrantsRole',
      'GrantAccessRole',
      'HealTargetsRole',
      'RevertSgDriftRole',
      'WeeklyCheckRole',
    ]);
    const trust = trustOf(role);
    expect(trust).toHaveLength(1);
    expect(trust[0]).toEqual({
      Sid: 'CentralFunctionsOfTheFirstRegion',
      Effect: 'Allow',
      Principal: {
        AWS: expect.arrayContaining(roles.map(([, name]) => `arn:aws:iam::${CENTRAL}:role/${name}`)),
      },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
    });
    expect(trust[0]?.Principal?.AWS).toHaveLength(roles.length);
    // Not the central account as a whole, and no name pattern a new role could match.
    for (const principal of trust[0]?.Principal?.AWS ?? []) {
      expect(principal).not.toContain('*');
      expect(principal).not.toMatch(/:root$/);
    }
  });

  it('trusts the same six roles of each further central region, each with the external id', () => {
    const trust = trustOf(
      instantiate(member, stackIn('ap-northeast-2', { SecondCentralRegion: 'eu-west-1' }))
        .MemberRemediationRole,
    );
    expect(trust.map((statement) => statement.Principal?.AWS)).toEqual([
      [
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-ap-northeast-2-revert-sg-drift`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-ap-northeast-2-heal-targets`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-ap-northeast-2-daily-check`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-ap-northeast-2-weekly-check`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-ap-northeast-2-expire-grants`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-ap-northeast-2-grant-access`,
      ],
      [
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-eu-west-1-revert-sg-drift`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-eu-west-1-heal-targets`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-eu-west-1-daily-check`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-eu-west-1-weekly-check`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-eu-west-1-expire-grants`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-eu-west-1-grant-access`,
      ],
    ]);
    for (const statement of trust)
      expect(statement.Condition).toEqual({ StringEquals: { 'sts:ExternalId': EXTERNAL_ID } });
  });

  it('allows exactly the EC2, ELBv2, CloudWatch, CloudTrail and ACM calls of those central roles: no wildcard action, no IAM', () => {
    const ESTATE = /^(ec2|elasticloadbalancing|cloudwatch|cloudtrail|acm):/;
    const centralCalls = new Set(
      centralRolesThatAssume().flatMap(([id]) =>
        inlineStatements(central.template.Resources[id])
          .filter((statement) => statement.Effect === 'Allow')
          .flatMap(actionsOf)
          .filter((action) => ESTATE.test(action)),
      ),
    );
    const statements = inlineStatements(role);
    const allowed = statements.filter((statement) => statement.Effect === 'Allow').flatMap(actionsOf);
    expect(new Set(allowed)).toEqual(centralCalls);
    expect([...new Set(allowed)].sort()).toEqual([
      'acm:DescribeCertificate',
      'cloudtrail:LookupEvents',
      'cloudwatch:DescribeAlarms',
      'cloudwatch:GetMetricData',
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:CreateTags',
      'ec2:DeleteTags',
      'ec2:DescribeInstanceStatus',
      'ec2:DescribeInstances',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeStaleSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:RebootInstances',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:StartInstances',
      'elasticloadbalancing:DeregisterTargets',
      'elasticloadbalancing:DescribeListenerCertificates',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeTags',
      'elasticloadbalancing:DescribeTargetGroupAttributes',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:RegisterTargets',
    ]);
    for (const action of allowed) expect(action).not.toContain('*');
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.PermissionsBoundary).toBeUndefined();
  });

  it('writes only on resources of its own account, in the central regions, with the central roles’ conditions', () => {
    const statements = inlineStatements(
      instantiate(member, stackIn('ap-northeast-2', { SecondCentralRegion: 'eu-west-1' }))
        .MemberRemediationRole,
    );
    for (const statement of statements) {
      expect(statement.Condition?.StringEquals?.['aws:RequestedRegion'], statement.Sid).toEqual([
        'ap-northeast-2',
        'eu-west-1',
      ]);
      const reads = actionsOf(statement).every((action) => /:(Describe|Get|Lookup)/.test(action));
      if (!reads) expect(String(statement.Resource), statement.Sid).toContain(`:${MEMBER}:`);
      else if (statement.Resource !== '*') expect(String(statement.Resource)).toContain(`:${MEMBER}:`);
    }
    const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
    expect(bySid.TagRestoredRules?.Condition?.StringEquals?.['ec2:CreateAction']).toEqual([
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
    ]);
    expect(bySid.ReregisterOptedInTargets?.Condition?.StringEquals?.['aws:ResourceTag/netwarden:heal']).toBe(
      'true',
    );
    expect(bySid.AttemptTagsOnInstances?.Condition?.['ForAllValues:StringLike']).toEqual({
      'aws:TagKeys': ['netwarden:heal-*'],
    });
    // grant-access's label on an extension: grant tag keys only, on a rule already labelled as a grant.
    expect(bySid.LabelGrantOnExtend?.Condition?.['ForAllValues:StringEquals']).toEqual({
      'aws:TagKeys': [
        'netwarden:grant-expires-at',
        'netwarden:grant-issued-at',
        'netwarden:grant-owner',
        'netwarden:grant-reason',
        'netwarden:grant-access',
      ],
    });
  });
});

describe('the forwarding rules', () => {
  const BUS = `arn:aws:events:eu-west-1:${CENTRAL}:event-bus/netwarden-prod-org`;
  const resources = instantiate(member, stackIn('eu-west-1'));
  const rules = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::Events::Rule');

  it('exist in every region, with the patterns of the central default-bus rules, to the central bus of the same region', () => {
    const centralPatterns = Object.fromEntries(
      Object.values(single.template.Resources)
        .filter((resource) => resource.Type === 'AWS::Events::Rule' && resource.Properties.EventPattern)
        .map((rule) => [
          String(rule.Properties.Name).replace('netwarden-prod-', ''),
          rule.Properties.EventPattern,
        ]),
    );
    const forwarded = Object.fromEntries(
      rules.map(([, rule]) => [
        String(rule.Properties.Name).replace('netwarden-prod-forward-', ''),
        rule.Properties.EventPattern,
      ]),
    );
    expect(forwarded).toEqual({
      'sg-rule-changes': centralPatterns['sg-rule-changes'],
      'sg-tag-changes': centralPatterns['sg-tag-changes'],
      'unhealthy-hosts': centralPatterns['unhealthy-hosts'],
    });
    for (const [id, rule] of rules) {
      expect(rule.Properties.EventBusName, id).toBeUndefined();
      expect(rule.Properties.Targets, id).toEqual([
        {
          Id: 'central-organization-bus',
          Arn: BUS,
          RoleArn: { 'Fn::GetAtt': ['ForwardEventsRole', 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 20 },
        },
      ]);
    }
    // The bus the central stack creates, by name.
    expect(central.template.Resources.OrganizationEventBus?.Properties.Name).toBe('netwarden-prod-org');
  });

  it('put events through a role of their own, only on that bus, that only EventBridge of this account assumes', () => {
    const role = resources.ForwardEventsRole;
    expect(role?.Properties.RoleName).toBe('netwarden-prod-eu-west-1-forward-events');
    expect(trustOf(role)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': MEMBER } },
      },
    ]);
    expect(inlineStatements(role)).toEqual([
      { Sid: 'PutOnTheCentralOrganizationBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS },
    ]);
  });

  it('are all the stack creates besides the remediation role', () => {
    expect(Object.keys(instantiate(member, stackIn('ap-northeast-2'))).sort()).toEqual([
      'ForwardEventsRole',
      'ForwardSgRuleChangesRule',
      'ForwardSgTagChangesRule',
      'ForwardUnhealthyHostsRule',
      'MemberRemediationRole',
    ]);
  });
});
