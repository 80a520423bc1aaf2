/**
 * What `osls package` deploys for grants: the state table (retained, recoverable, encrypted), a
 * grant-access reachable only through its AWS_IAM Function URL, a per-minute expire-grants, and roles
 * that may call only the DynamoDB and EC2 actions they use — no revoke that depends on a tag.
 */
import { describe, expect, it } from 'vitest';
import { GRANT_TAGS } from '../../shared/grants/tags';
import { allowedActions, resourcesOfType, usePackage } from '../helpers/packaged';
import { STATE_TABLE_KEYS } from '../helpers/state-table';

const packaged = usePackage();

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
const bySid = (role: string) =>
  Object.fromEntries(statements(role).map((statement) => [statement.Sid, statement]));
const TABLE = { 'Fn::GetAtt': ['StateTable', 'Arn'] };
const INDEX = { 'Fn::Join': ['', [TABLE, '/index/live-by-expiry']] };
/** Every writing role's journal statement: put journal#… items, nothing else (shared/aws/state-table/journal.ts). */
const JOURNAL_WRITES = {
  Sid: 'JournalWrites',
  Effect: 'Allow',
  Action: 'dynamodb:PutItem',
  Resource: TABLE,
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['journal#*'] } },
};
/** A role that writes to the estate charges the blast-radius budget first: budget#… items only. */
const CHARGE_BUDGET = {
  Sid: 'ChargeBudget',
  Effect: 'Allow',
  Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
  Resource: TABLE,
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['budget#*'] } },
};
function environment(fn: string): Record<string, unknown> {
  const properties = packaged.template.Resources[`${fn}LambdaFunction`]?.Properties ?? {};
  return (properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('the state table', () => {
  it('is one per stage, on demand, recoverable, encrypted and retained when the stack goes', () => {
    const table = packaged.template.Resources.StateTable as unknown as {
      Type: string;
      DeletionPolicy: string;
      UpdateReplacePolicy: string;
      Properties: Record<string, unknown>;
    };
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      TableName: 'netwarden-prod-state',
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('has the keys and index the tests run against on dynalite', () => {
    const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } =
      packaged.template.Resources.StateTable?.Properties ?? {};
    expect({ AttributeDefinitions, KeySchema, GlobalSecondaryIndexes }).toEqual(
      JSON.parse(JSON.stringify(STATE_TABLE_KEYS)),
    );
  });

  it('refuses item writes to every principal but the roles that are allowed to write it', () => {
    const policy = packaged.template.Resources.StateTable?.Properties.ResourcePolicy as {
      PolicyDocument: { Statement: Array<Statement & { Effect: string; Principal: unknown }> };
    };
    const [deny, puts] = policy.PolicyDocument.Statement;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*' });
    expect(deny?.Action).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
    // PutItem apart: every other principal may put only undo#… items (netwarden undo's reversals).
    expect(puts).toMatchObject({ Sid: 'OthersPutOnlyUndoRecords', Effect: 'Deny', Principal: '*' });
    expect(puts?.Action).toBe('dynamodb:PutItem');
    expect(puts?.Condition?.['ForAnyValue:StringNotLike']).toEqual({ 'dynamodb:LeadingKeys': ['undo#*'] });
    const exemptOf = (statement: Statement | undefined) =>
      (
        (
          statement?.Condition as
            | { ArnNotEquals: { 'aws:PrincipalArn': Array<{ 'Fn::Sub': string }> } }
            | undefined
        )?.ArnNotEquals['aws:PrincipalArn'] ?? []
      ).map((arn) => arn['Fn::Sub'].replace(/^.*:role\//, ''));
    const exempt = exemptOf(deny);
    expect(exemptOf(puts).sort()).toEqual(exempt.sort());
    const writers = resourcesOfType(packaged.template, 'AWS::IAM::Role')
      .filter(([id]) =>
        allowedActions(packaged.template, id).some((action) =>
          /^dynamodb:(Put|Update|Delete)Item$/.test(action),
        ),
      )
      .map(([, role]) => String(role.Properties.RoleName));
    expect(exempt.sort()).toEqual(writers.sort());
    expect(exempt.sort()).toEqual([
      'netwarden-prod-ap-northeast-2-expire-grants',
      'netwarden-prod-ap-northeast-2-grant-access',
      'netwarden-prod-ap-northeast-2-heal-targets',
      'netwarden-prod-ap-northeast-2-notify-slack',
      'netwarden-prod-ap-northeast-2-revert-sg-drift',
      'netwarden-prod-ap-northeast-2-slack-interact',
    ]);
  });

  it('lets only the roles undoOperatorArns names put undo#… records (nobody when it names none)', () => {
    const policy = packaged.template.Resources.StateTable?.Properties.ResourcePolicy as {
      PolicyDocument: { Statement: unknown[] };
    };
    const table = {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
      'Fn::Sub': 'arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/netwarden-prod-state',
    };
    const undoRecords = { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['undo#*'] } };
    const statement = {
      Sid: 'OnlyUndoOperatorsRecordReversals',
      Effect: 'Deny',
      Principal: '*',
      Action: 'dynamodb:PutItem',
      Resource: table,
    };
    expect(policy.PolicyDocument.Statement).toContainEqual({
      'Fn::If': [
        'NamesUndoOperators',
        // A reversal record makes undo skip an entry: only the named operators' sessions may put one.
        {
          ...statement,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': { 'Fn::Split': [',', ''] } }, ...undoRecords },
        },
        // None named (the default): nobody, netwarden's own roles included.
        { ...statement, Condition: undoRecords },
      ],
    });
    const { Conditions } = packaged.template as unknown as { Conditions?: Record<string, unknown> };
    expect(Conditions?.NamesUndoOperators).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
    });
  });

  it('holds heal-targets to its repeat records, in the table policy and in its own; expire-grants adds only its own', () => {
    const policy = packaged.template.Resources.StateTable?.Properties.ResourcePolicy as {
      PolicyDocument: { Statement: Array<Statement & { Sid?: string }> };
    };
    const held = policy.PolicyDocument.Statement.find(
      (statement) => statement.Sid === 'HealTargetsWritesOnlyItsRepeatRecords',
    );
    expect(held).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
      Condition: {
        ArnEquals: {
          'aws:PrincipalArn': {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
            'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/netwarden-prod-ap-northeast-2-heal-targets',
          },
        },
        'ForAnyValue:StringNotLike': {
          'dynamodb:LeadingKeys': ['repeat#heal-targets#*', 'journal#*', 'budget#*'],
        },
      },
    });
    const writesOf = (role: string) =>
      statements(role).filter((statement) =>
        [statement.Action].flat().some((action) => /^dynamodb:(Put|Update|Delete)/.test(action)),
      );
    expect(writesOf('HealTargetsRole')).toEqual([
      {
        Sid: 'RememberToldFindings',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        Resource: TABLE,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['repeat#heal-targets#*'] } },
      },
      CHARGE_BUDGET,
      JOURNAL_WRITES,
    ]);
    expect(bySid('ExpireGrantsRole').RememberReportedFindings).toEqual({
      Sid: 'RememberReportedFindings',
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['repeat#expire-grants#*'] } },
    });
  });

  it('holds revert-sg-drift to its event records (event#…), in the table policy and in its own', () => {
    const policy = packaged.template.Resources.StateTable?.Properties.ResourcePolicy as {
      PolicyDocument: { Statement: Array<Statement & { Sid?: string }> };
    };
    const held = policy.PolicyDocument.Statement.find(
      (statement) => statement.Sid === 'RevertSgDriftWritesOnlyEventRecords',
    );
    expect(held).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
      Condition: {
        ArnEquals: {
          'aws:PrincipalArn': {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
            'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/netwarden-prod-ap-northeast-2-revert-sg-drift',
          },
        },
        // ForAnyValue: any key outside event#… is refused (PutItem/UpdateItem always carry one).
        'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': ['event#*', 'journal#*', 'budget#*'] },
      },
    });
    const writes = statements('RevertSgDriftRole').filter((statement) =>
      [statement.Action].flat().some((action) => /^dynamodb:(Put|Update|Delete)/.test(action)),
    );
    expect(writes).toEqual([
      {
        Sid: 'RecordEventOutcomes',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['event#*'] } },
      },
      CHARGE_BUDGET,
      JOURNAL_WRITES,
    ]);
  });

  it('lets the roles whose writes are charged update the budget (budget#…), and no other', () => {
    for (const role of ['RevertSgDriftRole', 'HealTargetsRole', 'GrantAccessRole', 'SlackInteractRole'])
      expect(bySid(role).ChargeBudget, role).toEqual(CHARGE_BUDGET);
    // expire-grants only narrows access: its writes are exempt, so it never charges the budget.
    expect(bySid('ExpireGrantsRole').ChargeBudget).toBeUndefined();
  });

  it('lets every writing role put journal entries (journal#…) and nobody change or delete one', () => {
    for (const role of [
      'RevertSgDriftRole',
      'HealTargetsRole',
      'GrantAccessRole',
      'ExpireGrantsRole',
      'SlackInteractRole',
    ])
      expect(bySid(role).JournalWrites, role).toEqual(JOURNAL_WRITES);
    const policy = packaged.template.Resources.StateTable?.Properties.ResourcePolicy as {
      PolicyDocument: { Statement: Array<Statement & { Sid?: string }> };
    };
    expect(
      policy.PolicyDocument.Statement.find((statement) => statement.Sid === 'JournalIsAppendOnly'),
    ).toEqual({
      Sid: 'JournalIsAppendOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: [
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PartiQLInsert',
        'dynamodb:PartiQLUpdate',
        'dynamodb:PartiQLDelete',
      ],
      Resource: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
        'Fn::Sub': 'arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/netwarden-prod-state',
      },
      // No principal condition: netwarden's own roles cannot rewrite what they did either.
      Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['journal#*', 'undo#*'] } },
    });
  });

  it('refuses the table administration that would erase or blind the records to all but a stack deploy', () => {
    const policy = packaged.template.Resources.StateTable?.Properties.ResourcePolicy as {
      PolicyDocument: { Statement: Array<Statement & { Effect: string; Principal: unknown }> };
    };
    const administer = policy.PolicyDocument.Statement.find(
      (statement) => statement.Sid === 'OnlyStackDeploysAdministerItsState',
    );
    expect(administer).toEqual({
      Sid: 'OnlyStackDeploysAdministerItsState',
      Effect: 'Deny',
      Principal: '*',
      // The TTL attribute (DynamoDB would delete the records), the index expire-grants queries and
      // deletion protection (UpdateTable), the table, these very Denies, and point-in-time recovery.
      Action: [
        'dynamodb:UpdateTimeToLive',
        'dynamodb:UpdateTable',
        'dynamodb:DeleteTable',
        'dynamodb:PutResourcePolicy',
        'dynamodb:DeleteResourcePolicy',
        'dynamodb:UpdateContinuousBackups',
      ],
      Resource: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
        'Fn::Sub': 'arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/netwarden-prod-state',
      },
      // ForAllValues: also true when aws:CalledVia is absent, so a direct call is denied; only a call
      // that CloudFormation makes on a deployer's behalf is exempt. ForAnyValue would exempt direct calls.
      Condition: { 'ForAllValues:StringNotEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } },
    });
  });

  it('is named to the functions that use it, and to no other', () => {
    const users = [
      'RevertSgDrift',
      'HealTargets',
      'GrantAccess',
      'ExpireGrants',
      'DailyCheck',
      'WeeklyCheck',
      // App mode's Slack threads (slack-thread#…, the only items its role may touch).
      'NotifySlack',
      // Button presses (slack-press#…) and the grants they make or change.
      'SlackInteract',
    ];
    for (const fn of users) expect(environment(fn).STATE_TABLE_NAME).toEqual({ Ref: 'StateTable' });
  });
});

describe('grant-access', () => {
  it('is reached only through a Function URL with AWS_IAM auth, and no schedule or resource policy for anyone', () => {
    const urls = resourcesOfType(packaged.template, 'AWS::Lambda::Url');
    // slack-interact's URL is the other one, auth NONE (slack-interact-template.test.ts).
    expect(urls.map(([, url]) => url.Properties)).toEqual(
      expect.arrayContaining([
        { AuthType: 'AWS_IAM', TargetFunctionArn: { 'Fn::GetAtt': ['GrantAccessLambdaFunction', 'Arn'] } },
      ]),
    );
    expect(urls).toHaveLength(2);
    const permissions = resourcesOfType(packaged.template, 'AWS::Lambda::Permission').filter(([id]) =>
      id.startsWith('GrantAccess'),
    );
    expect(permissions).toEqual([]);
    expect(
      resourcesOfType(packaged.template, 'AWS::Events::Rule').filter(([id]) => id.startsWith('GrantAccess')),
    ).toEqual([]);
    expect(packaged.template.Resources.GrantAccessLambdaFunction?.Properties.Role).toEqual({
      'Fn::GetAtt': ['GrantAccessRole', 'Arn'],
    });
  });

  it('may read and conditionally write grant records, describe rules, authorize and revoke ingress, label grants, publish', () => {
    expect(allowedActions(packaged.template, 'GrantAccessRole')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      // ChargeBudget: budget#… items only (below).
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      // JournalWrites: journal#… items only (tested above).
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:CreateTags',
      'ec2:CreateTags',
      'ec2:DescribeSecurityGroupRules',
      'ec2:RevokeSecurityGroupIngress',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
      // The kill switch, this stage's parameter only (test below).
      'ssm:GetParameter',
    ]);
    const byId = bySid('GrantAccessRole');
    expect(byId.GrantRecords?.Resource).toEqual(TABLE);
    // Only grant records: never another function's event claims or repeat records.
    expect(byId.GrantRecords?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['grant#*'] },
    });
    expect(byId.OpenGrants?.Resource).toEqual(INDEX);
    expect(byId.LabelGrantOnCreate?.Condition).toEqual({
      StringEquals: { 'ec2:CreateAction': 'AuthorizeSecurityGroupIngress' },
    });
    expect(byId.LabelGrantOnExtend?.Condition).toMatchObject({
      'ForAllValues:StringEquals': { 'aws:TagKeys': expect.arrayContaining(['netwarden:grant-expires-at']) },
    });
  });

  it('labels on an extension with exactly the tag keys shared/grants/tags.ts defines', () => {
    // serverless.yml cannot import GRANT_TAGS: this is what keeps its copy of the keys equal to them.
    const extend = bySid('GrantAccessRole').LabelGrantOnExtend;
    expect(extend?.Condition).toEqual({
      Null: { [`ec2:ResourceTag/${GRANT_TAGS.expiresAt}`]: 'false' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': Object.values(GRANT_TAGS) },
    });
  });
});

describe('expire-grants', () => {
  it('runs every minute, one at a time', () => {
    // An eventBridge schedule (for its retry policy and DLQ): osls names the rule after the function.
    const rules = resourcesOfType(packaged.template, 'AWS::Events::Rule').filter(([id]) =>
      id.toLowerCase().includes('expiregrants'),
    );
    expect(rules.map(([, rule]) => rule.Properties.ScheduleExpression)).toEqual(['rate(1 minute)']);
    expect(
      packaged.template.Resources.ExpireGrantsLambdaFunction?.Properties.ReservedConcurrentExecutions,
    ).toBe(1);
  });

  it('may query the open-grants index, settle records and Slack grant requests, find a pending rule, revoke ingress (no tag condition) and publish', () => {
    expect(allowedActions(packaged.template, 'ExpireGrantsRole')).toEqual([
      // GetItem: a granted Slack request's grant record (grant#…), below.
      'dynamodb:GetItem',
      // PutItem: report mode's repeat records only (repeat#expire-grants#…), and journal#… items, tested
      // above; and grant requests (grant-request#…), below.
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'ec2:DescribeSecurityGroupRules',
      'ec2:RevokeSecurityGroupIngress',
      // The bot token's decryption, through SSM only.
      'kms:Decrypt',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
      // The kill switch, this stage's parameter only (test below), and the Slack bot token.
      'ssm:GetParameter',
      'ssm:GetParameter',
    ]);
    const byId = bySid('ExpireGrantsRole');
    expect(byId.DueGrants?.Resource).toEqual(INDEX);
    expect(byId.SettleGrants?.Resource).toEqual(TABLE);
    expect(byId.SettleGrants?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['grant#*'] },
    });
    expect(
      statements('ExpireGrantsRole').every(
        (statement) =>
          statement.Condition === undefined ||
          statement.Sid === 'RememberReportedFindings' ||
          statement.Sid === 'JournalWrites' ||
          statement.Sid === 'SettleGrants' ||
          statement.Sid === 'SettleGrantRequests' ||
          statement.Sid === 'ReadGrantOfRequest' ||
          statement.Sid === 'DecryptSlackBotTokenThroughSsm',
      ),
    ).toBe(true);
    expect(byId.SettleGrantRequests?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['grant-request#*'] },
    });
    expect(byId.ReadGrantOfRequest?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['grant#*'] },
    });
    expect(byId.ReadSlackBotToken?.Resource).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
      'Fn::Sub': 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/netwarden/prod/slack-bot-token',
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

describe('revert-sg-drift', () => {
  it('may only read grant records, and hears CreateTags/DeleteTags on rules as well as groups', () => {
    expect(bySid('RevertSgDriftRole').ReadGrantRecords).toMatchObject({
      Action: 'dynamodb:GetItem',
      Resource: TABLE,
    });
    const rules = resourcesOfType(packaged.template, 'AWS::Events::Rule').filter(([id]) =>
      id.toLowerCase().includes('revertsgdrift'),
    );
    const patterns = rules.map(([, rule]) => JSON.stringify(rule.Properties.EventPattern));
    expect(patterns.some((pattern) => pattern.includes('{"prefix":"sgr-"}'))).toBe(true);
  });
});
