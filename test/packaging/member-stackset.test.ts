/**
 * The StackSet template for member accounts (stacksets/member.yml), as one stack instance would create
 * it: forwarding rules with the central bus's patterns, and one member role per central function that
 * acts in members, trusting only that function's central role, with the external id, and allowing
 * exactly what that central role allows in the central account. Held against the packaged central
 * template, so the two cannot drift apart.
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
  Principal?: { AWS?: string | string[]; Service?: string };
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

/** The function a central role is for: `netwarden-prod-ap-northeast-2-<function>`. */
const functionOf = (roleName: string): string => roleName.replace(/^netwarden-prod-ap-northeast-2-/, '');
/** The member roles of one stack instance, by the function they are for. */
const memberRolesOf = (resources: Resources): Record<string, Resources[string]> =>
  Object.fromEntries(
    Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Role')
      .filter((role) => String(role.Properties.RoleName).startsWith('netwarden-member-remediation-'))
      .map((role) => [String(role.Properties.RoleName).replace('netwarden-member-remediation-', ''), role]),
  );
const ESTATE = /^(ec2|elasticloadbalancing|cloudwatch|cloudtrail|acm):/;
/** A central statement as it reads in a member: its region any central one, its account the member. */
const inMember = (value: unknown): unknown => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(inMember);
  if (value !== null && typeof value === 'object') {
    const sub = (value as Record<string, unknown>)['Fn::Sub'];
    if (typeof sub === 'string')
      return sub.replace(/\$\{AWS::Region\}/, '*').replace(/\$\{AWS::AccountId\}/, MEMBER);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inMember(item)]));
  }
  return value;
};
/** A member statement without the central-regions condition every one of them carries. */
const withoutRegions = (statement: Statement): Statement => {
  const { 'aws:RequestedRegion': _regions, ...equals } = statement.Condition?.StringEquals ?? {};
  const { StringEquals: _equals, ...others } = statement.Condition ?? {};
  const condition = { ...others, ...(Object.keys(equals).length > 0 ? { StringEquals: equals } : {}) };
  const { Condition: _condition, ...rest } = statement;
  return Object.keys(condition).length > 0 ? { ...rest, Condition: condition } : rest;
};

describe('the member roles', () => {
  const resources = instantiate(member, stackIn('ap-northeast-2'));
  const roles = memberRolesOf(resources);

  it('are one per central function that may assume one, named <MemberRoleName>-<function>, in the central region only', () => {
    const functions = centralRolesThatAssume().map(([, name]) => functionOf(name));
    expect(functions.sort()).toEqual([
      'daily-check',
      'expire-grants',
      'grant-access',
      'heal-targets',
      'revert-sg-drift',
      'weekly-check',
    ]);
    expect(Object.keys(roles).sort()).toEqual(functions);
    for (const [fn, role] of Object.entries(roles))
      expect(role?.Properties.RoleName).toBe(`netwarden-member-remediation-${fn}`);
    // IAM names are global: the other regions' instances create none.
    expect(memberRolesOf(instantiate(member, stackIn('eu-west-1')))).toEqual({});
    // The longest prefix the policy admits (48) still gives names IAM accepts (64), and the template
    // refuses a longer one before IAM would.
    const longest = 'r'.repeat(48);
    const names = Object.values(instantiate(member, stackIn('ap-northeast-2', { MemberRoleName: longest })))
      .filter((resource) => resource.Type === 'AWS::IAM::Role')
      .map((role) => String(role.Properties.RoleName))
      .filter((name) => name.startsWith(longest));
    expect(names).toHaveLength(6);
    expect(Math.max(...names.map((name) => name.length))).toBe(64);
    const parameter = member.Parameters?.MemberRoleName as { AllowedPattern?: string } | undefined;
    const pattern = new RegExp(String(parameter?.AllowedPattern));
    expect(pattern.test(longest)).toBe(true);
    expect(pattern.test(`${longest}r`)).toBe(false);
  });

  it('each trusts only its own function’s central role, by exact ARN, only with the external id', () => {
    for (const [, name] of centralRolesThatAssume()) {
      const fn = functionOf(name);
      expect(trustOf(roles[fn]), fn).toEqual([
        {
          Sid: 'CentralFunctionOfTheFirstRegion',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${CENTRAL}:role/${name}` },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
        },
      ]);
    }
  });

  it('each trusts its function’s role of each further central region, and no other function’s', () => {
    const twoRegions = memberRolesOf(
      instantiate(member, stackIn('ap-northeast-2', { SecondCentralRegion: 'eu-west-1' })),
    );
    for (const [fn, role] of Object.entries(twoRegions)) {
      const trust = trustOf(role);
      expect(
        trust.map((statement) => statement.Principal?.AWS),
        fn,
      ).toEqual([
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-ap-northeast-2-${fn}`,
        `arn:aws:iam::${CENTRAL}:role/netwarden-prod-eu-west-1-${fn}`,
      ]);
      for (const statement of trust)
        expect(statement.Condition).toEqual({ StringEquals: { 'sts:ExternalId': EXTERNAL_ID } });
    }
  });

  it('each allows exactly its function’s central EC2, ELBv2, CloudWatch, CloudTrail and ACM statements: same actions, resources and conditions', () => {
    for (const [id, name] of centralRolesThatAssume()) {
      const fn = functionOf(name);
      const centrally = inlineStatements(central.template.Resources[id])
        .filter((statement) => statement.Effect === 'Allow')
        .filter((statement) => actionsOf(statement).every((action) => ESTATE.test(action)));
      const own = inlineStatements(roles[fn]);
      expect(own.map(withoutRegions), fn).toEqual(centrally.map(inMember));
      expect(
        own.every((statement) => statement.Effect === 'Allow'),
        fn,
      ).toBe(true);
      for (const action of own.flatMap(actionsOf)) expect(action, fn).not.toContain('*');
      expect(roles[fn]?.Properties.ManagedPolicyArns, fn).toBeUndefined();
      expect(roles[fn]?.Properties.PermissionsBoundary, fn).toBeUndefined();
    }
  });

  it('give the read-only checks read-only roles, and egress only to revert-sg-drift', () => {
    const actions = (fn: string) => [...new Set(inlineStatements(roles[fn]).flatMap(actionsOf))].sort();
    for (const fn of ['daily-check', 'weekly-check'])
      expect(
        actions(fn).filter((action) => !/:(Describe|Get|Lookup)/.test(action)),
        fn,
      ).toEqual([]);
    expect(actions('grant-access')).toEqual([
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:CreateTags',
      'ec2:DescribeSecurityGroupRules',
      'ec2:RevokeSecurityGroupIngress',
    ]);
    expect(actions('expire-grants')).toEqual([
      'ec2:DescribeSecurityGroupRules',
      'ec2:RevokeSecurityGroupIngress',
    ]);
    const egress = Object.keys(roles).filter((fn) => actions(fn).some((action) => action.includes('Egress')));
    expect(egress).toEqual(['revert-sg-drift']);
  });

  it('act only on resources of their own account, in the central regions', () => {
    const twoRegions = memberRolesOf(
      instantiate(member, stackIn('ap-northeast-2', { SecondCentralRegion: 'eu-west-1' })),
    );
    for (const [fn, role] of Object.entries(twoRegions))
      for (const statement of inlineStatements(role)) {
        expect(statement.Condition?.StringEquals?.['aws:RequestedRegion'], `${fn} ${statement.Sid}`).toEqual([
          'ap-northeast-2',
          'eu-west-1',
        ]);
        const reads = actionsOf(statement).every((action) => /:(Describe|Get|Lookup)/.test(action));
        if (!reads || statement.Resource !== '*')
          for (const resource of [statement.Resource].flat())
            expect(String(resource), `${fn} ${statement.Sid}`).toContain(`:${MEMBER}:`);
      }
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

  it('are all the stack creates besides the member roles', () => {
    expect(Object.keys(instantiate(member, stackIn('ap-northeast-2'))).sort()).toEqual([
      'DailyCheckMemberRole',
      'ExpireGrantsMemberRole',
      'ForwardEventsRole',
      'ForwardSgRuleChangesRule',
      'ForwardSgTagChangesRule',
      'ForwardUnhealthyHostsRule',
      'GrantAccessMemberRole',
      'HealTargetsMemberRole',
      'RevertSgDriftMemberRole',
      'WeeklyCheckMemberRole',
    ]);
  });
});
