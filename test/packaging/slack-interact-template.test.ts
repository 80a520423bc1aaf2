/**
 * slack-interact as `osls package` would deploy it: a Function URL with auth NONE (Slack cannot sign
 * with SigV4; its request signature is checked in the function), and a role allowed exactly the calls
 * a press makes: invoking itself (a slash grant's slow half, shared/grants/hand-off.ts), its two Slack
 * secrets and the kill switch, its presses and grants in the state table
 * (and the table's policy holds it to those keys), the journal of an event and its own journal
 * entries and budget charges (its writes pass the gate), the EC2 calls of a grant
 * and a revoke, publishing findings, and dead-lettering a hand-off (its async events: 120 s, one retry).
 * Only the Function URL is public: osls's lambda:InvokeFunction for `*` holds only via the URL.
 */
import { describe, expect, it } from 'vitest';
import { allowedActions, resourcesOfType, usePackage } from '../helpers/packaged';

const packaged = usePackage();

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
const statements = (): Record<string, Statement> => {
  const policies = (packaged.template.Resources.SlackInteractRole?.Properties.Policies ?? []) as Array<{
    PolicyDocument: { Statement: Statement[] };
  }>;
  return Object.fromEntries(
    policies
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .map((statement) => [statement.Sid, statement]),
  );
};

describe('slack-interact', () => {
  it('is reached through a Function URL with auth NONE, its role its own', () => {
    const urls = resourcesOfType(packaged.template, 'AWS::Lambda::Url').filter(([id]) =>
      id.startsWith('SlackInteract'),
    );
    expect(urls.map(([, url]) => url.Properties)).toEqual([
      { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': ['SlackInteractLambdaFunction', 'Arn'] } },
    ]);
    expect(packaged.template.Resources.SlackInteractLambdaFunction?.Properties.Role).toEqual({
      'Fn::GetAtt': ['SlackInteractRole', 'Arn'],
    });
  });

  it('may make exactly the calls of a press, each on the keys and resources it needs', () => {
    expect([...allowedActions(packaged.template, 'SlackInteractRole')].sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'ssm:GetParameter',
        'kms:Decrypt',
        'ssm:GetParameter',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        // GrantRequests (grant-request#…): /netwarden grant's request, created and moved by conditional puts.
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        // ChargeBudget (budget#…) and JournalWrites (journal#…): an Undo's grant is charged, every write journaled.
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Query',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSecurityGroupRules',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:CreateTags',
        'ec2:CreateTags',
        'ec2:RevokeSecurityGroupIngress',
        'sns:Publish',
        // SelfInvokeForSlowWork: a grant's slow half, handed to an async invocation of itself.
        'lambda:InvokeFunction',
        // DeadLetter: a hand-off Lambda could not deliver goes to the failed-events queue.
        'sqs:SendMessage',
      ].sort(),
    );
    const byId = statements();
    // Its own function and no other: not a wildcard, not another function's ARN.
    expect(byId.SelfInvokeForSlowWork?.Resource).toEqual({
      'Fn::Sub':
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
        'arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:netwarden-prod-slack-interact',
    });
    expect(definedResource('SlackInteractLambdaFunction').Properties.FunctionName).toBe(
      'netwarden-prod-slack-interact',
    );
    expect(byId.ReadSlackSecrets?.Resource).toEqual([
      {
        'Fn::Sub':
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
          'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/netwarden/prod/slack-signing-secret',
      },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
      { 'Fn::Sub': 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/netwarden/prod/slack-bot-token' },
    ]);
    type LeadingKeys = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': string[] } };
    const keys = (sid: string) =>
      (byId[sid]?.Condition as LeadingKeys | undefined)?.['ForAllValues:StringLike']['dynamodb:LeadingKeys'];
    expect(keys('ClaimPresses')).toEqual(['slack-press#*']);
    expect(keys('GrantRecords')).toEqual(['grant#*']);
    expect(keys('GrantRequests')).toEqual(['grant-request#*']);
    expect(keys('ReadJournalOfEvent')).toEqual(['journal#*', 'undo#*']);
    expect(keys('ChargeBudget')).toEqual(['budget#*']);
    expect(keys('JournalWrites')).toEqual(['journal#*']);
    expect(byId.ReadJournalOfEvent?.Action).toBe('dynamodb:Query');
    expect(byId.DeadLetter?.Resource).toEqual({ 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] });
  });

  it('drops a hand-off older than 120 s, retries a failed one once, then dead-letters it', () => {
    // A worker refuses a request approved 3 minutes ago or more (GRANT_WORK_WINDOW_MS): Lambda's
    // defaults (6 hours, 2 retries) would only deliver events to be refused, late.
    expect(definedResource('SlackInteractLambdaEvConf').Properties).toEqual({
      FunctionName: { Ref: 'SlackInteractLambdaFunction' },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] } },
      },
      Qualifier: '$LATEST',
      MaximumEventAgeInSeconds: 120,
      MaximumRetryAttempts: 1,
    });
  });

  it('lets anyone reach it only through its Function URL, never by a plain Invoke', () => {
    const permissions = resourcesOfType(packaged.template, 'AWS::Lambda::Permission')
      .filter(([, permission]) =>
        JSON.stringify(permission.Properties.FunctionName).includes('SlackInteractLambdaFunction'),
      )
      .map(([, permission]) => permission.Properties);
    // The public permissions: the URL's own (auth NONE) and lambda:InvokeFunction, which Lambda
    // honours for a public principal only on a call made through the Function URL (osls adds both).
    const fn = { 'Fn::GetAtt': ['SlackInteractLambdaFunction', 'Arn'] };
    expect(permissions.sort((a, b) => String(a.Action).localeCompare(String(b.Action)))).toEqual([
      { FunctionName: fn, Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true },
      { FunctionName: fn, Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' },
    ]);
  });

  it('is held by the state table’s policy to grants, grant requests, presses, its journal entries and the budget', () => {
    const policy = packaged.template.Resources.StateTable?.Properties.ResourcePolicy as {
      PolicyDocument: { Statement: Array<Statement & { Sid?: string }> };
    };
    const held = policy.PolicyDocument.Statement.find(
      (statement) => statement.Sid === 'SlackInteractWritesOnlyGrantsAndPresses',
    );
    expect(held?.Condition).toEqual({
      ArnEquals: {
        'aws:PrincipalArn': {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
          'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/netwarden-prod-ap-northeast-2-slack-interact',
        },
      },
      'ForAnyValue:StringNotLike': {
        'dynamodb:LeadingKeys': ['grant#*', 'grant-request#*', 'slack-press#*', 'journal#*', 'budget#*'],
      },
    });
  });

  /** A resource of the packaged template, failing the test with its name when it is missing. */
  function definedResource(name: string) {
    const resource = packaged.template.Resources[name];
    if (!resource) throw new Error(`the packaged template has no ${name}`);
    return resource;
  }

  it('names the signing secret and bot token parameters, never their values', () => {
    const variables = (
      definedResource('SlackInteractLambdaFunction').Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(variables).toMatchObject({
      SLACK_SIGNING_SECRET_PARAMETER: '/netwarden/prod/slack-signing-secret',
      SLACK_BOT_TOKEN_PARAMETER: '/netwarden/prod/slack-bot-token',
      STATE_TABLE_NAME: { Ref: 'StateTable' },
    });
  });
});
