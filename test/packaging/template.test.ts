/** What `osls package` would deploy: artifacts, triggers and least-privilege roles. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unzip } from '../../bench/unzip';
import { BaseConfig, parseConfig, selfRolePatterns } from '../../shared/config';
import { isSelf } from '../../shared/sg/actor';
import {
  allowedActions,
  OTHER_DEPLOYMENT,
  type Packaged,
  resourcesOfType,
  usePackage,
} from '../helpers/packaged';
import { unzipEntry } from '../helpers/zip';

const packaged = usePackage();

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

  it('lets only netwarden and the undo operators undoOperatorArns names publish findings, and only the topics and the alarm rule feed notify-slack', () => {
    type Statement = { Sid?: string; Condition?: Record<string, Record<string, unknown>> } & Record<
      string,
      unknown
    >;
    const statementsOf = (logicalId: string): Statement[] => {
      const resource = packaged.template.Resources[logicalId];
      return (resource?.Properties.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [];
    };
    // One statement, in two forms: with undoOperatorArns naming roles, those may publish too (each
    // reversal `netwarden undo` makes is a finding of its own); with none named, only netwarden's roles.
    const [only, ...others] = statementsOf('FindingsTopicPolicy') as unknown as Array<{
      'Fn::If'?: [string, Statement, Statement];
    }>;
    expect(others).toEqual([]);
    const [condition, named, unnamed] = only?.['Fn::If'] ?? [];
    expect(condition).toBe('NamesUndoOperators');
    const rolesThatPublish = resourcesOfType(packaged.template, 'AWS::IAM::Role')
      .filter(([id]) => allowedActions(packaged.template, id).includes('sns:Publish'))
      .map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));
    for (const deny of [named, unnamed]) {
      expect(deny).toMatchObject({
        Sid: 'OnlyNetwardenPublishesFindings',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: { Ref: 'FindingsTopic' },
      });
      // Every role allowed to publish is exempt from the Deny, and nothing else is.
      const exempt = deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn'];
      expect(exempt).toEqual(expect.arrayContaining(rolesThatPublish));
      expect(exempt).toHaveLength(rolesThatPublish.length);
    }
    // The named operators, as the state table's undo#… statement names them (ArnLike patterns).
    expect(named?.Condition?.ArnNotLike).toEqual({ 'aws:PrincipalArn': { 'Fn::Split': [',', ''] } });
    expect(Object.keys(unnamed?.Condition ?? {})).toEqual(['ArnNotEquals']);

    expect(
      statementsOf('NotificationsQueuePolicy').find((statement) => statement.Sid === 'NothingElseSends'),
    ).toMatchObject({
      Effect: 'Deny',
      Action: 'sqs:SendMessage',
      Condition: {
        ArnNotEquals: {
          'aws:SourceArn': [
            { Ref: 'AlarmsTopic' },
            { Ref: 'FindingsTopic' },
            { 'Fn::GetAtt': ['AlarmStateChangeRule', 'Arn'] },
          ],
        },
      },
    });
  });

  it('loads no AWS client at cold start: the clients are chunks imported on first use', () => {
    // Follows the static imports from each handler through its chunks: what a cold start evaluates.
    const staticallyLoaded = (artifact: string, handler: string): string => {
      const zip = join(packaged.dir, artifact);
      const seen = new Set<string>();
      const code: string[] = [];
      const visit = (entry: string) => {
        if (seen.has(entry)) return;
        seen.add(entry);
        const source = unzipEntry(zip, entry);
        code.push(source);
        const dir = entry.slice(0, entry.lastIndexOf('/') + 1);
        for (const [, file] of source.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g))
          visit(`${dir}${file}`);
      };
      visit(handler);
      return code.join('\n');
    };
    for (const [artifact, handler] of [
      ['revertSgDrift.zip', 'functions/revert-sg-drift/handler.js'],
      ['grantAccess.zip', 'functions/grant-access/handler.js'],
      ['expireGrants.zip', 'functions/expire-grants/handler.js'],
      ['healTargets.zip', 'functions/heal-targets/handler.js'],
    ] as const) {
      expect(staticallyLoaded(artifact, handler), artifact).not.toMatch(
        /"(EC2Client|ElasticLoadBalancingV2Client|DynamoDBClient|SNSClient)"/,
      );
    }
  });

  it("names netwarden's writing roles exactly, so a role squatting the netwarden-prod- prefix is not trusted", () => {
    // The writers that matter here change the estate (EC2, ELBv2): CloudTrail shows their changes, and
    // revert-sg-drift must know them as netwarden's own. notify-slack's only write is a Slack thread
    // reference in the state table, which no CloudTrail security-group event ever names.
    const READ_OR_PLUMBING =
      /^(logs|sns|sqs|ssm|kms|s3|cloudtrail|cloudwatch|acm):|^dynamodb:|:(Describe|Get|List|Lookup|Query)/;
    const writers = resourcesOfType(packaged.template, 'AWS::IAM::Role')
      .filter(([id]) =>
        allowedActions(packaged.template, id).some((action) => !READ_OR_PLUMBING.test(action)),
      )
      .map(([, resource]) => `arn:aws:iam::*:role/${String(resource.Properties.RoleName)}`)
      .sort();
    expect(writers).toEqual([
      'arn:aws:iam::*:role/netwarden-prod-ap-northeast-2-expire-grants',
      'arn:aws:iam::*:role/netwarden-prod-ap-northeast-2-grant-access',
      'arn:aws:iam::*:role/netwarden-prod-ap-northeast-2-heal-targets',
      'arn:aws:iam::*:role/netwarden-prod-ap-northeast-2-revert-sg-drift',
      // Its Undo creates grant rules: revert-sg-drift must know those calls as netwarden's own.
      'arn:aws:iam::*:role/netwarden-prod-ap-northeast-2-slack-interact',
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
      const self = selfRolePatterns(config);
      expect(isSelf(roleActor('netwarden-prod-ap-northeast-2-revert-sg-drift'), self)).toBe(true);
      expect(isSelf(roleActor('netwarden-prod-ap-northeast-2-revert-sg-drift-backdoor'), self)).toBe(false);
      expect(isSelf(roleActor('netwarden-prod-ap-northeast-2-admin'), self)).toBe(false);
      // The same stage's roles in another region are another deployment's, not this one's.
      expect(isSelf(roleActor('netwarden-prod-us-east-1-revert-sg-drift'), self)).toBe(false);
    }
  });

  it('has a findings topic and a dead-letter queue for failed async invocations', () => {
    expect(packaged.template.Resources.FindingsTopic?.Type).toBe('AWS::SNS::Topic');
    expect(packaged.template.Resources.FailedEventsQueue?.Type).toBe('AWS::SQS::Queue');
  });
});

describe('bundles', () => {
  it('embed the policy validated at build time and carry no YAML parser (tools/embed-policy-plugin.cjs)', () => {
    const bundle = unzipEntry(
      join(packaged.dir, 'revertSgDrift.zip'),
      'functions/revert-sg-drift/handler.js',
    );
    expect(bundle).toContain('trustedPrincipals:["arn:aws:iam::111122223333:role/terraform-ci"]');
    // The validator's output, not the YAML's: port lists as ranges, durations ("10m") in ms (minified: 6e5).
    expect(bundle).toContain('ports:[{from:22,to:22},{from:3306,to:3306}');
    expect(bundle).toContain('budget:{window:6e5,perAccount:20,perGroup:5,perTargetGroup:5}');
    expect(bundle).not.toContain('yaml.alias');
  });

  it('load neither the policy schema, its loader, the time-zone check nor a YAML parser, in any chunk of any function', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwarden-bundles-'));
    try {
      const loaded = packaged.artifacts.flatMap((artifact) => {
        const into = join(dir, artifact);
        return unzip(join(packaged.dir, artifact), into)
          .filter((file) => file.endsWith('.js.map'))
          .flatMap(
            (file) => (JSON.parse(readFileSync(join(into, file), 'utf8')) as { sources: string[] }).sources,
          )
          .map((source) => `${artifact}: ${source}`);
      });
      expect(loaded.some((source) => source.endsWith('shared/policy/match.ts'))).toBe(true);
      expect(
        loaded.filter((source) =>
          /shared\/policy\/(load|schema|timezone|slack|document)\.ts$|node_modules\/yaml\//.test(source),
        ),
      ).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keep class names through minification (keepNames), so errors and logs name their class, not "e"', () => {
    const bundle = unzipEntry(
      join(packaged.dir, 'revertSgDrift.zip'),
      'functions/revert-sg-drift/handler.js',
    );
    // esbuild's keepNames pins each class's name in a static block: `static{x(this,"Logger")}`.
    expect(bundle).toMatch(/\(this,"Logger"\)/);
    expect(bundle).toMatch(/\(this,"ConfigError"\)/);
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

  it('has its own role allowing only the ec2, sns and state-table calls it uses (plus logs and its DLQ)', () => {
    expect(allowedActions(packaged.template, 'RevertSgDriftRole')).toEqual([
      // Grant records and the budget's count (budget#…) read; its event records only (event#…), journal
      // entries (journal#…) and the budget's count written: test/packaging/grants-template.test.ts.
      'dynamodb:GetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
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
      // The kill switch, this stage's parameter only (test below).
      'ssm:GetParameter',
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
      // The function's own account: events of any other are reported, never acted on.
      NETWARDEN_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
    });
  });
});

describe('two regions', () => {
  const second = usePackage({ region: OTHER_DEPLOYMENT.region, params: OTHER_DEPLOYMENT.params });

  const roleNames = (template: Packaged['template']) =>
    resourcesOfType(template, 'AWS::IAM::Role').map(([, role]) => String(role.Properties.RoleName));

  it('package to distinct IAM role names (IAM is global), each within the 64-character limit', () => {
    const first = roleNames(packaged.template);
    const other = roleNames(second.template);

    expect(first).toHaveLength(8);
    expect(other).toHaveLength(first.length);
    expect(first.filter((name) => other.includes(name))).toEqual([]);
    expect(other).toContain('netwarden-prod-us-east-1-revert-sg-drift');
    for (const name of [...first, ...other]) expect(name.length, name).toBeLessThanOrEqual(64);
  });

  it("recognise only their own region's roles as netwarden's own", () => {
    for (const [id, fn] of resourcesOfType(second.template, 'AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const selfRoles = String(variables.NETWARDEN_ROLE_ARNS);
      expect(selfRoles.split(','), id).toContain(
        'arn:aws:iam::*:role/netwarden-prod-us-east-1-revert-sg-drift',
      );
      expect(selfRoles, id).not.toContain('ap-northeast-2');
    }
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
      // Its repeat records only (repeat#heal-targets#…), journal entries (journal#…) and the budget's
      // count (budget#…): test/packaging/grants-template.test.ts.
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
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
      // The kill switch, this stage's parameter only (test below).
      'ssm:GetParameter',
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

describe('the kill switch', () => {
  it('lets every function that acts or reports read exactly its stage’s parameter, and nothing else of SSM', () => {
    const roles = resourcesOfType(packaged.template, 'AWS::IAM::Role').map(([id]) => id);
    const readers = roles.filter((id) => allowedActions(packaged.template, id).includes('ssm:GetParameter'));
    // notify-slack reads its webhook parameter instead (notify-slack-template.test.ts): it writes nothing to AWS.
    expect(readers.sort()).toEqual([
      'DailyCheckRole',
      'ExpireGrantsRole',
      'GrantAccessRole',
      'HealTargetsRole',
      'NotifySlackRole',
      'RevertSgDriftRole',
      'SlackInteractRole',
      'WeeklyCheckRole',
    ]);
    // slack-interact also reads its Slack secrets (slack-interact-template.test.ts).
    const BOT_TOKEN_READ = {
      Sid: 'ReadSlackBotToken',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
        'Fn::Sub': 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/netwarden/prod/slack-bot-token',
      },
    };
    for (const id of readers.filter((id) => id !== 'NotifySlackRole' && id !== 'SlackInteractRole')) {
      const statements = (
        (packaged.template.Resources[id]?.Properties.Policies ?? []) as Array<{
          PolicyDocument: { Statement: Array<{ Sid?: string; Action: unknown; Resource: unknown }> };
        }>
      ).flatMap((policy) => policy.PolicyDocument.Statement);
      expect(
        statements.filter((statement) => JSON.stringify(statement.Action ?? null).includes('ssm:')),
        id,
      ).toEqual([
        {
          Sid: 'ReadKillSwitch',
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
            'Fn::Sub': 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/netwarden/prod/paused',
          },
        },
        // expire-grants tells requesters (direct messages) and updates requests' messages with the bot token.
        ...(id === 'ExpireGrantsRole' ? [BOT_TOKEN_READ] : []),
      ]);
    }
  });
});

describe('revert-sg-drift bundle', () => {
  it('holds no client of the audits (ACM, CloudTrail, CloudWatch), and maps without sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwarden-revert-sg-drift-'));
    try {
      const files = unzip(join(packaged.dir, 'revertSgDrift.zip'), dir);
      const maps = files
        .filter((file) => file.endsWith('.js.map'))
        .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sourcesContent?: unknown });
      const clients = new Set(
        maps.flatMap((map) =>
          ((map as { sources: string[] }).sources ?? []).flatMap(
            (source) => /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(source)?.[1] ?? [],
          ),
        ),
      );
      // A lazy adapter once imported every client's module (shared/aws/clients.ts) on first use. The
      // ELBv2 client is bundled as the lazy ELBv2 adapter's chunk; a revert never loads it.
      expect([...clients].sort()).toEqual([
        'client-dynamodb',
        'client-ec2',
        'client-elastic-load-balancing-v2',
        'client-s3',
        'client-sns',
        // No client-ssm: the kill switch is read with one signed call (shared/aws/secure-string.ts).
        // AssumeRole of a member account's role (shared/aws/member-credentials.ts, imported on the first
        // member event only); never loaded for the central account.
        'client-sts',
      ]);
      // Node parses every loaded chunk's map under --enable-source-maps: sources inside would double it.
      expect(maps.filter((map) => map.sourcesContent !== undefined)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
