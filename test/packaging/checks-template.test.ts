/** daily-check and weekly-check as packaged: cron schedules, and read-only roles that match the calls made. */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { dailyCheck } from '../../functions/daily-check/daily';
import { weeklyCheck } from '../../functions/weekly-check/weekly';
import { consoleUser, createSimulatedAccount, GROUPS } from '../../simulated-account/index';
import { tcp } from '../../simulated-account/permissions';
import { startStateTable } from '../../simulated-account/state-table';
import { dailyDeps, weeklyDeps } from '../helpers/audits';
import { allowedActions, resourcesOfType, usePackage, withCondition } from '../helpers/packaged';

// As deployed without --param="organizationId=…": the checks' sts:AssumeRole of member roles is absent
// (test/packaging/organization-template.test.ts holds it when the organisation is set).
const packaged = usePackage({ view: (template) => withCondition(template, 'ServesOrganization', false) });

const IAM_PREFIX: Record<string, string> = {
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  EC2: 'ec2',
  CloudWatch: 'cloudwatch',
  CloudTrail: 'cloudtrail',
  ACM: 'acm',
  S3: 's3',
  SNS: 'sns',
};

/** The IAM actions behind every call a check made on the simulated account. */
async function actionsUsed(check: 'daily' | 'weekly'): Promise<string[]> {
  const sim = createSimulatedAccount();
  try {
    // A change in the trail, so the daily check also looks up the names of the groups it mentions.
    await sim.account.as(consoleUser('alice@example.com'), () =>
      new EC2Client({}).send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '0.0.0.0/0')],
        }),
      ),
    );
    const setup = sim.account.calls.length;
    const now = sim.account.clock.now();
    // DynamoDB is not part of the simulated account: the daily check reads a dynalite table, and
    // every command its client sends is recorded.
    const dynamoDb: string[] = [];
    if (check === 'daily') {
      const table = await startStateTable();
      table.client.middlewareStack.add(
        (next, context) => (args) => {
          dynamoDb.push(`dynamodb:${(context.commandName ?? '?').replace(/Command$/, '')}`);
          return next(args);
        },
        { step: 'initialize' },
      );
      try {
        await dailyCheck(now, dailyDeps({ grants: table.store }));
      } finally {
        await table.stop();
      }
    } else await weeklyCheck(now, weeklyDeps(sim));
    return [
      ...new Set([
        ...sim.account.calls
          .slice(setup)
          .map((call) => `${IAM_PREFIX[call.service] ?? call.service}:${call.command}`),
        ...dynamoDb,
      ]),
    ].sort();
  } finally {
    sim.restore();
  }
}

const LOGS_AND_DLQ = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'];

describe('daily-check and weekly-check in the packaged template', () => {
  it('run on cron schedules: 09:00 Asia/Seoul daily, and Monday 09:00 weekly (00:00 UTC)', () => {
    const schedules = Object.fromEntries(
      resourcesOfType(packaged.template, 'AWS::Events::Rule')
        .filter(([, rule]) => rule.Properties.ScheduleExpression)
        .map(([, rule]) => [rule.Properties.Name, rule.Properties.ScheduleExpression]),
    );
    expect(schedules).toEqual({
      'netwarden-prod-daily-check': 'cron(0 0 * * ? *)',
      'netwarden-prod-weekly-check': 'cron(0 0 ? * MON *)',
      // The other schedules of the service, so that none appears or goes unnoticed.
      'netwarden-prod-expire-grants': 'rate(1 minute)',
      'netwarden-prod-heal-targets-sweep': 'rate(5 minutes)',
    });
    expect(packaged.artifacts).toEqual(expect.arrayContaining(['dailyCheck.zip', 'weeklyCheck.zip']));
  });

  it('give the daily check a role with exactly the read calls it makes, plus sns:Publish', async () => {
    const used = await actionsUsed('daily');
    expect(used).toEqual([
      'cloudtrail:LookupEvents',
      'cloudwatch:DescribeAlarms',
      'dynamodb:Query',
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
      'sns:Publish',
    ]);
    // Plus the kill switch, which the handler reads so that the digest says when netwarden is paused.
    expect(allowedActions(packaged.template, 'DailyCheckRole')).toEqual(
      [...used, ...LOGS_AND_DLQ, 'ssm:GetParameter'].sort(),
    );
    expect(packaged.template.Resources.DailyCheckLambdaFunction?.Properties.Role).toEqual({
      'Fn::GetAtt': ['DailyCheckRole', 'Arn'],
    });
  });

  it('give the daily check the state table’s name and a Query of its open-grants index only', () => {
    const fn = packaged.template.Resources.DailyCheckLambdaFunction?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(fn.Environment.Variables.STATE_TABLE_NAME).toEqual({ Ref: 'StateTable' });
    const statements = (
      (packaged.template.Resources.DailyCheckRole?.Properties.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> };
      }>
    ).flatMap((policy) => policy.PolicyDocument.Statement);
    // The index, not the table: no GetItem or Scan of grant items, and no write of any kind.
    expect(statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'))).toEqual([
      {
        Sid: 'OpenGrants',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }, '/index/live-by-expiry']] },
      },
    ]);
  });

  it('give the weekly check a role with exactly the read calls it makes, plus sns:Publish; S3 only for named state objects', async () => {
    const used = await actionsUsed('weekly');
    expect(used).toContain('s3:GetObject');
    const withoutState = used.filter((action) => action !== 's3:GetObject');
    // Plus the one state-table query for open grants (DynamoDB is not part of the simulated account),
    // and the kill switch, which the handler reads so that the digest says when netwarden is paused.
    expect(allowedActions(packaged.template, 'WeeklyCheckRole')).toEqual(
      [...withoutState, 'dynamodb:Query', ...LOGS_AND_DLQ, 'ssm:GetParameter'].sort(),
    );
    // s3:GetObject is granted only when terraformStateObjectArns names objects (empty by default).
    const statements = (
      (packaged.template.Resources.WeeklyCheckRole?.Properties.Policies ?? []) as Array<{
        PolicyDocument: { Statement: unknown[] };
      }>
    )[0]?.PolicyDocument.Statement;
    expect(statements).toContainEqual({
      'Fn::If': [
        'ReadsTerraformState',
        {
          Sid: 'TerraformState',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: { 'Fn::Split': [',', ''] },
        },
        { Ref: 'AWS::NoValue' },
      ],
    });
    for (const action of used)
      expect(action).toMatch(/^(ec2|elasticloadbalancing|cloudwatch|acm|s3|sns):(Describe|Get|Publish)/);
  });
});
