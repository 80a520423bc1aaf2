/** What `osls package` would deploy: artifacts, triggers and least-privilege roles. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BaseConfig, parseConfig, selfRolePatterns } from '../../shared/config';
import { isSelf } from '../../shared/sg/actor';
import { allowedActions, type Packaged, packageService, resourcesOfType } from '../helpers/packaged';
import { unzipEntry } from '../helpers/zip';

let packaged: Packaged;
beforeAll(() => {
  packaged = packageService();
}, 240_000);

describe('packaged service', () => {
  it('produces one artifact per function', () => {
    const functions = resourcesOfType(packaged.template, 'AWS::Lambda::Function');
    expect(packaged.artifacts.length).toBe(functions.length);
    expect(packaged.artifacts).toContain('revertSgDrift.zip');
  });

  it('bundles each handler as ESM, with the policy file and the module-type marker beside it', () => {
    for (const artifact of packaged.artifacts) {
      // Zip entry names are stored uncompressed, so the archive's bytes name its files.
      const names = readFileSync(join(packaged.dir, artifact)).toString('latin1');
      expect(names, artifact).toContain('netwarden.policy.yml');
      expect(names, artifact).toMatch(/functions\/[a-z-]+\/handler\.js/);
      // The nearest package.json says "type": "module", or Lambda would load the ESM bundle as CommonJS.
      expect(names, artifact).toContain('functions/package.json');
    }
  });

  it("names netwarden's writing roles exactly, so a role squatting the netwarden-prod- prefix is not trusted", () => {
    const READ_OR_PLUMBING =
      /^(logs|sns|sqs|ssm|kms|s3|cloudtrail|cloudwatch|acm):|:(Describe|Get|List|Lookup|Query)/;
    const writers = resourcesOfType(packaged.template, 'AWS::IAM::Role')
      .filter(([id]) =>
        allowedActions(packaged.template, id).some((action) => !READ_OR_PLUMBING.test(action)),
      )
      .map(([, resource]) => `arn:aws:iam::*:role/${String(resource.Properties.RoleName)}`)
      .sort();
    expect(writers).toEqual([
      'arn:aws:iam::*:role/netwarden-prod-expire-grants',
      'arn:aws:iam::*:role/netwarden-prod-grant-access',
      'arn:aws:iam::*:role/netwarden-prod-heal-targets',
      'arn:aws:iam::*:role/netwarden-prod-revert-sg-drift',
    ]);
    for (const [, fn] of resourcesOfType(packaged.template, 'AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const config = parseConfig(BaseConfig, { NETWARDEN_ROLE_ARNS: String(variables.NETWARDEN_ROLE_ARNS) });
      expect(selfRolePatterns(config).sort()).toEqual(writers);
      const roleActor = (role: string) => ({
        type: 'AssumedRole',
        display: role,
        viaConsole: false,
        roleArn: `arn:aws:iam::111122223333:role/${role}`,
      });
      expect(isSelf(roleActor('netwarden-prod-revert-sg-drift'), selfRolePatterns(config))).toBe(true);
      expect(isSelf(roleActor('netwarden-prod-revert-sg-drift-backdoor'), selfRolePatterns(config))).toBe(
        false,
      );
      expect(isSelf(roleActor('netwarden-prod-admin'), selfRolePatterns(config))).toBe(false);
    }
  });

  it('has a findings topic and a dead-letter queue for failed async invocations', () => {
    expect(packaged.template.Resources.FindingsTopic?.Type).toBe('AWS::SNS::Topic');
    expect(packaged.template.Resources.FailedEventsQueue?.Type).toBe('AWS::SQS::Queue');
  });
});

describe('bundles', () => {
  it('embed the policy parsed at build time and carry no YAML parser (tools/esbuild-plugins.cjs)', () => {
    const bundle = unzipEntry(
      join(packaged.dir, 'revertSgDrift.zip'),
      'functions/revert-sg-drift/handler.js',
    );
    expect(bundle).toContain('trustedPrincipals:["arn:aws:iam::*:role/terraform-*"]');
    expect(bundle).not.toContain('yaml.alias');
  });
});

describe('revert-sg-drift', () => {
  it('is triggered by exactly the five security-group API calls, and by tag changes on security groups and rules', () => {
    const rules = resourcesOfType(packaged.template, 'AWS::Events::Rule').filter(([id]) =>
      id.toLowerCase().includes('revertsgdrift'),
    );
    expect(rules.map(([, rule]) => rule.Properties.EventPattern)).toEqual([
      {
        source: ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ec2.amazonaws.com'],
          eventName: [
            'AuthorizeSecurityGroupIngress',
            'AuthorizeSecurityGroupEgress',
            'RevokeSecurityGroupIngress',
            'RevokeSecurityGroupEgress',
            'ModifySecurityGroupRules',
          ],
        },
      },
      {
        source: ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ec2.amazonaws.com'],
          eventName: ['CreateTags', 'DeleteTags'],
          requestParameters: {
            resourcesSet: { items: { resourceId: [{ prefix: 'sg-' }, { prefix: 'sgr-' }] } },
          },
        },
      },
    ]);
  });

  it('has its own role allowing only the ec2, sns and state-table reads it uses (plus logs and its DLQ)', () => {
    expect(allowedActions(packaged.template, 'RevertSgDriftRole')).toEqual([
      'dynamodb:GetItem',
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:CreateTags',
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
    ]);
    const fn = packaged.template.Resources.RevertSgDriftLambdaFunction;
    expect(fn?.Properties.Role).toEqual({ 'Fn::GetAtt': ['RevertSgDriftRole', 'Arn'] });
  });

  it('runs in enforce mode on prod and bundles the policy file', () => {
    const fn = packaged.template.Resources.RevertSgDriftLambdaFunction;
    expect(
      (fn?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
    ).toMatchObject({
      NETWARDEN_MODE: 'enforce',
      POLICY_PATH: 'netwarden.policy.yml',
    });
  });
});

describe('heal-targets', () => {
  it('is triggered by the UnHealthyHostCount alarm going to ALARM and by a 5-minute sweep', () => {
    const rules = resourcesOfType(packaged.template, 'AWS::Events::Rule').filter(([id]) =>
      id.toLowerCase().includes('healtargets'),
    );
    expect(
      rules.map(([, rule]) => rule.Properties.EventPattern ?? rule.Properties.ScheduleExpression),
    ).toEqual(
      expect.arrayContaining([
        {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: {
            state: { value: ['ALARM'] },
            configuration: {
              metrics: {
                metricStat: { metric: { namespace: ['AWS/NetworkELB'], name: ['UnHealthyHostCount'] } },
              },
            },
          },
        },
        'rate(5 minutes)',
      ]),
    );
    expect(rules).toHaveLength(2);
  });

  it('has its own role: the describes it makes, start/reboot, heal tags, re-registration on opted-in groups only', () => {
    expect(allowedActions(packaged.template, 'HealTargetsRole')).toEqual([
      'ec2:CreateTags',
      'ec2:DeleteTags',
      'ec2:DescribeInstanceStatus',
      'ec2:DescribeInstances',
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSubnets',
      'ec2:RebootInstances',
      'ec2:StartInstances',
      'elasticloadbalancing:DeregisterTargets',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeTags',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:RegisterTargets',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
    ]);
    const role = packaged.template.Resources.HealTargetsRole;
    const statements = (
      (role?.Properties.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Array<{ Sid: string; Condition?: unknown }> };
      }>
    ).flatMap((policy) => policy.PolicyDocument.Statement);
    expect(statements.find((statement) => statement.Sid === 'ReregisterOptedInTargets')?.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/netwarden:heal': 'true' },
    });
    expect(statements.find((statement) => statement.Sid === 'AttemptTagsOnInstances')?.Condition).toEqual({
      'ForAllValues:StringLike': { 'aws:TagKeys': ['netwarden:heal-*'] },
    });
    const fn = packaged.template.Resources.HealTargetsLambdaFunction;
    expect(fn?.Properties.Role).toEqual({ 'Fn::GetAtt': ['HealTargetsRole', 'Arn'] });
    expect(fn?.Properties.ReservedConcurrentExecutions).toBe(1);
  });
});
