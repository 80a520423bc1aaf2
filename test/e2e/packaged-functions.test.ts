/**
 * The shipped artifacts end to end: every function's zip from `osls package --stage prod`, unpacked
 * and invoked the way Lambda does it (a fresh node process, ESM, the template's environment and
 * NODE_OPTIONS) with a real event, against the simulated account's HTTP endpoint served by this test
 * process and the state table in dynalite. Each test asserts the decision the handler returned, the
 * exact writes the account recorded (and that nothing else was written) and the published finding.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { grantStore } from '../../shared/aws/state-table/grants';
import type { Finding } from '../../shared/findings/finding';
import { accessKey } from '../../shared/grants/record';
import type { CallRecord } from '../../simulated-account/account';
import { serveSimulation } from '../../simulated-account/endpoint';
import {
  ACCOUNT_ID,
  consoleUser,
  createSimulatedAccount,
  GATEWAY_INSTANCES,
  GROUPS,
  type Simulation,
  stopInstance,
} from '../../simulated-account/index';
import { loadEvent } from '../../simulated-account/load-event';
import { tcp } from '../../simulated-account/permissions';
import { signedSlackForm } from '../../simulated-account/slack-request';
import { type SlackServer, startSlackServer } from '../../simulated-account/slack-server';
import { createStateTable, type StateTable, startStateTable } from '../../simulated-account/state-table';
import { grantedAccess, ONCALL_ALICE, seedGrants } from '../helpers/grants';
import {
  INVOCATION_HANG_LIMIT_MS,
  type Invocation,
  invokePackaged,
  type PackagedFunction,
  packagedFunctionNames,
  topicArn,
  unpackFunction,
} from '../helpers/lambda-runtime';
import { PACKAGING_HANG_LIMIT_MS, type Packaged, packageService } from '../helpers/packaged';

/** Every function serverless.yml declares has a test here (checked against the template below). */
const TESTED = [
  'dailyCheck',
  'expireGrants',
  'grantAccess',
  'healTargets',
  'notifySlack',
  'revertSgDrift',
  'slackInteract',
  'weeklyCheck',
] as const;
type FunctionKey = (typeof TESTED)[number];

const REGION = 'ap-northeast-2';
const STAGE = 'prod';
const HOUR = 3_600_000;

// Hang limits, not speed targets: a cold process on a busy machine can take many seconds.
vi.setConfig({ testTimeout: INVOCATION_HANG_LIMIT_MS + 60_000, hookTimeout: PACKAGING_HANG_LIMIT_MS });

let packaged: Packaged;
const functions = new Map<string, ReturnType<typeof unpackFunction>>();
let dynalite: Awaited<ReturnType<typeof startStateTable>>;

beforeAll(async () => {
  packaged = await packageService(STAGE);
  for (const key of TESTED) functions.set(key, unpackFunction(packaged, key));
  dynalite = await startStateTable(`netwarden-${STAGE}-state`);
}, PACKAGING_HANG_LIMIT_MS);

afterAll(async () => {
  for (const fn of functions.values()) fn.remove();
  await dynalite?.stop();
});

let sim: Simulation;
let endpoint: { url: string; close(): Promise<void> };
let table: StateTable;

beforeEach(async () => {
  sim = createSimulatedAccount();
  // The child runs on the real clock: the account keeps the same time.
  sim.account.clock.set(new Date().toISOString());
  endpoint = await serveSimulation(sim);
  const tableName = await createStateTable(dynalite.client, `netwarden-${STAGE}-state`);
  table = { ...dynalite, tableName, store: grantStore(dynalite.client, tableName) };
});

afterEach(async () => {
  await endpoint?.close();
  sim?.restore();
});

/** What the template's references are in the simulated account, for this test's state table. */
function references() {
  const base = { 'AWS::AccountId': ACCOUNT_ID, 'AWS::Region': REGION, 'AWS::Partition': 'aws' };
  return {
    ...base,
    StateTable: table.tableName,
    FindingsTopic: topicArn(packaged.template, 'FindingsTopic', base),
  };
}

function packagedFunction(key: FunctionKey): PackagedFunction {
  const fn = functions.get(key);
  if (!fn) throw new Error(`${key} was not unpacked`);
  return fn;
}

/**
 * Invokes the packaged function in a fresh process; returns what it answered, the calls it made on
 * the simulated account (AWS writes apart from SNS, which are the findings) and its findings.
 */
async function invoke(key: FunctionKey, event: unknown) {
  const mark = sim.account.calls.length;
  const published = sim.published.length;
  const invocation: Invocation = await invokePackaged(packagedFunction(key), event, {
    references: references(),
    endpoints: { aws: endpoint.url, dynamodb: table.endpoint },
  });
  if (invocation.error)
    throw new Error(`${key} failed: ${JSON.stringify(invocation.error)}\n${invocation.logs}`);
  const calls: CallRecord[] = sim.account.calls.slice(mark);
  const messages = sim.published.slice(published);
  return {
    result: invocation.result,
    logs: invocation.logs,
    calls,
    writes: calls.filter((call) => call.write && call.service !== 'SNS'),
    messages,
    findings: messages.map((message) => JSON.parse(message.message) as Finding),
  };
}

/** The services a run read from, each once, and the calls that failed (a check that could not run). */
const servicesRead = (calls: CallRecord[]) =>
  [...new Set(calls.filter((call) => !call.write).map((call) => call.service))].sort();
const failed = (calls: CallRecord[]) => calls.filter((call) => call.error !== undefined);

const inputsOf = (calls: CallRecord[], command: string) =>
  calls.filter((call) => call.command === command).map((call) => call.input);

describe('the packaged service', () => {
  it('has a test here for every function it deploys', () => {
    expect(packagedFunctionNames(packaged)).toEqual([...TESTED].sort());
  });

  it("runs each function with the template's NODE_OPTIONS, resolved references and no placeholder left", () => {
    for (const key of TESTED) {
      const fn = packagedFunction(key);
      // No --enable-source-maps: Node would parse every loaded chunk's map on every cold start. The maps
      // ship in the zip and are read when an error is logged (the notify-slack test below).
      expect(fn.variables.NODE_OPTIONS, key).toBeUndefined();
      expect(fn.variables.FINDINGS_TOPIC_ARN, key).toEqual({ Ref: 'FindingsTopic' });
    }
    expect(references().FindingsTopic).toBe(`arn:aws:sns:${REGION}:${ACCOUNT_ID}:netwarden-prod-findings`);
  });
});

describe('revert-sg-drift', () => {
  it('revokes a console rule opening 5432 to the world by its rule id, and publishes the breach', async () => {
    const ec2 = new EC2Client({});
    const { events } = await sim.account.as(consoleUser('alice@example.com'), () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '0.0.0.0/0')],
        }),
      ),
    );
    const [event] = events;
    if (!event) throw new Error('the console write produced no CloudTrail event');
    const added = [...sim.sg.rules.values()].find(
      (rule) => rule.GroupId === GROUPS.postgres && rule.CidrIpv4 === '0.0.0.0/0',
    );

    const { result, writes, messages, findings } = await invoke('revertSgDrift', event);

    expect(result).toEqual({ status: 'decided', decisions: ['revoke:guardrail'] });
    expect(writes.map((call) => [call.command, call.input])).toEqual([
      [
        'RevokeSecurityGroupIngress',
        { GroupId: GROUPS.postgres, SecurityGroupRuleIds: [added?.SecurityGroupRuleId] },
      ],
    ]);
    expect(sim.sg.rules.has(added?.SecurityGroupRuleId ?? '')).toBe(false);
    expect(messages.map((message) => message.topicArn)).toEqual([references().FindingsTopic]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'sg.guardrail-breach',
        outcome: 'acted',
        mode: 'enforce',
        eventId: (event.detail as { eventID: string }).eventID,
        rules: [{ summary: 'tcp 5432 from 0.0.0.0/0', ruleId: added?.SecurityGroupRuleId }],
      }),
    ]);
  });
});

describe('heal-targets', () => {
  it('starts the stopped gateway instance on the UnHealthyHostCount alarm, recording the attempt first', async () => {
    const [first] = GATEWAY_INSTANCES;
    stopInstance(sim, first);
    const alarm = loadEvent('cloudwatch/unhealthy-host-count-alarm.json');

    const { result, writes, findings } = await invoke('healTargets', alarm);

    expect(result).toMatchObject({
      status: 'done',
      groups: [{ targetGroup: 'gateway-tg-https', status: 'healing', decisions: [`start:${first}`] }],
    });
    expect(writes.map((call) => call.command)).toEqual(['CreateTags', 'StartInstances']);
    expect(inputsOf(writes, 'StartInstances')).toEqual([{ InstanceIds: [first] }]);
    expect(sim.instances.instances.get(first ?? '')?.state).toBe('pending');
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'targets.healing',
        outcome: 'acted',
        eventId: alarm.id,
        resource: expect.objectContaining({ name: 'gateway-tg-https' }),
      }),
    ]);
  });
});

describe('grant-access', () => {
  it('records the grant for the principal AWS verified and creates its rule, on a Function URL request', async () => {
    const request = loadEvent('grant/function-url-post-grants.json');

    const { result, writes, findings } = await invoke('grantAccess', request);

    const created = [...sim.sg.rules.values()].find((rule) => rule.CidrIpv4 === '203.0.113.7/32');
    const response = result as { statusCode: number; body: string };
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body)).toMatchObject({
      status: 'granted',
      mode: 'enforce',
      ruleId: created?.SecurityGroupRuleId,
      owner: ONCALL_ALICE,
    });
    expect(writes.map((call) => call.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(
      await table.store.get(GROUPS.postgres, accessKey(grantedAccess(GROUPS.postgres, '203.0.113.7/32'))),
    ).toMatchObject({
      status: 'live',
      ruleId: created?.SecurityGroupRuleId,
      owner: ONCALL_ALICE,
    });
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'grant.created',
        outcome: 'acted',
        rules: [{ summary: 'tcp 5432 from 203.0.113.7/32', ruleId: created?.SecurityGroupRuleId }],
      }),
    ]);
  });
});

describe('expire-grants', () => {
  it('revokes the due grant the state table records, by its rule id, and closes the record', async () => {
    const issuedAt = new Date(Date.now() - 2 * HOUR);
    const [ruleId] = await seedGrants(sim, table.store, { groups: 1, grants: 1, issuedAt, ttlMs: HOUR });
    const rule = sim.sg.rules.get(ruleId ?? '');

    const { result, writes, findings } = await invoke(
      'expireGrants',
      loadEvent('schedule/expire-grants.json'),
    );

    expect(result).toMatchObject({ status: 'swept' });
    expect(writes.map((call) => [call.command, call.input])).toEqual([
      ['RevokeSecurityGroupIngress', { GroupId: rule?.GroupId, SecurityGroupRuleIds: [ruleId] }],
    ]);
    expect(sim.sg.rules.has(ruleId ?? '')).toBe(false);
    expect(
      await table.store.get(
        rule?.GroupId ?? '',
        accessKey(grantedAccess(rule?.GroupId ?? '', rule?.CidrIpv4 ?? '')),
      ),
    ).toMatchObject({ status: 'closed' });
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'grant.expired', outcome: 'acted', mode: 'enforce' }),
    ]);
  });
});

describe('notify-slack', () => {
  let slack: SlackServer;
  beforeEach(async () => {
    slack = await startSlackServer();
  });
  afterEach(async () => {
    await slack.close();
  });

  it('posts the alarm and the finding of an SQS batch to the webhook its SSM parameter names', async () => {
    sim.ssm.put(`/netwarden/${STAGE}/slack-webhook-url`, slack.url);

    const { result, calls, writes, logs } = await invoke(
      'notifySlack',
      loadEvent('sqs/batch-alarm-and-finding.json'),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(slack.requests.map((request) => request.payload.text)).toEqual([
      '<!here> ALARM: gateway-nlb/unhealthy-hosts (OK → ALARM) in 111122223333 ap-northeast-2',
      '<!here> Guardrail breach on rds-postgres-sg (sg-0db…): ingress tcp 5432 from 0.0.0.0/0 revoked',
    ]);
    expect(inputsOf(calls, 'GetParameter')).toEqual([
      { Name: `/netwarden/${STAGE}/slack-webhook-url`, WithDecryption: true },
    ]);
    expect(writes).toEqual([]);
    // The webhook URL is a secret: not in the function's logs.
    expect(logs).not.toContain(new URL(slack.url).pathname);
  });

  it('fails loudly when the webhook parameter is missing, its logged stack naming the source lines', async () => {
    const invocation = await invokePackaged(
      packagedFunction('notifySlack'),
      loadEvent('sqs/batch-alarm-and-finding.json'),
      { references: references(), endpoints: { aws: endpoint.url, dynamodb: table.endpoint } },
    );

    expect(invocation.error).toEqual({
      errorType: 'SecretUnavailable',
      errorMessage: `could not read SSM parameter /netwarden/${STAGE}/slack-webhook-url: ParameterNotFound`,
    });
    const failure = invocation.logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { message: string; error?: { stack?: string } })
      .find((line) => line.message === 'invocation failed');
    // Mapped from the bundle's linked source map when logged, though the function runs without the flag.
    expect(failure?.error?.stack).toMatch(/\(shared\/aws\/secure-string\.ts:\d+:\d+\)/);
    expect(failure?.error?.stack).not.toMatch(/handler\.chunk-\w+\.js/);
    expect(slack.requests).toEqual([]);
  });
});

describe('slack-interact', () => {
  const SECRET = 'e2e-signing-secret-0123456789abcdef';
  /** A slash command as Slack posts it to the Function URL (auth NONE), signed with `secret`. */
  function slashCommand(secret: string) {
    const body = 'command=%2Fnetwarden&text=grant&user_id=U012ABCDEF&team_id=T0001';
    return signedSlackForm(body, secret, String(Math.floor(Date.now() / 1000)));
  }

  it('answers a request Slack signed, with the signing secret its SSM parameter names, and nothing else', async () => {
    sim.ssm.put(`/netwarden/${STAGE}/slack-signing-secret`, SECRET, 'SecureString');

    const signed = await invoke('slackInteract', slashCommand(SECRET));
    const forged = await invoke('slackInteract', slashCommand('not-the-signing-secret'));

    expect(signed.result).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((signed.result as { body: string }).body)).toMatchObject({
      response_type: 'ephemeral',
    });
    expect(forged.result).toMatchObject({ statusCode: 401 });
    for (const run of [signed, forged]) {
      expect(inputsOf(run.calls, 'GetParameter')).toEqual([
        { Name: `/netwarden/${STAGE}/slack-signing-secret`, WithDecryption: true },
      ]);
      expect(run.writes).toEqual([]);
      // The signing secret is a secret: not in the function's logs.
      expect(run.logs).not.toContain(SECRET);
    }
  });
});

describe('daily-check and weekly-check', () => {
  it('daily-check reads the estate, writes nothing and publishes its digest finding', async () => {
    const { result, writes, messages, findings } = await invoke(
      'dailyCheck',
      loadEvent('schedule/daily-check.json'),
    );

    expect(result).toEqual({
      status: 'published',
      title: expect.stringMatching(/^Daily check 2026-11-23: /),
    });
    expect(writes).toEqual([]);
    expect(messages.map((message) => message.attributes)).toEqual([
      { kind: 'check.daily', severity: 'critical' },
    ]);
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'check.daily', title: (result as { title: string }).title }),
    ]);
  });

  it('weekly-check reads the estate, writes nothing and publishes its digest finding', async () => {
    const { result, calls, writes, findings } = await invoke(
      'weeklyCheck',
      loadEvent('schedule/weekly-check.json'),
    );

    expect(result).toEqual({
      status: 'published',
      title: expect.stringMatching(/^Weekly check 2026-11-23: /),
    });
    expect(writes).toEqual([]);
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'check.weekly', title: (result as { title: string }).title }),
    ]);
    // SSM: the kill switch, read so that the digest says whether it is in force.
    expect(servicesRead(calls)).toEqual(['ACM', 'CloudWatch', 'EC2', 'ElasticLoadBalancingV2', 'S3', 'SSM']);
    // The only refused call: the kill-switch parameter does not exist, which means not paused.
    expect(
      failed(calls).map(({ service, command, input, error }) => ({ service, command, input, error })),
    ).toEqual([
      {
        service: 'SSM',
        command: 'GetParameter',
        input: { Name: '/netwarden/prod/paused' },
        error: 'ParameterNotFound',
      },
    ]);
    expect((findings[0] as { paused?: unknown } | undefined)?.paused).toBeUndefined();
    expect((findings[0]?.details?.digest as { title?: string } | undefined)?.title).toBe(
      'Weekly check 2026-11-23',
    );
  });
});
