/**
 * Failures are seen without Slack: the operations topic, the alarms on every dead-letter queue and
 * function and on writes the blast-radius budget held back, and the retry policy and dead-letter queue of every EventBridge target, as packaged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELD_BACK_METRIC, heldBackMetric } from '../../shared/safety/gate';
import {
  allowedActions,
  OTHER_DEPLOYMENT,
  PACKAGING_HANG_LIMIT_MS,
  packageService,
  resourcesOfType,
  type Template,
  usePackage,
  withCondition,
} from '../helpers/packaged';

// As deployed without --param="organizationId=…": the organisation bus's rules and their dead-letter
// entries are absent (test/packaging/organization-template.test.ts holds them when it is set).
const deployed = usePackage({ view: (template) => withCondition(template, 'ServesOrganization', false) });

type Properties = Record<string, unknown>;
type Statement = {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: unknown;
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
const propertiesOf = (logicalId: string): Properties => {
  const resource = deployed.template.Resources[logicalId];
  if (!resource) throw new Error(`no ${logicalId} in the template`);
  return resource.Properties;
};
const statementsOf = (policyId: string): Statement[] =>
  (propertiesOf(policyId).PolicyDocument as { Statement: Statement[] }).Statement;
const alarms = () =>
  resourcesOfType(deployed.template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
const alarmOn = (metric: string, dimension: unknown) =>
  alarms().filter(
    (alarm) =>
      alarm.MetricName === metric && JSON.stringify(alarm.Dimensions) === JSON.stringify([dimension]),
  );
const OPS = { Ref: 'OpsTopic' };
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
const OWN_ALARMS = { 'Fn::Sub': 'arn:aws:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*' };

describe('the operations topic', () => {
  it('is its own topic, netwarden-<stage>-ops, with no Slack on any path out of it', () => {
    expect(propertiesOf('OpsTopic')).toEqual({ TopicName: 'netwarden-prod-ops' });
    const subscriptions = resourcesOfType(deployed.template, 'AWS::SNS::Subscription').filter(
      ([, subscription]) => JSON.stringify(subscription.Properties.TopicArn) === JSON.stringify(OPS),
    );
    expect(subscriptions.map(([id]) => id)).toEqual(['OpsEmailSubscription']);
  });

  it('takes messages only from CloudWatch alarms of this account: an explicit Deny for any other publisher', () => {
    const [allow, deny, ...more] = statementsOf('OpsTopicPolicy');
    expect(more).toEqual([]);
    expect(allow).toEqual({
      Sid: 'CloudWatchAlarmsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: OPS,
      Condition: {
        ArnLike: { 'aws:SourceArn': OWN_ALARMS },
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      },
    });
    expect(deny).toEqual({
      Sid: 'OnlyAlarmsPublish',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: OPS,
      Condition: { ArnNotLike: { 'aws:SourceArn': OWN_ALARMS } },
    });
    // netwarden's functions publish findings, never operations alarms.
    for (const [id] of resourcesOfType(deployed.template, 'AWS::IAM::Role')) {
      const statements = (
        (propertiesOf(id).Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>
      ).flatMap((policy) => policy.PolicyDocument.Statement);
      expect(JSON.stringify(statements), id).not.toContain('OpsTopic');
    }
  });

  it('mails no one unless opsEmail is given: the subscription exists only under the MailsOps condition', () => {
    expect(
      (deployed.template as unknown as { Conditions: Record<string, unknown> }).Conditions.MailsOps,
    ).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
    });
    expect(deployed.template.Resources.OpsEmailSubscription).toEqual({
      Type: 'AWS::SNS::Subscription',
      Condition: 'MailsOps',
      Properties: { TopicArn: OPS, Protocol: 'email', Endpoint: '' },
    });
  });

  it(
    'subscribes the address --param="opsEmail=…" names (packaged with another region too, OTHER_DEPLOYMENT)',
    async () => {
      // Packaged by the global setup like every other package of the run (queued, never two at once).
      const { template: packagedTemplate } = await packageService(
        'prod',
        OTHER_DEPLOYMENT.region,
        OTHER_DEPLOYMENT.params,
      );
      const mailed = packagedTemplate as Template & { Conditions: Record<string, unknown> };
      expect(mailed.Conditions.MailsOps).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [OTHER_DEPLOYMENT.opsEmail, ''] }],
      });
      expect(mailed.Resources.OpsEmailSubscription?.Properties).toEqual({
        TopicArn: OPS,
        Protocol: 'email',
        Endpoint: OTHER_DEPLOYMENT.opsEmail,
      });
    },
    PACKAGING_HANG_LIMIT_MS,
  );
});

describe('alarms', () => {
  /** Every queue something dead-letters into: Lambda destinations, SQS redrive policies, rule targets. */
  const deadLetterQueues = (): string[] => {
    const arns = new Set<string>();
    for (const [, config] of resourcesOfType(deployed.template, 'AWS::Lambda::EventInvokeConfig'))
      arns.add(
        JSON.stringify(
          (config.Properties.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure
            .Destination,
        ),
      );
    for (const [, queue] of resourcesOfType(deployed.template, 'AWS::SQS::Queue')) {
      const redrive = queue.Properties.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
      if (redrive) arns.add(JSON.stringify(redrive.deadLetterTargetArn));
    }
    for (const [, rule] of resourcesOfType(deployed.template, 'AWS::Events::Rule'))
      for (const target of rule.Properties.Targets as Array<{ DeadLetterConfig?: { Arn: unknown } }>)
        if (target.DeadLetterConfig) arns.add(JSON.stringify(target.DeadLetterConfig.Arn));
    return [...arns]
      .map((arn) => (JSON.parse(arn) as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0])
      .sort();
  };

  it('watch the depth and the age of every dead-letter queue, sent to the operations topic', () => {
    expect(deadLetterQueues()).toEqual([
      'EventsDeadLetterQueue',
      'FailedEventsQueue',
      'NotificationsDeadLetterQueue',
    ]);
    for (const queue of deadLetterQueues()) {
      const dimension = { Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } };
      const common = {
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [OPS],
        OKActions: [OPS],
      };
      // Any message waiting is a failure nobody has handled.
      expect(alarmOn('ApproximateNumberOfMessagesVisible', dimension), queue).toEqual([
        expect.objectContaining({ ...common, Threshold: 0 }),
      ]);
      // Still there after a day: said again, well before the 14-day retention deletes it.
      expect(alarmOn('ApproximateAgeOfOldestMessage', dimension), queue).toEqual([
        expect.objectContaining({ ...common, Threshold: 86_400 }),
      ]);
      expect(propertiesOf(queue).MessageRetentionPeriod, queue).toBe(1_209_600);
    }
  });

  it("watch every function's errors (any in 5 minutes) and throttles (15 minutes on end)", () => {
    const functions = resourcesOfType(deployed.template, 'AWS::Lambda::Function').map(([id]) => id);
    expect(functions).toHaveLength(8);
    for (const fn of functions) {
      const dimension = { Name: 'FunctionName', Value: { Ref: fn } };
      const common = {
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [OPS],
        OKActions: [OPS],
      };
      expect(alarmOn('Errors', dimension), fn).toEqual([
        expect.objectContaining({ ...common, EvaluationPeriods: 1 }),
      ]);
      expect(alarmOn('Throttles', dimension), fn).toEqual([
        expect.objectContaining({ ...common, EvaluationPeriods: 3, DatapointsToAlarm: 3 }),
      ]);
    }
    // The queues' two each, the functions' two each, and the blast-radius budget's one.
    expect(alarms()).toHaveLength(3 * 2 + functions.length * 2 + 1);
  });

  it('watch the blast-radius budget: any write held back in 5 minutes, on the metric the write gate logs', () => {
    const dimension = { Name: HELD_BACK_METRIC.dimension, Value: 'prod' };
    expect(alarmOn(HELD_BACK_METRIC.name, dimension)).toEqual([
      expect.objectContaining({
        AlarmName: 'netwarden-prod-writes-held-back',
        Namespace: HELD_BACK_METRIC.namespace,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [OPS],
        OKActions: [OPS],
      }),
    ]);
    // The log line the gate writes for a held-back write names the same metric, namespace and stage.
    expect(heldBackMetric('prod', new Date(0))).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: HELD_BACK_METRIC.namespace,
            Dimensions: [[dimension.Name]],
            Metrics: [{ Name: HELD_BACK_METRIC.name, Unit: 'Count' }],
          },
        ],
      },
      [dimension.Name]: 'prod',
      [HELD_BACK_METRIC.name]: 1,
    });
  });

  it('say the stage and what in their names, and point at a section of the runbook that exists', () => {
    const runbook = readFileSync(join(import.meta.dirname, '../../docs/operations.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^#{2,3} (.+)$/gm)].map(([, heading]) =>
        (heading ?? '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const alarm of alarms()) {
      expect(String(alarm.AlarmName)).toMatch(
        /^netwarden-prod-[a-z-]+-(waiting|older-than-a-day|errors|throttles|held-back)$/,
      );
      const description = String(alarm.AlarmDescription);
      expect(description).toMatch(/^netwarden prod: /);
      const anchor = /docs\/operations\.md#([a-z0-9-]+)/.exec(description)?.[1];
      expect(anchor, description).toBeDefined();
      expect(anchors.has(anchor ?? ''), `${anchor} in docs/operations.md`).toBe(true);
      expect(description.length).toBeLessThanOrEqual(1024);
    }
    expect(alarms().map((alarm) => alarm.AlarmName)).toContain('netwarden-prod-failed-events-waiting');
    expect(alarms().map((alarm) => alarm.AlarmName)).toContain('netwarden-prod-revert-sg-drift-errors');
    expect(alarms().map((alarm) => alarm.AlarmName)).toContain('netwarden-prod-writes-held-back');
  });
});

describe('EventBridge targets', () => {
  const rules = () => resourcesOfType(deployed.template, 'AWS::Events::Rule');
  const ruleArn = (name: unknown) => ({
    'Fn::Sub': `arn:aws:events:\${AWS::Region}:\${AWS::AccountId}:rule/${String(name)}`,
  });

  it('every target of every rule, the schedules included, retries for an hour at most and then dead-letters', () => {
    expect(
      rules()
        .map(([, rule]) => rule.Properties.Name)
        .sort(),
    ).toEqual([
      'netwarden-prod-alarm-state-change',
      'netwarden-prod-daily-check',
      'netwarden-prod-expire-grants',
      'netwarden-prod-heal-targets-sweep',
      'netwarden-prod-sg-rule-changes',
      'netwarden-prod-sg-tag-changes',
      'netwarden-prod-unhealthy-hosts',
      'netwarden-prod-weekly-check',
    ]);
    for (const [id, rule] of rules()) {
      const targets = rule.Properties.Targets as Array<Record<string, unknown>>;
      expect(targets.length, id).toBeGreaterThan(0);
      for (const target of targets)
        expect(target, id).toMatchObject({
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 20 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] } },
        });
    }
  });

  it('park in a queue that only EventBridge, for exactly these rules, may send to', () => {
    const ours = rules().map(([, rule]) => ruleArn(rule.Properties.Name));
    const [allow, deny, ...more] = statementsOf('EventsDeadLetterQueuePolicy');
    expect(more).toEqual([]);
    expect(propertiesOf('EventsDeadLetterQueuePolicy').Queues).toEqual([{ Ref: 'EventsDeadLetterQueue' }]);
    expect(allow).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] },
    });
    expect(allow?.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': expect.arrayContaining(ours) } });
    expect(allow?.Condition?.ArnEquals?.['aws:SourceArn']).toHaveLength(ours.length);
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] },
    });
    expect(deny?.Condition).toEqual({
      ArnNotEquals: { 'aws:SourceArn': allow?.Condition?.ArnEquals?.['aws:SourceArn'] },
    });
  });

  it('the schedules still fire on the same expressions, each into its own function', () => {
    const schedules = Object.fromEntries(
      rules()
        .filter(([, rule]) => rule.Properties.ScheduleExpression)
        .map(([, rule]) => [
          rule.Properties.Name,
          [rule.Properties.ScheduleExpression, (rule.Properties.Targets as Array<{ Arn: unknown }>)[0]?.Arn],
        ]),
    );
    expect(schedules).toEqual({
      'netwarden-prod-heal-targets-sweep': [
        'rate(5 minutes)',
        { 'Fn::GetAtt': ['HealTargetsLambdaFunction', 'Arn'] },
      ],
      'netwarden-prod-expire-grants': [
        'rate(1 minute)',
        { 'Fn::GetAtt': ['ExpireGrantsLambdaFunction', 'Arn'] },
      ],
      'netwarden-prod-daily-check': [
        'cron(0 0 * * ? *)',
        { 'Fn::GetAtt': ['DailyCheckLambdaFunction', 'Arn'] },
      ],
      'netwarden-prod-weekly-check': [
        'cron(0 0 ? * MON *)',
        { 'Fn::GetAtt': ['WeeklyCheckLambdaFunction', 'Arn'] },
      ],
    });
  });
});

describe('the failed-events queue', () => {
  it('takes records only from the roles of netwarden functions that may dead-letter into it', () => {
    const [deny, ...more] = statementsOf('FailedEventsQueuePolicy');
    expect(more).toEqual([]);
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] },
    });
    const senders = resourcesOfType(deployed.template, 'AWS::IAM::Role')
      .filter(([id]) => allowedActions(deployed.template, id).includes('sqs:SendMessage'))
      .map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));
    const exempt = deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn'];
    expect(exempt).toEqual(expect.arrayContaining(senders));
    expect(exempt).toHaveLength(senders.length);
    // Every function with a failure destination sends as a role the Deny exempts.
    for (const [id, fn] of resourcesOfType(deployed.template, 'AWS::Lambda::Function')) {
      const hasDestination =
        deployed.template.Resources[id.replace(/LambdaFunction$/, 'LambdaEvConf')] !== undefined;
      if (hasDestination) expect(exempt, id).toContainEqual(fn.Properties.Role);
    }
  });
});

const NOTIFICATIONS_QUEUE_ARN =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
  'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:netwarden-prod-notifications';

describe('the queues that redrive replays from', () => {
  it('cannot be made the dead-letter queue of a queue someone else owns: SQS would move any body into them', () => {
    expect(propertiesOf('FailedEventsQueue').RedriveAllowPolicy).toEqual({ redrivePermission: 'denyAll' });
    expect(propertiesOf('EventsDeadLetterQueue').RedriveAllowPolicy).toEqual({
      redrivePermission: 'denyAll',
    });
    expect(propertiesOf('NotificationsDeadLetterQueue').RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [{ 'Fn::Sub': NOTIFICATIONS_QUEUE_ARN }],
    });
  });
});
