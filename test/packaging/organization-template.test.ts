/**
 * The central stack with --param="organizationId=o-…": an organisation event bus that only accounts of
 * that organisation may put events on, the default bus's event rules again on it, and sts:AssumeRole, for
 * exactly the functions that act in member accounts, each on its own member role inside the organisation
 * only. Without the param, the template deploys nothing of it.
 */
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  resourcesOfType,
  type Template,
  usePackage,
  withCondition,
} from '../helpers/packaged';

const ORGANIZATION = 'o-abc123def4';

const single = usePackage();
const org = usePackage({ params: [`organizationId=${ORGANIZATION}`] });
/** The org template as deployed with the organisation set. */
const deployed = usePackage({
  params: [`organizationId=${ORGANIZATION}`],
  view: (template) => withCondition(template, 'ServesOrganization', true),
});

type Statement = {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};
const conditionsOf = (template: Template) =>
  (template as unknown as { Conditions: Record<string, unknown> }).Conditions;
const statementsOf = (template: Template, roleId: string): Statement[] =>
  (
    (template.Resources[roleId]?.Properties.Policies ?? []) as Array<{
      PolicyDocument: { Statement: Statement[] };
    }>
  ).flatMap((policy) => policy.PolicyDocument.Statement);
const ruleArn = (name: string) => ({
  'Fn::Sub': `arn:aws:events:\${AWS::Region}:\${AWS::AccountId}:rule/netwarden-prod-org/${name}`,
});

describe('without the organisation param (one account, as before)', () => {
  it('holds its organisation resources behind a condition that is false', () => {
    expect(conditionsOf(single.template).ServesOrganization).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
    });
    expect(conditionsOf(org.template).ServesOrganization).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [ORGANIZATION, ''] }],
    });
  });

  it('deploys no bus, no rule on another bus, no sts:AssumeRole; and the param changes nothing else', () => {
    const asDeployed = withCondition(single.template, 'ServesOrganization', false);
    expect(resourcesOfType(asDeployed, 'AWS::Events::EventBus')).toEqual([]);
    expect(
      resourcesOfType(asDeployed, 'AWS::Events::Rule').filter(([, rule]) => rule.Properties.EventBusName),
    ).toEqual([]);
    for (const [id] of resourcesOfType(asDeployed, 'AWS::IAM::Role'))
      expect(
        allowedActions(asDeployed, id).filter((action) => action.startsWith('sts:')),
        id,
      ).toEqual([]);
    expect(JSON.stringify(asDeployed.Resources)).not.toContain('ServesOrganization');
    // The same stack, resource for resource, as the org template deployed without the organisation
    // (apart from where each package put its artifacts: a timestamped S3 key, and version ids by hash).
    const comparable = (template: Template) =>
      JSON.parse(
        JSON.stringify(template.Resources)
          .replace(/"S3Key":"[^"]*\//g, '"S3Key":"<deployment>/')
          .replace(/LambdaVersion\w+/g, 'LambdaVersion'),
      );
    expect(comparable(withCondition(org.template, 'ServesOrganization', false))).toEqual(
      comparable(asDeployed),
    );
  });
});

describe('with --param="organizationId=o-…"', () => {
  it('creates the organisation bus netwarden-<stage>-org, on which only accounts of that organisation may put events', () => {
    const [[id, bus] = []] = resourcesOfType(org.template, 'AWS::Events::EventBus');
    expect(id).toBe('OrganizationEventBus');
    expect((bus as { Condition?: string } | undefined)?.Condition).toBe('ServesOrganization');
    expect(bus?.Properties).toEqual({
      Name: 'netwarden-prod-org',
      Policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'MemberAccountsOfTheOrganization',
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: {
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
              'Fn::Sub': 'arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/netwarden-prod-org',
            },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } },
          },
        ],
      },
    });
  });

  it('has the default bus’s security-group and unhealthy-hosts rules again on that bus, into the same functions, each allowed to invoke by its own ARN', () => {
    // heal-targets acts in the member an alarm came from, through its member role: a member's
    // unhealthy-hosts alarm is forwarded here (stacksets/member.yml) like its security-group events.
    const onDefault = Object.fromEntries(
      resourcesOfType(withCondition(single.template, 'ServesOrganization', false), 'AWS::Events::Rule')
        .filter(
          ([, rule]) =>
            rule.Properties.EventPattern && rule.Properties.Name !== 'netwarden-prod-alarm-state-change',
        )
        .map(([, rule]) => [
          String(rule.Properties.Name).replace('netwarden-prod-', ''),
          {
            pattern: rule.Properties.EventPattern,
            function: (rule.Properties.Targets as Array<{ Arn: unknown }>)[0]?.Arn,
          },
        ]),
    );
    const onOrgBus = resourcesOfType(deployed.template, 'AWS::Events::Rule').filter(
      ([, rule]) => rule.Properties.EventBusName,
    );
    expect(
      Object.fromEntries(
        onOrgBus.map(([, rule]) => [
          String(rule.Properties.Name).replace('netwarden-prod-org-', ''),
          {
            pattern: rule.Properties.EventPattern,
            function: (rule.Properties.Targets as Array<{ Arn: unknown }>)[0]?.Arn,
          },
        ]),
      ),
    ).toEqual(onDefault);
    expect(Object.keys(onDefault).sort()).toEqual(['sg-rule-changes', 'sg-tag-changes', 'unhealthy-hosts']);

    const permissions = resourcesOfType(deployed.template, 'AWS::Lambda::Permission').map(
      ([, p]) => p.Properties,
    );
    for (const [id, rule] of onOrgBus) {
      expect(rule.Properties.EventBusName, id).toEqual({ Ref: 'OrganizationEventBus' });
      const [target, ...others] = rule.Properties.Targets as Array<Record<string, unknown>>;
      expect(others, id).toEqual([]);
      expect(target, id).toMatchObject({
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 20 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] } },
      });
      expect(permissions, id).toContainEqual({
        FunctionName: target?.Arn,
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [id, 'Arn'] },
      });
    }
  });

  it('lets EventBridge dead-letter those rules’ events, and nobody else', () => {
    const names = resourcesOfType(deployed.template, 'AWS::Events::Rule')
      .filter(([, rule]) => rule.Properties.EventBusName)
      .map(([, rule]) => String(rule.Properties.Name));
    const [allow, deny] =
      (
        deployed.template.Resources.EventsDeadLetterQueuePolicy?.Properties.PolicyDocument as
          | { Statement: Array<{ Condition: Record<string, Record<string, unknown[]>> }> }
          | undefined
      )?.Statement ?? [];
    for (const name of names) {
      expect(allow?.Condition.ArnEquals?.['aws:SourceArn']).toContainEqual(ruleArn(name));
      expect(deny?.Condition.ArnNotEquals?.['aws:SourceArn']).toContainEqual(ruleArn(name));
    }
    const withoutOrganization = (
      withCondition(single.template, 'ServesOrganization', false).Resources.EventsDeadLetterQueuePolicy
        ?.Properties.PolicyDocument as
        | { Statement: Array<{ Condition: Record<string, Record<string, unknown[]>> }> }
        | undefined
    )?.Statement[0]?.Condition.ArnEquals?.['aws:SourceArn'];
    expect(allow?.Condition.ArnEquals?.['aws:SourceArn']).toEqual([
      ...(withoutOrganization ?? []),
      ...names.map(ruleArn),
    ]);
  });

  it('gives sts:AssumeRole to exactly the event-driven, check, grant and expiry functions, each only on its own member role, only inside the organisation', () => {
    const assuming = resourcesOfType(deployed.template, 'AWS::IAM::Role')
      .filter(([id]) => allowedActions(deployed.template, id).some((action) => action.startsWith('sts:')))
      .map(([id]) => id)
      .sort();
    expect(assuming).toEqual([
      'DailyCheckRole',
      'ExpireGrantsRole',
      'GrantAccessRole',
      'HealTargetsRole',
      'RevertSgDriftRole',
      'WeeklyCheckRole',
    ]);
    for (const id of assuming) {
      const sts = statementsOf(deployed.template, id).filter(
        (statement) =>
          statement.Effect !== undefined &&
          [statement.Action].flat().some((action) => action.startsWith('sts:')),
      );
      const fn = String(deployed.template.Resources[id]?.Properties.RoleName).replace(
        'netwarden-prod-ap-northeast-2-',
        '',
      );
      // Its own member role only (another function's role, with other rights, is out of reach), and only
      // in an account of this organisation: a role of that name in any other account is refused.
      expect(sts, id).toEqual([
        {
          Sid: 'ActInMemberAccounts',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: `arn:aws:iam::*:role/netwarden-member-remediation-${fn}`,
          Condition: { StringEquals: { 'aws:ResourceOrgID': ORGANIZATION } },
        },
      ]);
    }
    // grant-access creates a grant requested for a member account in that member (and expire-grants
    // revokes it there); slack-interact, which also grants, acts in the central account only.
    expect(allowedActions(deployed.template, 'SlackInteractRole')).not.toContain('sts:AssumeRole');
  });

  it('names every role with its region, so a second region’s stack (and the member stacks) never collide', () => {
    for (const [id, role] of resourcesOfType(deployed.template, 'AWS::IAM::Role'))
      expect(String(role.Properties.RoleName), id).toMatch(/^netwarden-prod-ap-northeast-2-[a-z-]+$/);
  });
});
