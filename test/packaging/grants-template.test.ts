/** What `osls package` deploys for grants: a direct-invoke grant-access, a per-minute expire-grants, least-privilege roles. */
import { beforeAll, describe, expect, it } from 'vitest';
import { allowedActions, type Packaged, packageService, resourcesOfType } from '../helpers/packaged';

let packaged: Packaged;
beforeAll(() => {
  packaged = packageService();
}, 240_000);

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}
function statements(role: string): Statement[] {
  const resource = packaged.template.Resources[role];
  if (!resource) throw new Error(`no resource ${role} in the template`);
  const policies = resource.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

describe('grant-access', () => {
  it('has no trigger (direct invoke) and its own role', () => {
    const rules = resourcesOfType(packaged.template, 'AWS::Events::Rule').filter(([id]) =>
      id.startsWith('GrantAccess'),
    );
    expect(rules).toEqual([]);
    expect(packaged.artifacts).toContain('grantAccess.zip');
    expect(packaged.template.Resources.GrantAccessLambdaFunction?.Properties.Role).toEqual({
      'Fn::GetAtt': ['GrantAccessRole', 'Arn'],
    });
  });

  it('may only describe rules, authorize ingress, tag grant rules and publish', () => {
    expect(allowedActions(packaged.template, 'GrantAccessRole')).toEqual([
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:CreateTags',
      'ec2:CreateTags',
      'ec2:DescribeSecurityGroupRules',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
    ]);
    const byId = Object.fromEntries(
      statements('GrantAccessRole').map((statement) => [statement.Sid, statement]),
    );
    expect(byId.TagGrantOnCreate?.Condition).toEqual({
      StringEquals: { 'ec2:CreateAction': 'AuthorizeSecurityGroupIngress' },
    });
    // Extension re-tags only rules that already are grants, and only with grant tag keys.
    expect(byId.ExtendGrant?.Condition).toEqual({
      Null: { 'ec2:ResourceTag/netwarden:grant-expires-at': 'false' },
      'ForAllValues:StringEquals': {
        'aws:TagKeys': [
          'netwarden:grant-expires-at',
          'netwarden:grant-issued-at',
          'netwarden:grant-owner',
          'netwarden:grant-reason',
          'netwarden:grant-access',
        ],
      },
    });
  });
});

describe('expire-grants', () => {
  it('runs every minute, one at a time', () => {
    const rules = resourcesOfType(packaged.template, 'AWS::Events::Rule').filter(([id]) =>
      id.startsWith('ExpireGrants'),
    );
    expect(rules.map(([, rule]) => rule.Properties.ScheduleExpression)).toEqual(['rate(1 minute)']);
    expect(
      packaged.template.Resources.ExpireGrantsLambdaFunction?.Properties.ReservedConcurrentExecutions,
    ).toBe(1);
  });

  it('may only describe rules, revoke, mark grants warned and publish', () => {
    expect(allowedActions(packaged.template, 'ExpireGrantsRole')).toEqual([
      'ec2:CreateTags',
      'ec2:DescribeSecurityGroupRules',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
    ]);
    const markWarned = statements('ExpireGrantsRole').find((statement) => statement.Sid === 'MarkWarned');
    expect(markWarned?.Condition).toEqual({
      Null: { 'ec2:ResourceTag/netwarden:grant-expires-at': 'false' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['netwarden:grant-warned-at'] },
    });
  });

  it('dead-letters async failures like every function', () => {
    const config = packaged.template.Resources.ExpireGrantsLambdaEvConf?.Properties as {
      DestinationConfig?: { OnFailure?: { Destination?: unknown } };
    };
    expect(config.DestinationConfig?.OnFailure?.Destination).toEqual({
      'Fn::GetAtt': ['FailedEventsQueue', 'Arn'],
    });
  });
});
