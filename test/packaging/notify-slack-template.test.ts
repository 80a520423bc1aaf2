/**
 * notify-slack as `osls package` would deploy it: both topics feed one queue (with a policy that
 * admits exactly them), a dead-letter queue, a partial-batch event source mapping, and a role that
 * can read one parameter and consume one queue — nothing else. The bundle carries no EC2/ELB client.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unzip } from '../../bench/unzip';
import { allowedActions, resourcesOfType, usePackage } from '../helpers/packaged';

const packaged = usePackage();

const resource = (id: string) => {
  const found = packaged.template.Resources[id];
  if (!found) throw new Error(`no ${id} in the packaged template`);
  return found;
};
const queueArn = { 'Fn::GetAtt': ['NotificationsQueue', 'Arn'] };

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
function statementsOf(roleId: string): Statement[] {
  const policies = resource(roleId).Properties.Policies as Array<{
    PolicyDocument: { Statement: Statement[] };
  }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

describe('notify-slack resources', () => {
  it('subscribes both the alarms topic and the findings topic to the notifications queue, enveloped (not raw)', () => {
    const subscriptions = resourcesOfType(packaged.template, 'AWS::SNS::Subscription').map(
      ([, s]) => s.Properties,
    );
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { TopicArn: { Ref: 'AlarmsTopic' }, Protocol: 'sqs', Endpoint: queueArn, RawMessageDelivery: false },
        {
          TopicArn: { Ref: 'FindingsTopic' },
          Protocol: 'sqs',
          Endpoint: queueArn,
          RawMessageDelivery: false,
        },
      ]),
    );
  });

  it('lets only those two topics and the alarm-state rule send to the queue', () => {
    const policy = resource('NotificationsQueuePolicy').Properties as {
      Queues: unknown;
      PolicyDocument: { Statement: Statement[] };
    };
    expect(policy.Queues).toEqual([{ Ref: 'NotificationsQueue' }]);
    expect(
      policy.PolicyDocument.Statement.map(({ Principal, Action, Resource, Condition }) => ({
        Principal,
        Action,
        Resource,
        Condition,
      })),
    ).toEqual([
      {
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': [{ Ref: 'AlarmsTopic' }, { Ref: 'FindingsTopic' }] } },
      },
      {
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['AlarmStateChangeRule', 'Arn'] } } },
      },
      {
        // Identity policies of the account cannot add senders: an explicit Deny for anything else.
        Principal: '*',
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: {
          ArnNotEquals: {
            'aws:SourceArn': [
              { Ref: 'AlarmsTopic' },
              { Ref: 'FindingsTopic' },
              { 'Fn::GetAtt': ['AlarmStateChangeRule', 'Arn'] },
            ],
          },
        },
      },
    ]);
  });

  it('has an unencrypted alarms topic CloudWatch can publish to (it cannot use the aws/sns key)', () => {
    const topic = resource('AlarmsTopic');
    expect(topic.Type).toBe('AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toBeUndefined();
  });

  it('dead-letters a message after 5 receives, with a visibility timeout of 6x the function timeout', () => {
    const queue = resource('NotificationsQueue').Properties;
    const fn = resource('NotifySlackLambdaFunction').Properties;
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['NotificationsDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(resource('NotificationsDeadLetterQueue').Type).toBe('AWS::SQS::Queue');
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (fn.Timeout as number));
  });

  it('consumes the queue in batches and reports partial batch failures', () => {
    const mappings = resourcesOfType(packaged.template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, mapping]) => JSON.stringify(mapping.Properties.FunctionName).includes('NotifySlack'),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({
      EventSourceArn: queueArn,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 20,
    });
  });

  it('routes alarm state changes (not configuration changes) to the queue, off until enabled', () => {
    const rule = resource('AlarmStateChangeRule').Properties;
    expect(rule.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
    });
    // Retry policy and dead-letter queue: see ops-template.test.ts.
    expect(rule.Targets).toEqual([expect.objectContaining({ Id: 'notifications-queue', Arn: queueArn })]);
    expect(rule.State).toBe('DISABLED');
  });

  it('reads the webhook parameter named by the stage’s params', () => {
    const env = (
      resource('NotifySlackLambdaFunction').Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(env.SLACK_WEBHOOK_PARAMETER).toBe('/netwarden/prod/slack-webhook-url');
    expect(env.SLACK_MODE).toBe('webhook');
    expect(env.SLACK_BOT_TOKEN_PARAMETER).toBe('/netwarden/prod/slack-bot-token');
  });
});

describe('notify-slack role', () => {
  it('allows only GetParameter, Decrypt via SSM, its thread items, the SQS consumer calls and its logs', () => {
    expect(allowedActions(packaged.template, 'NotifySlackRole')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'kms:Decrypt',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'ssm:GetParameter',
    ]);
    const actions = allowedActions(packaged.template, 'NotifySlackRole');
    expect(actions.filter((action) => /^(ec2|elasticloadbalancing|sns):/.test(action))).toEqual([]);
    expect(resource('NotifySlackLambdaFunction').Properties.Role).toEqual({
      'Fn::GetAtt': ['NotifySlackRole', 'Arn'],
    });
  });

  it('scopes GetParameter to the webhook and the bot token, Decrypt to SSM, SQS to the one queue', () => {
    const byAction = (action: string) =>
      statementsOf('NotifySlackRole').find((s) =>
        (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action),
      );
    const parameterArn = (name: string) => ({
      'Fn::Sub': `arn:aws:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`,
    });
    expect(byAction('ssm:GetParameter')?.Resource).toEqual([
      parameterArn('/netwarden/prod/slack-webhook-url'),
      parameterArn('/netwarden/prod/slack-bot-token'),
    ]);
    expect(byAction('kms:Decrypt')?.Condition).toEqual({
      StringEquals: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
        'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' },
      },
    });
    expect(byAction('sqs:ReceiveMessage')?.Resource).toEqual(queueArn);
  });

  it('reads and writes only slack-thread# items of the state table, in its own policy and in the table’s', () => {
    const threads = statementsOf('NotifySlackRole').find((s) => s.Sid === 'KeepSlackThreads');
    expect(threads).toEqual({
      Sid: 'KeepSlackThreads',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['slack-thread#*'] } },
    });
    const tablePolicy = resource('StateTable').Properties.ResourcePolicy as {
      PolicyDocument: { Statement: Statement[] };
    };
    expect(
      tablePolicy.PolicyDocument.Statement.find((s) => s.Sid === 'NotifySlackWritesOnlyThreadRefs'),
    ).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
      Condition: {
        ArnEquals: {
          'aws:PrincipalArn': {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
            'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/netwarden-prod-ap-northeast-2-notify-slack',
          },
        },
        'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': ['slack-thread#*'] },
      },
    });
  });
});

describe('notify-slack bundle', () => {
  it('contains no EC2, ELB or SSM client: its secrets are read with one signed call (shared/aws/secure-string.ts)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwarden-notify-slack-'));
    const files = unzip(join(packaged.dir, 'notifySlack.zip'), dir);
    const code = files
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(dir, file), 'utf8'));
    // Every chunk's source map names the modules bundled into it.
    const sources = files
      .filter((file) => file.endsWith('.js.map'))
      .flatMap(
        (file) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sources: string[] }).sources,
      );
    expect(code.join('\n')).not.toMatch(/EC2Client|ElasticLoadBalancingV2Client/);
    expect(sources.filter((source) => /client-(ec2|elastic-load-balancing)/.test(source))).toEqual([]);
    expect(sources.filter((source) => source.includes('@aws-sdk/client-ssm/'))).toEqual([]);
    expect(sources.some((source) => source.endsWith('shared/aws/secure-string.ts'))).toBe(true);
    expect(readdirSync(join(dir, 'functions/notify-slack')).filter((file) => file === 'handler.js')).toEqual([
      'handler.js',
    ]);
  });
});

describe('notify-slack webhook mode’s policy', () => {
  it('is computed when the bundle is built and embedded: no YAML parser, and no policy loader beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwarden-notify-slack-'));
    const files = unzip(join(packaged.dir, 'notifySlack.zip'), dir);
    const code = files
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(dir, file), 'utf8'));
    const maps = files
      .filter((file) => file.endsWith('.js.map'))
      .map((file) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sources: string[] }).sources);

    // The shipped policy's single-id securityGroups entries name their groups (shared/slack/routes.ts groupNamesOf).
    expect(code.join('\n')).toContain('groupNames:{"sg-0db00000000005432":"rds-postgres"');
    expect(maps.flat().filter((source) => source.includes('node_modules/yaml/'))).toEqual([]);
    // The chunk that holds it loads no policy loader (app mode's, in a chunk of its own, loads on its first batch).
    const beside = maps.find((sources) =>
      sources.some((source) => source.endsWith('shared/slack/webhook-policy.ts')),
    );
    expect(beside?.filter((source) => /shared\/policy\/(load|schema)\.ts$/.test(source))).toEqual([]);
  });
});
