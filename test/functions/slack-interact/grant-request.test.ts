/**
 * `/netwarden grant` end to end, through slack-interact's real handler: slash commands and button
 * presses signed for real, the simulated account's EC2 at the wire, the state table on dynalite and
 * the Slack Web API stand-in on 127.0.0.1. The policy is the shipped one (grants.approval required;
 * alice and bob may request and approve) with a Slack route and one extra guardrail.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { InvokeCommand, type InvokeCommandInput, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  answerRequest,
  type GrantRequestDeps,
  requestGrant,
} from '../../../functions/slack-interact/grant-request';
import { ec2Client } from '../../../shared/aws/clients';
import { ec2SecurityGroups } from '../../../shared/aws/ec2/security-groups';
import { grantRequestStore } from '../../../shared/aws/state-table/grant-requests';
import { loadPolicy } from '../../../shared/policy/load';
import type { Person } from '../../../shared/policy/people';
import { slackWebApi } from '../../../shared/slack/web-api';
import { awsError } from '../../../simulated-account/errors';
import { GROUPS } from '../../../simulated-account/index';
import { installLambda, type LambdaState } from '../../../simulated-account/lambda';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { signedSlackForm } from '../../../simulated-account/slack-request';
import {
  type PostedMessage,
  type SlackWebApiStandIn,
  STAND_IN_BOT_TOKEN,
  startSlackWebApi,
} from '../../../simulated-account/slack-web-api';
import { TOPIC } from '../../helpers/grants';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const SECRET = 'test-signing-secret-0123456789abcdef';
const SECRET_PARAMETER = '/netwarden/test/slack-signing-secret';
const TOKEN_PARAMETER = '/netwarden/test/slack-bot-token';
const CHANNEL = 'C0DBONCALL01';
const ALICE = 'U012ABCDEF'; // may undo, extend, revoke, request, approve
const BOB = 'U034GHIJKL'; // may extend, revoke, request, approve
const CAROL = 'U056MNOPQR'; // may approve (added by testPolicy)
const MALLORY = 'U0MALLORY1'; // not listed
const DB = GROUPS.postgres;

/** The shipped policy, a Slack route to the on-call channel, and a guardrail a grant can breach. */
function testPolicy(
  approval = 'approval: { required: true, timeout: 30m }',
  change: (policy: string) => string = (policy) => policy,
): string {
  const shipped = change(
    readFileSync('netwarden.policy.yml', 'utf8').replace(
      'approval: { required: true, timeout: 30m }',
      approval,
    ),
  );
  const withGuardrail = shipped.replace(
    'securityGroups:\n',
    [
      'securityGroups:',
      '  - name: partner-blocklist',
      '    select: { all: true }',
      '    guardrailsOnly: true',
      '    forbid:',
      '      - { direction: ingress, source: 203.0.113.7/32, ports: [5432] }',
      '',
    ].join('\n'),
  );
  const withCarol = withGuardrail.replace(
    'people:\n',
    'people:\n  - { name: carol, slack: U056MNOPQR, may: [approve] }\n',
  );
  const path = join(mkdtempSync(join(tmpdir(), 'netwarden-slash-')), 'policy.yml');
  writeFileSync(
    path,
    `${withCarol}\nslack:\n  routes:\n    - { name: on-call, channel: ${CHANNEL}, mention: none }\n`,
  );
  return path;
}

type Response = { statusCode: number; body: string };
let handler: (event: unknown, context: unknown) => Promise<Response>;
let slack: SlackWebApiStandIn;

beforeEach(async () => {
  slack = await startSlackWebApi({ channels: [{ id: CHANNEL }], users: [ALICE, BOB] });
  sim.current.ssm.put(SECRET_PARAMETER, SECRET, 'SecureString');
  sim.current.ssm.put(TOKEN_PARAMETER, STAND_IN_BOT_TOKEN, 'SecureString');
  vi.stubEnv('FINDINGS_TOPIC_ARN', TOPIC);
  vi.stubEnv('SLACK_SIGNING_SECRET_PARAMETER', SECRET_PARAMETER);
  vi.stubEnv('SLACK_BOT_TOKEN_PARAMETER', TOKEN_PARAMETER);
  vi.stubEnv('SLACK_API_BASE_URL', slack.baseUrl);
  vi.stubEnv('NETWARDEN_ACCOUNT_ID', '111122223333');
  vi.stubEnv('POLICY_PATH', testPolicy());
  vi.resetModules();
  handler = (await import('../../../functions/slack-interact/handler')).handler as unknown as typeof handler;
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await slack.close();
});

const nowSeconds = () => String(Math.floor(Date.now() / 1000));

/** A Function URL request (auth NONE) as Slack sends it, the form body signed with `secret` at `timestamp`. */
const signed = (body: string, options: { secret?: string; timestamp?: string } = {}) =>
  signedSlackForm(body, options.secret ?? SECRET, options.timestamp ?? nowSeconds());

const command = (user: string, text: string) =>
  new URLSearchParams({
    command: '/netwarden',
    text,
    user_id: user,
    channel_id: CHANNEL,
    team_id: 'T0NETWARDEN',
    trigger_id: '1.2.3',
  }).toString();

const press = (user: string, action: 'approve' | 'deny' | 'extend', requestId: string, ts: string) =>
  `payload=${encodeURIComponent(
    JSON.stringify({
      type: 'block_actions',
      user: { id: user },
      channel: { id: CHANNEL },
      container: { type: 'message', message_ts: ts, channel_id: CHANNEL },
      message: { ts },
      actions: [{ action_id: `netwarden:${action}`, value: requestId, type: 'button' }],
    }),
  )}`;

const call = (event: unknown) => handler(event, lambdaContext('slack-interact'));
/** The function as a new deployment runs it: cold start with the policy (and stage env) as they are now. */
async function redeploy(policyPath?: string) {
  if (policyPath) vi.stubEnv('POLICY_PATH', policyPath);
  vi.resetModules();
  handler = (await import('../../../functions/slack-interact/handler')).handler as unknown as typeof handler;
}
const answerOf = (response: Response) => (JSON.parse(response.body) as { text: string }).text;
const items = async () =>
  (await table.current.client.send(new ScanCommand({ TableName: table.current.tableName }))).Items ?? [];
const ec2Writes = (mark: number) =>
  callsSince(sim.current, mark).all.filter((c) => c.service === 'EC2' && c.write);
const requestItems = async () => (await items()).filter((item) => item.pk?.S?.startsWith('grant-request#'));
const stateOf = async () => (await requestItems()).map((item) => item.state?.S);

/** The request id the posted message's buttons carry, and the message. */
function posted(): { message: PostedMessage; requestId: string } {
  // The latest request posted.
  const message = slack.topLevel(CHANNEL).at(-1);
  if (!message) throw new Error('no request was posted');
  const match = /"value":"([0-9a-f-]{36})"/.exec(JSON.stringify(message.attachments));
  return { message, requestId: match?.[1] ?? '' };
}
const shownState = (message: Pick<PostedMessage, 'attachments'>) =>
  /State\*\\n([a-z ,-]+)/.exec(JSON.stringify(message))?.[1];

const ASK = `grant ${DB} 5432 10.44.0.7/32 2h INC-42 replication lag`;

describe('/netwarden grant with approval required', () => {
  it('request → approve by another person → the grant at the wire, the message updated, the requester told', async () => {
    const mark = sim.current.account.calls.length;
    const asked = await call(signed(command(ALICE, ASK)));
    expect(asked.statusCode).toBe(200);
    expect(answerOf(asked)).toMatch(
      /^Asked: tcp 5432 from 10\.44\.0\.7\/32 .* waits for another person's approval/,
    );
    expect(ec2Writes(mark)).toEqual([]);
    expect(await stateOf()).toEqual(['pending']);
    const { message, requestId } = posted();
    expect(shownState(message)).toBe('pending approval');
    expect(JSON.stringify(message.attachments)).toContain('"action_id":"netwarden:deny"');

    const approved = await call(signed(press(BOB, 'approve', requestId, message.ts)));
    expect(approved.statusCode).toBe(200);
    const writes = ec2Writes(mark);
    expect(writes.map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(writes[0]?.input).toEqual(
      expect.objectContaining({
        GroupId: DB,
        IpPermissions: [
          expect.objectContaining({
            FromPort: 5432,
            ToPort: 5432,
            IpRanges: [expect.objectContaining({ CidrIp: '10.44.0.7/32' })],
          }),
        ],
      }),
    );
    expect(await stateOf()).toEqual(['granted']);
    // Updated in place: pending → approved (granting) → granted, no buttons left.
    const [now] = slack.topLevel(CHANNEL);
    expect(now?.history.map(shownState)).toEqual(['pending approval', 'approved, granting']);
    expect(now && shownState(now)).toBe('granted');
    expect(JSON.stringify(now?.attachments)).not.toContain('netwarden:approve');
    // The grant is recorded as made for alice, approved by bob, and the budget and journal saw it.
    const grant = (await items()).find((item) => item.pk?.S === `grant#${DB}`);
    expect(grant?.status?.S).toBe('live');
    expect(grant?.owner?.S).toBe(`slack:alice (${ALICE})`);
    expect((await items()).some((item) => item.pk?.S?.startsWith('journal#'))).toBe(true);
    const created = findingsOf(sim.current).find((f) => f.kind === 'grant.created');
    expect(created?.why).toContain('approved by bob (Slack U034GHIJKL)');
    // The requester is told by direct message.
    const opened = slack.calls.filter((c) => c.method === 'conversations.open').map((c) => c.payload.users);
    expect(opened).toEqual([ALICE]);
    expect(
      slack.calls.some(
        (c) => c.method === 'chat.postMessage' && String(c.payload.text).startsWith('Granted:'),
      ),
    ).toBe(true);
  });

  it('refuses the requester approving their own request, and anyone the policy does not list', async () => {
    await call(signed(command(ALICE, ASK)));
    const { message, requestId } = posted();
    const mark = sim.current.account.calls.length;
    await call(signed(press(ALICE, 'approve', requestId, message.ts)));
    await call(signed(press(MALLORY, 'approve', requestId, message.ts)));
    expect(ec2Writes(mark)).toEqual([]);
    expect(await stateOf()).toEqual(['pending']);
    expect(slack.ephemerals.map((e) => e.text)).toEqual([
      'netwarden did nothing: alice asked for this grant: another person must approve or deny it',
      'netwarden did nothing: only the people the policy lists may press netwarden’s buttons',
    ]);
    // Refused presses do not hold the button: bob can still approve.
    await call(signed(press(BOB, 'approve', requestId, message.ts)));
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
  });

  it('acts once for a double press, Slack’s retry and two approvers at once', async () => {
    await call(signed(command(ALICE, ASK)));
    const { message, requestId } = posted();
    const mark = sim.current.account.calls.length;
    const retry = signed(press(BOB, 'approve', requestId, message.ts));
    await Promise.all([
      call(retry),
      call(retry),
      call(signed(press(CAROL, 'approve', requestId, message.ts))),
      call(signed(press(ALICE, 'deny', requestId, message.ts))),
    ]);
    // alice may not deny her own request; of bob's press, its retry and carol's Approve one acts.
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(await stateOf()).toEqual(['granted']);
  });

  it('two different approvers at once (approve and deny): exactly one answer wins', async () => {
    await call(signed(command(ALICE, ASK)));
    const { message, requestId } = posted();
    const mark = sim.current.account.calls.length;
    await Promise.all([
      call(signed(press(BOB, 'approve', requestId, message.ts))),
      call(signed(press(CAROL, 'deny', requestId, message.ts))),
    ]);
    const writes = ec2Writes(mark).map((c) => c.command);
    const [state] = await stateOf();
    // Granted with one Authorize, or denied with none: never both, never twice.
    expect([
      ['granted', ['AuthorizeSecurityGroupIngress']],
      ['denied', []],
    ]).toContainEqual([state, writes]);
  });

  it('deny: nothing written in EC2, the message shows it, the requester is told', async () => {
    await call(signed(command(ALICE, ASK)));
    const { message, requestId } = posted();
    const mark = sim.current.account.calls.length;
    await call(signed(press(BOB, 'deny', requestId, message.ts)));
    expect(ec2Writes(mark)).toEqual([]);
    expect(await stateOf()).toEqual(['denied']);
    const [now] = slack.topLevel(CHANNEL);
    expect(now && shownState(now)).toBe('denied');
    expect(
      slack.calls.some(
        (c) => c.method === 'chat.postMessage' && String(c.payload.text).includes('was denied by bob'),
      ),
    ).toBe(true);
  });
});

describe('an approval answers to the policy as it is when Approve is pressed', () => {
  it('a ttl the policy no longer allows, or a requester who may no longer request: failed, nothing written', async () => {
    const cases: Array<[(policy: string) => string, string]> = [
      [(policy) => policy.replace('maxTtl: 8h', 'maxTtl: 1h'), 'ttl 2h exceeds maxTtl 1h'],
      [
        (policy) => policy.replace('may: [undo, extend, revoke, request, approve]', 'may: [undo, approve]'),
        'alice may no longer request grants',
      ],
    ];
    for (const [change, problem] of cases) {
      await redeploy(testPolicy());
      await call(signed(command(ALICE, ASK)));
      const { message, requestId } = posted();
      await redeploy(testPolicy(undefined, change));
      const mark = sim.current.account.calls.length;
      await call(signed(press(BOB, 'approve', requestId, message.ts)));
      expect(ec2Writes(mark)).toEqual([]);
      expect((await requestItems()).find((item) => item.pk?.S?.endsWith(requestId))?.state?.S).toBe('failed');
      expect(slack.ephemerals.at(-1)?.text).toContain(`the policy as it is now refuses it: ${problem}`);
    }
    expect((await items()).some((item) => item.pk?.S?.startsWith('grant#'))).toBe(false);
  });

  it('report mode: Approve answers what enforce would do and writes nothing; the request still waits', async () => {
    await call(signed(command(ALICE, ASK)));
    const { message, requestId } = posted();
    vi.stubEnv('NETWARDEN_MODE', 'report');
    await redeploy();
    const mark = sim.current.account.calls.length;
    const before = (await items()).filter((item) => !item.pk?.S?.startsWith('slack-press#'));
    await call(signed(press(BOB, 'approve', requestId, message.ts)));
    expect(ec2Writes(mark)).toEqual([]);
    expect(callsSince(sim.current, mark).writes).toEqual([]);
    expect((await items()).filter((item) => !item.pk?.S?.startsWith('slack-press#'))).toEqual(before);
    expect(await stateOf()).toEqual(['pending']);
    expect(slack.ephemerals.map((e) => e.text)).toEqual([
      `netwarden did nothing: report mode: netwarden would grant tcp 5432 from 10.44.0.7/32 on ${DB} for alice for 2h; nothing was written`,
    ]);
  });

  it('refuses a grants.approval.timeout over 24h when the policy is loaded', () => {
    expect(() => loadPolicy(testPolicy('approval: { required: true, timeout: 25h }'))).toThrow(
      /grants\.approval\.timeout of at most 24h/,
    );
  });
});

describe('Extend 1h on a grant asked for in Slack', () => {
  /** alice's grant, approved by bob; its rule id and record. */
  async function approvedGrant() {
    await call(signed(command(ALICE, ASK)));
    const { message, requestId } = posted();
    await call(signed(press(BOB, 'approve', requestId, message.ts)));
    const grant = (await items()).find((item) => item.pk?.S === `grant#${DB}`);
    return { grant, ruleId: grant?.ruleId?.S ?? '' };
  }
  const expiryOf = async () => (await items()).find((item) => item.pk?.S === `grant#${DB}`)?.expiresAt?.S;

  it('refuses the grant’s own owner where approval is required; another person may extend', async () => {
    const { grant, ruleId } = await approvedGrant();
    const mark = sim.current.account.calls.length;
    await call(signed(press(ALICE, 'extend', ruleId, '1700000001.000100')));
    expect(await expiryOf()).toBe(grant?.expiresAt?.S);
    expect(slack.ephemerals.at(-1)?.text).toBe(
      `netwarden did nothing: alice holds this grant and ${DB} needs another person's approval (grants.approval): another person must extend it`,
    );
    await call(signed(press(BOB, 'extend', ruleId, '1700000002.000100')));
    const extended = await expiryOf();
    expect(Date.parse(extended ?? '') - Date.parse(grant?.expiresAt?.S ?? '')).toBe(3_600_000);
    // Extending writes the record and the rule's label only: never another Authorize.
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['CreateTags']);
  });

  it('never extends past grants.maxTtl after the grant was made', async () => {
    const { grant, ruleId } = await approvedGrant();
    // Made 7h ago (as the record says): 1h more would keep it open 10h after it was made, past maxTtl 8h.
    const madeAt = new Date(Date.now() - 7 * 3_600_000).toISOString();
    await table.current.client.send(
      new UpdateItemCommand({
        TableName: table.current.tableName,
        Key: { pk: { S: grant?.pk?.S ?? '' }, sk: { S: grant?.sk?.S ?? '' } },
        UpdateExpression: 'SET createdAt = :madeAt',
        ExpressionAttributeValues: { ':madeAt': { S: madeAt } },
      }),
    );
    const mark = sim.current.account.calls.length;
    await call(signed(press(BOB, 'extend', ruleId, '1700000003.000100')));
    expect(await expiryOf()).toBe(grant?.expiresAt?.S);
    expect(ec2Writes(mark)).toEqual([]);
    expect(slack.ephemerals.at(-1)?.text).toMatch(
      /^netwarden did nothing: extending by 1h would keep tcp 5432 from 10\.44\.0\.7\/32 on sg-\w+ open until .+, 10h after it was granted \(.+\), beyond grants\.maxTtl 8h: ask for a new grant$/,
    );
  });
});

/**
 * The use cases' own deps, as the handler wires them (real EC2 adapter on the simulated account, the
 * state table on dynalite, the Slack stand-in), so a test can make one collaborator fail.
 */
function useCaseDeps(overrides: Partial<GrantRequestDeps> = {}): GrantRequestDeps & { logged: string[] } {
  const logged: string[] = [];
  return {
    policy: loadPolicy(process.env.POLICY_PATH ?? ''),
    now: () => new Date(),
    region: 'ap-northeast-2',
    account: '111122223333',
    sg: ec2SecurityGroups(ec2Client()),
    store: table.current.store,
    requests: grantRequestStore(table.current.client, table.current.tableName, () => new Date()),
    slack: slackWebApi({
      token: async () => ({ reveal: () => STAND_IN_BOT_TOKEN }),
      baseUrl: slack.baseUrl,
      budgetMs: () => 5_000,
    }),
    publish: async () => {},
    log: (message) => {
      logged.push(message);
    },
    logged,
    ...overrides,
  };
}
const BOB_PERSON: Person = { name: 'bob', slack: BOB, may: ['extend', 'revoke', 'request', 'approve'] };
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });

describe('a request whose channel message cannot be recorded', () => {
  it('is shown failed in place (no live Approve) and moved to failed', async () => {
    const store = grantRequestStore(table.current.client, table.current.tableName, () => new Date());
    const deps = useCaseDeps({
      requests: {
        ...store,
        update: async () => {
          throw throttled();
        },
      },
    });
    const mark = sim.current.account.calls.length;
    const answered = await requestGrant(new URLSearchParams(command(ALICE, ASK)), deps);
    expect(answered.text).toBe(
      'netwarden did nothing: the request was posted but its channel message could not be recorded: ask again',
    );
    expect(await stateOf()).toEqual(['failed']);
    const [message] = slack.topLevel(CHANNEL);
    expect(message && shownState(message)).toBe('failed');
    expect(message?.history.map(shownState)).toEqual(['pending approval']);
    expect(JSON.stringify(message?.attachments)).not.toContain('netwarden:approve');
    expect(ec2Writes(mark)).toEqual([]);
  });
});

describe('refusals from the grant path speak of a request, not an Undo', () => {
  it('a rule already allowed by hand: failed, "nothing was granted"', async () => {
    await call(signed(command(ALICE, ASK)));
    const { message, requestId } = posted();
    await ec2Client().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: DB,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.44.0.7/32' }] },
        ],
      }),
    );
    await call(signed(press(BOB, 'approve', requestId, message.ts)));
    expect(await stateOf()).toEqual(['failed']);
    const answer = slack.ephemerals.at(-1)?.text ?? '';
    expect(answer).toBe(
      `netwarden did nothing: tcp 5432 from 10.44.0.7/32 on ${DB} is already allowed by another rule: nothing was granted`,
    );
    expect(answer).not.toMatch(/undo|re-open/i);
  });
});

describe('an error after Authorize', () => {
  it('leaves the request approved for the sweep and says the outcome is being checked, not "not granted"', async () => {
    await call(signed(command(ALICE, ASK)));
    const { requestId } = posted();
    const mark = sim.current.account.calls.length;
    const deps = useCaseDeps({
      store: {
        ...table.current.store,
        markLive: async () => {
          throw throttled();
        },
      },
    });
    const answered = await answerRequest(requestId, 'approve', BOB_PERSON, deps);
    // The rule was opened: the request must not say otherwise.
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(await stateOf()).toEqual(['approved']);
    expect(answered).toEqual({
      done: true,
      did: `approved tcp 5432 from 10.44.0.7/32 on ${DB} for alice, but granting was interrupted (Rate exceeded): whether access was opened is being checked, and the requester will be told by direct message`,
    });
    const told = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.payload.channel !== CHANNEL);
    expect(told.map((c) => String(c.payload.text))).toEqual([
      `Your grant request (tcp 5432 from 10.44.0.7/32 on ${DB}) was approved but granting was interrupted (Rate exceeded): whether access was opened is being checked, and the requester will be told by direct message.`,
    ]);
    expect(told.some((c) => String(c.payload.text).includes('not granted'))).toBe(false);
  });
});

describe('the reason as typed', () => {
  it('is decoded once from Slack’s escaping, and shown as plain text that cannot spoof markup', async () => {
    // As Slack sends what alice typed: INC-42 *approved by security* ~no~ `ok` a & b <!channel> &lt;
    const sent = 'INC-42 *approved by security* ~no~ `ok` a &amp; b &lt;!channel&gt; &amp;lt;';
    await call(signed(command(ALICE, `grant ${DB} 5432 10.44.0.7/32 2h ${sent}`)));
    const typed = 'INC-42 *approved by security* ~no~ `ok` a & b <!channel> &lt;';
    expect(
      (await requestItems()).map(
        (item) => (JSON.parse(item.request?.S ?? '{}') as { reason?: string }).reason,
      ),
    ).toEqual([typed]);
    const { message } = posted();
    const blocks = JSON.stringify(message.attachments);
    expect(blocks).toContain(
      JSON.stringify({
        type: 'plain_text',
        text: 'INC-42 *approved by security* ~no~ `ok` a &amp; b &lt;!channel&gt; &amp;lt;',
        emoji: true,
      }),
    );
    // Nowhere as mrkdwn: only the plain_text element carries the reason's words.
    expect(blocks.split('approved by security').length).toBe(2);
  });
});

describe('/netwarden grant without approval required for the group', () => {
  beforeEach(async () => {
    // Approval only for the MySQL group: a PostgreSQL grant is made at once.
    vi.stubEnv('POLICY_PATH', testPolicy(`approval: { groups: { ids: [${GROUPS.mysql}] } }`));
    vi.resetModules();
    handler = (await import('../../../functions/slack-interact/handler'))
      .handler as unknown as typeof handler;
  });

  it('grants at once: one Authorize, the message shows granted without buttons, the requester told', async () => {
    const mark = sim.current.account.calls.length;
    const response = await call(signed(command(BOB, ASK)));
    expect(answerOf(response)).toMatch(
      /^Granted: tcp 5432 from 10\.44\.0\.7\/32 on sg-0db00000000005432 until /,
    );
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(await stateOf()).toEqual(['granted']);
    const [message] = slack.topLevel(CHANNEL);
    expect(message && shownState(message)).toBe('granted');
    expect(message?.history.map(shownState)).toEqual(['approved, granting']);
    expect(JSON.stringify(message?.attachments)).not.toContain('netwarden:approve');
    expect(slack.calls.filter((c) => c.method === 'conversations.open').map((c) => c.payload.users)).toEqual([
      BOB,
    ]);
  });
});

describe('/netwarden grant handed off to an async invocation (Slack’s 3 seconds)', () => {
  const SELF = 'netwarden-test-slack-interact';
  let lambda: LambdaState;
  const lambdaCalls = (mark: number) =>
    callsSince(sim.current, mark).all.filter((c) => c.service === 'Lambda');
  /** What the worker half answers; Lambda discards it, the test reads it. */
  type Work = { status: 'done'; text: string } | { status: 'refused'; why: string };
  const work = (event: unknown) => call(event) as unknown as Promise<Work>;

  beforeEach(async () => {
    lambda = installLambda(sim.current.account);
    lambda.deploy(SELF);
    // Set by Lambda in a deployed function: the slow half is handed off to the function itself.
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', SELF);
    // Approval only for the MySQL group: a PostgreSQL grant needs no approval.
    vi.stubEnv('POLICY_PATH', testPolicy(`approval: { groups: { ids: [${GROUPS.mysql}] } }`));
    vi.resetModules();
    handler = (await import('../../../functions/slack-interact/handler'))
      .handler as unknown as typeof handler;
  });

  /** The slash command answered; the one hand-off it made and its payload. */
  async function ask(text = ASK) {
    const mark = sim.current.account.calls.length;
    const response = await call(signed(command(BOB, text)));
    return { mark, response, handOff: lambda.invocations.at(-1)?.payload };
  }

  it('answers "Working on it" having only recorded the request and invoked itself; the worker makes the grant', async () => {
    const { mark, response, handOff } = await ask();
    // The acknowledgement: an ephemeral answer, no EC2 write, no finding, nothing posted in Slack yet.
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      response_type: 'ephemeral',
      text: expect.stringMatching(
        /^Working on it: granting tcp 5432 from 10\.44\.0\.7\/32 on sg-0db00000000005432 for 2h \(request [0-9a-f-]{36}\)\. You will be told by direct message when it is made or if it fails\.$/,
      ),
    });
    expect(ec2Writes(mark)).toEqual([]);
    expect(findingsOf(sim.current)).toEqual([]);
    expect(slack.calls).toEqual([]);
    expect(await stateOf()).toEqual(['approved']);
    // Exactly one async Invoke, of its own function, carrying the request id and nothing else.
    const [requestItem] = await requestItems();
    const requestId = requestItem?.pk?.S?.replace('grant-request#', '');
    expect(lambdaCalls(mark).map((c) => [c.command, c.input])).toEqual([
      ['Invoke', expect.objectContaining({ FunctionName: SELF, InvocationType: 'Event' })],
    ]);
    expect(handOff).toEqual({ work: 'grant-request', requestId });

    // The worker half, as Lambda delivers the event.
    const worked = await work(handOff);
    expect(worked).toEqual({
      status: 'done',
      text: expect.stringMatching(/^Granted: tcp 5432 from 10\.44\.0\.7\/32 on sg-0db00000000005432 until /),
    });
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(lambdaCalls(mark)).toHaveLength(1);
    expect(await stateOf()).toEqual(['granted']);
    const [message] = slack.topLevel(CHANNEL);
    expect(message?.history.map(shownState)).toEqual(['approved, granting']);
    expect(message && shownState(message)).toBe('granted');
    expect(slack.calls.filter((c) => c.method === 'conversations.open').map((c) => c.payload.users)).toEqual([
      BOB,
    ]);
    expect(
      slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => String(c.payload.text)),
    ).toEqual([expect.any(String), expect.stringMatching(/^Granted: tcp 5432 /)]);
    expect(findingsOf(sim.current).map((f) => f.kind)).toEqual(['grant.created']);
    const grant = (await items()).find((item) => item.pk?.S === `grant#${DB}`);
    expect(grant?.owner?.S).toBe(`slack:bob (${BOB})`);
  });

  it('a replayed or duplicated hand-off acts once; the replay writes nothing', async () => {
    const { mark, handOff } = await ask();
    const both = await Promise.all([work(handOff), work(handOff)]);
    expect(both.map((answer) => answer.status).sort()).toEqual(['done', 'refused']);
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    const before = await items();
    const slackBefore = slack.calls.length;
    const again = sim.current.account.calls.length;
    expect(await work(handOff)).toEqual({
      status: 'refused',
      why: expect.stringMatching(/^grant request [0-9a-f-]{36} is granted, not approved: nothing to make$/),
    });
    expect(callsSince(sim.current, again).all).toEqual([]);
    expect(await items()).toEqual(before);
    expect(slack.calls.length).toBe(slackBefore);
    expect(findingsOf(sim.current).map((f) => f.kind)).toEqual(['grant.created']);
  });

  it('a forged hand-off is refused with nothing done: an unknown id, a request still waiting for approval, a payload with more than an id', async () => {
    // alice's MySQL request waits for approval: its id is known, but it is not approved.
    await call(signed(command(ALICE, `grant ${GROUPS.mysql} 3306 10.44.0.7/32 1h INC-42 schema change`)));
    const { requestId: pending } = posted();
    const before = await items();
    const slackBefore = slack.calls.length;
    const mark = sim.current.account.calls.length;
    expect(await work({ work: 'grant-request', requestId: '0b5f2f6e-8a3c-4d1e-9f00-123456789abc' })).toEqual({
      status: 'refused',
      why: 'no grant request 0b5f2f6e-8a3c-4d1e-9f00-123456789abc is recorded',
    });
    expect(await work({ work: 'grant-request', requestId: pending })).toEqual({
      status: 'refused',
      why: `grant request ${pending} is pending, not approved: nothing to make`,
    });
    // Anything but the bare id is not netwarden's hand-off (nor a Function URL request): 401.
    const widened = { work: 'grant-request', requestId: pending, access: { cidr: '0.0.0.0/0' } };
    expect(((await call(widened)) as Response).statusCode).toBe(401);
    expect(callsSince(sim.current, mark).all).toEqual([]);
    expect(await items()).toEqual(before);
    expect(slack.calls.length).toBe(slackBefore);
    expect(await stateOf()).toEqual(['pending']);
  });

  it('Approve is answered once the message shows "approved, granting" and the grant is handed off; the worker grants and reports the press', async () => {
    // alice's MySQL request waits for approval (asking it is no AWS write: nothing to hand off).
    await call(signed(command(ALICE, `grant ${GROUPS.mysql} 3306 10.44.0.7/32 1h INC-42 schema change`)));
    expect(lambda.invocations).toEqual([]);
    const { message, requestId } = posted();
    const mark = sim.current.account.calls.length;
    const pressed = [
      call(signed(press(BOB, 'approve', requestId, message.ts))),
      call(signed(press(BOB, 'approve', requestId, message.ts))),
    ];
    for (const answered of await Promise.all(pressed)) expect(answered).toMatchObject({ statusCode: 200 });
    // Before the worker: the approval recorded and shown, one hand-off, no EC2 write, no press finding.
    expect(await stateOf()).toEqual(['approved']);
    const [shown] = slack.topLevel(CHANNEL);
    expect(shown && shownState(shown)).toBe('approved, granting');
    expect(ec2Writes(mark)).toEqual([]);
    expect(lambdaCalls(mark).map((c) => c.command)).toEqual(['Invoke']);
    expect(lambda.invocations.map((i) => [i.invocationType, i.payload])).toEqual([
      ['Event', { work: 'grant-request', requestId }],
    ]);
    // bob's double press: the second is told the first acted.
    expect(slack.ephemerals.map((e) => e.text)).toEqual([
      expect.stringMatching(/^Already done by bob \(Slack U034GHIJKL\) at /),
    ]);
    expect(findingsOf(sim.current).map((f) => f.kind)).toEqual([]);

    const worked = await work(lambda.invocations[0]?.payload);
    expect(worked).toMatchObject({ status: 'done' });
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(await stateOf()).toEqual(['granted']);
    const [now] = slack.topLevel(CHANNEL);
    expect(now && shownState(now)).toBe('granted');
    // The press reported from netwarden's record: bob's "Done", and slack.pressed naming him.
    expect(slack.ephemerals.map((e) => e.text).at(-1)).toMatch(
      /^Done: approved and granted tcp 3306 from 10\.44\.0\.7\/32 on sg-0db00000000003306 for alice until /,
    );
    expect(slack.ephemerals.at(-1)).toMatchObject({ channel: CHANNEL, user: BOB });
    const findings = findingsOf(sim.current);
    expect(findings.map((f) => f.kind)).toEqual(['grant.created', 'slack.pressed']);
    expect(findings[1]?.details).toMatchObject({ action: 'approve', person: 'bob', slackUserId: BOB });
    expect(
      slack.calls.some(
        (c) => c.method === 'chat.postMessage' && String(c.payload.text).startsWith('Granted:'),
      ),
    ).toBe(true);
    // The hand-off replayed: nothing more.
    const again = sim.current.account.calls.length;
    expect(await work(lambda.invocations[0]?.payload)).toMatchObject({ status: 'refused' });
    expect(callsSince(sim.current, again).all).toEqual([]);
    expect(findingsOf(sim.current)).toHaveLength(2);
  });

  it('an approved grant the worker cannot make is reported to the approver (slack.refused) and the requester; a refused hand-off fails the request at once', async () => {
    const mysql = `grant ${GROUPS.mysql} 3306 10.44.0.7/32 2h INC-42 schema change`;
    await call(signed(command(ALICE, mysql)));
    const first = posted();
    const mark = sim.current.account.calls.length;
    await call(signed(press(BOB, 'approve', first.requestId, first.message.ts)));
    // The policy changed between the press and the work: the worker reads it as it is now.
    await redeploy(
      testPolicy(`approval: { groups: { ids: [${GROUPS.mysql}] } }`, (policy) =>
        policy.replace('maxTtl: 8h', 'maxTtl: 1h'),
      ),
    );
    expect(await work(lambda.invocations[0]?.payload)).toEqual({
      status: 'refused',
      why: 'the policy as it is now refuses it: ttl 2h exceeds maxTtl 1h',
    });
    expect(ec2Writes(mark)).toEqual([]);
    expect(await stateOf()).toEqual(['failed']);
    expect(slack.ephemerals.map((e) => [e.user, e.text])).toEqual([
      [BOB, 'netwarden did nothing: the policy as it is now refuses it: ttl 2h exceeds maxTtl 1h'],
    ]);
    expect(findingsOf(sim.current).map((f) => [f.kind, f.details?.person])).toEqual([
      ['slack.refused', 'bob'],
    ]);
    expect(
      slack.calls.some(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.payload.text ===
            'Your grant request was not granted: the policy as it is now refuses it: ttl 2h exceeds maxTtl 1h',
      ),
    ).toBe(true);

    // Lambda refuses the hand-off of a second approval: failed at once, the press refused and released.
    await redeploy(testPolicy(`approval: { groups: { ids: [${GROUPS.mysql}] } }`));
    await call(signed(command(ALICE, `grant ${GROUPS.mysql} 3306 10.44.0.8/32 1h INC-43 schema change`)));
    const second = posted();
    lambda.refuseNext(
      SELF,
      'AccessDeniedException',
      'User is not authorized to perform: lambda:InvokeFunction',
      403,
    );
    await call(signed(press(BOB, 'approve', second.requestId, second.message.ts)));
    expect((await requestItems()).find((item) => item.pk?.S?.endsWith(second.requestId))?.state?.S).toBe(
      'failed',
    );
    expect(slack.ephemerals.at(-1)?.text).toBe(
      'netwarden did nothing: the grant could not be handed off to be made (User is not authorized to perform: lambda:InvokeFunction): ask again',
    );
    expect(ec2Writes(mark)).toEqual([]);
  });

  it('a hand-off Lambda refuses: the request is failed, nothing granted, the requester told in the answer', async () => {
    lambda.refuseNext(
      SELF,
      'AccessDeniedException',
      'User is not authorized to perform: lambda:InvokeFunction',
      403,
    );
    const { mark, response } = await ask();
    expect(answerOf(response)).toMatch(
      /^netwarden did nothing: the grant could not be handed off to be made \(User is not authorized to perform: lambda:InvokeFunction\): ask again$/,
    );
    expect(ec2Writes(mark)).toEqual([]);
    expect(await stateOf()).toEqual(['failed']);
  });

  it('a worker that cannot grant reports it: failed in place and a direct message, nothing written in EC2', async () => {
    const { mark, handOff } = await ask();
    // The policy changed between the answer and the work: the worker reads it as it is now.
    await redeploy(
      testPolicy(`approval: { groups: { ids: [${GROUPS.mysql}] } }`, (policy) =>
        policy.replace('maxTtl: 8h', 'maxTtl: 1h'),
      ),
    );
    const worked = await work(handOff);
    expect(worked).toEqual({
      status: 'refused',
      why: 'the policy as it is now refuses it: ttl 2h exceeds maxTtl 1h',
    });
    expect(ec2Writes(mark)).toEqual([]);
    expect(await stateOf()).toEqual(['failed']);
    const [message] = slack.topLevel(CHANNEL);
    expect(message && shownState(message)).toBe('failed');
    expect(
      slack.calls
        .filter((c) => c.method === 'chat.postMessage')
        .map((c) => String(c.payload.text))
        .at(-1),
    ).toBe(
      'Your grant request was not granted: the policy as it is now refuses it: ttl 2h exceeds maxTtl 1h',
    );
  });

  /** Rewrites the recorded request's approval time (as if Lambda delivered its hand-off late). */
  async function approvedAgo(requestId: string, ms: number) {
    const item = (await requestItems()).find((i) => i.pk?.S?.endsWith(requestId));
    const record = JSON.parse(item?.request?.S ?? '{}') as Record<string, unknown>;
    record.answeredAt = new Date(Date.now() - ms).toISOString();
    await table.current.client.send(
      new UpdateItemCommand({
        TableName: table.current.tableName,
        Key: { pk: { S: item?.pk?.S ?? '' }, sk: { S: item?.sk?.S ?? '' } },
        UpdateExpression: 'SET #request = :request',
        ExpressionAttributeNames: { '#request': 'request' },
        ExpressionAttributeValues: { ':request': { S: JSON.stringify(record) } },
      }),
    );
  }
  const requestIdOf = (handOff: unknown) => (handOff as { requestId: string }).requestId;
  const directMessages = () =>
    slack.calls.filter((c) => c.method === 'chat.postMessage' && c.payload.channel !== CHANNEL);

  it('report mode by the time the worker runs: refused before the take, nothing written, the requester told what enforce would do', async () => {
    const { handOff } = await ask();
    vi.stubEnv('NETWARDEN_MODE', 'report');
    await redeploy();
    const before = await items();
    const mark = sim.current.account.calls.length;
    const worked = await work(handOff);
    const would = `report mode: netwarden would grant tcp 5432 from 10.44.0.7/32 on ${DB} for bob for 2h; nothing was written`;
    expect(worked).toEqual({ status: 'refused', why: would });
    expect(callsSince(sim.current, mark).writes).toEqual([]);
    expect(await items()).toEqual(before);
    expect(await stateOf()).toEqual(['approved']);
    expect(directMessages().map((c) => c.payload.text)).toEqual([
      `Your grant request was not granted: ${would}`,
    ]);
    expect(findingsOf(sim.current)).toEqual([]);
  });

  it('report mode after an Approve: the approver hears what enforce would do (slack.refused), nothing written', async () => {
    await call(signed(command(ALICE, `grant ${GROUPS.mysql} 3306 10.44.0.7/32 1h INC-42 schema change`)));
    const { message, requestId } = posted();
    await call(signed(press(BOB, 'approve', requestId, message.ts)));
    vi.stubEnv('NETWARDEN_MODE', 'report');
    await redeploy();
    const mark = sim.current.account.calls.length;
    const before = await items();
    const worked = await work(lambda.invocations[0]?.payload);
    const would = `report mode: netwarden would grant tcp 3306 from 10.44.0.7/32 on ${GROUPS.mysql} for alice for 1h; nothing was written`;
    expect(worked).toEqual({ status: 'refused', why: would });
    expect(callsSince(sim.current, mark).writes).toEqual([]);
    expect(await items()).toEqual(before);
    expect(slack.ephemerals.at(-1)).toMatchObject({ user: BOB, text: `netwarden did nothing: ${would}` });
    expect(findingsOf(sim.current).map((f) => [f.kind, f.mode])).toEqual([['slack.refused', 'report']]);
  });

  it('approval required by the time the worker runs, for a request nobody approved: refused, nothing granted', async () => {
    const { mark, handOff } = await ask();
    await redeploy(testPolicy());
    expect(await work(handOff)).toEqual({
      status: 'refused',
      why: `the policy as it is now refuses it: grants.approval now requires another person's approval for ${DB}, and nobody approved this request: ask again`,
    });
    expect(ec2Writes(mark)).toEqual([]);
    expect(await stateOf()).toEqual(['failed']);
  });

  it('an approver who may no longer approve, or is no longer listed: refused, nothing granted', async () => {
    const cases: Array<[(policy: string) => string, string]> = [
      [
        (policy) =>
          policy.replace('may: [extend, revoke, request, approve]', 'may: [extend, revoke, request]'),
        'the approver bob may no longer approve (policy people: may extend, revoke, request)',
      ],
      [
        (policy) => policy.replace(/^ {2}- \{ name: bob, .*\n/m, ''),
        "the approver bob is no longer one of the policy's people",
      ],
    ];
    for (const [change, problem] of cases) {
      await redeploy(testPolicy(`approval: { groups: { ids: [${GROUPS.mysql}] } }`));
      await call(signed(command(ALICE, `grant ${GROUPS.mysql} 3306 10.44.0.7/32 1h INC-42 schema change`)));
      const { message, requestId } = posted();
      await call(signed(press(BOB, 'approve', requestId, message.ts)));
      const mark = sim.current.account.calls.length;
      await redeploy(testPolicy(`approval: { groups: { ids: [${GROUPS.mysql}] } }`, change));
      expect(await work(lambda.invocations.at(-1)?.payload)).toEqual({
        status: 'refused',
        why: `the policy as it is now refuses it: ${problem}`,
      });
      expect(ec2Writes(mark)).toEqual([]);
      expect((await requestItems()).find((i) => i.pk?.S?.endsWith(requestId))?.state?.S).toBe('failed');
    }
  });

  it('a hand-off delivered 3 minutes or more after the approval is refused having written nothing (the sweep settles it)', async () => {
    const { mark, handOff } = await ask();
    const requestId = requestIdOf(handOff);
    await approvedAgo(requestId, 3 * 60_000);
    const before = await items();
    expect(await work(handOff)).toEqual({
      status: 'refused',
      why: expect.stringMatching(
        new RegExp(
          `^grant request ${requestId} was approved at .+, over 3m ago: too late to make it \\(the stuck-request sweep settles it\\); ask again$`,
        ),
      ),
    });
    expect(ec2Writes(mark)).toEqual([]);
    expect(await items()).toEqual(before);
  });

  it('a worker that took the request before the hand-off’s answer was lost: the command is answered "already being granted", not a 500', async () => {
    // Lambda ran the worker, then its answer to the Invoke was lost: the SDK sees an error.
    sim.current.account.handle(LambdaClient, InvokeCommand, async (input: InvokeCommandInput) => {
      const payload = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) as unknown;
      lambda.invocations.push({ functionName: SELF, invocationType: 'Event', payload });
      await work(payload);
      throw awsError('ServiceException', 'the connection was reset', 500);
    });
    const { mark, response } = await ask();
    expect(response.statusCode).toBe(200);
    const requestId = requestIdOf(lambda.invocations.at(-1)?.payload);
    expect(answerOf(response)).toBe(
      `Working on it: grant request ${requestId} is already being granted (tcp 5432 from 10.44.0.7/32 on ${DB} for 2h). You will be told by direct message when it is made or if it fails.`,
    );
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(await stateOf()).toEqual(['granted']);
  });

  it('a grant made is reported made, never failed, even if its request was moved meanwhile (the conditional final move lost)', async () => {
    const { mark, handOff } = await ask();
    const requestId = requestIdOf(handOff);
    // The handler's own EC2 client (the same module instance since the last reset): just before the
    // Authorize, something else (as a stuck-request sweep would) moves the request to failed.
    const { ec2Client: handlersEc2 } = await import('../../../shared/aws/clients');
    const client = handlersEc2();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    const store = grantRequestStore(table.current.client, table.current.tableName, () => new Date());
    vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      if (command instanceof AuthorizeSecurityGroupIngressCommand) {
        const now = await store.get(requestId);
        if (now?.state === 'approved') await store.move(now, 'failed', { why: 'moved meanwhile' });
      }
      return send(command);
    }) as never);
    const worked = await work(handOff);
    vi.restoreAllMocks();
    expect(worked).toEqual({ status: 'done', text: expect.stringMatching(/^Granted: tcp 5432 /) });
    expect(ec2Writes(mark).map((c) => c.command)).toEqual(['AuthorizeSecurityGroupIngress']);
    // The other move did happen: only the worker's own final move lost.
    expect(await stateOf()).toEqual(['failed']);
    expect(findingsOf(sim.current).map((f) => f.kind)).toEqual(['grant.created']);
    expect(
      directMessages()
        .map((c) => String(c.payload.text))
        .at(-1),
    ).toMatch(/^Granted: tcp 5432 /);
    expect(directMessages().some((c) => /not granted|failed/.test(String(c.payload.text)))).toBe(false);
  });
});

describe('/netwarden grant refused', () => {
  it('names the guardrail and writes nothing', async () => {
    const before = await items();
    const mark = sim.current.account.calls.length;
    const response = await call(
      signed(command(ALICE, `grant ${DB} 5432 203.0.113.0/24 1h partner debugging`)),
    );
    expect(answerOf(response)).toBe(
      'netwarden did nothing: tcp 5432 from 203.0.113.0/24 on sg-0db00000000005432 would breach the guardrail forbid[0] of "partner-blocklist"',
    );
    expect(ec2Writes(mark)).toEqual([]);
    expect(await items()).toEqual(before);
    expect(slack.calls.filter((c) => c.method !== 'chat.postEphemeral')).toEqual([]);
    expect(findingsOf(sim.current).map((f) => f.kind)).toEqual(['grant.rejected']);
  });

  it('names the field and the value: ttl over maxTtl, a port not grantable, missing fields, unknown users', async () => {
    const before = await items();
    const cases: Array<[string, string, string]> = [
      [ALICE, `grant ${DB} 5432 10.44.0.7/32 9h too long`, 'ttl 9h exceeds maxTtl 8h'],
      [ALICE, `grant ${DB} 22 10.44.0.7/32 1h ssh please`, 'port 22 is not grantable'],
      [ALICE, `grant ${DB} 5432`, 'source is required'],
      [MALLORY, ASK, `Slack user ${MALLORY} is not one of the policy's people`],
    ];
    for (const [user, text, problem] of cases)
      expect(answerOf(await call(signed(command(user, text))))).toContain(problem);
    expect(await items()).toEqual(before);
    expect(slack.calls).toEqual([]);
  });

  it('an unlisted user’s refused command is answered and logged, never published as a finding', async () => {
    for (let i = 0; i < 3; i++)
      expect(answerOf(await call(signed(command(MALLORY, ASK))))).toContain(MALLORY);
    expect(findingsOf(sim.current)).toEqual([]);
    expect(slack.calls).toEqual([]);
  });

  it('at most 3 requests per person wait for an answer: the 4th is refused, nothing written', async () => {
    for (const cidr of ['10.44.0.1/32', '10.44.0.2/32', '10.44.0.3/32'])
      expect(answerOf(await call(signed(command(ALICE, `grant ${DB} 5432 ${cidr} 1h INC-42 lag`))))).toMatch(
        /^Asked: /,
      );
    const before = await items();
    const answer = answerOf(
      await call(signed(command(ALICE, `grant ${DB} 5432 10.44.0.4/32 1h INC-42 lag`))),
    );
    expect(answer).toBe(
      'netwarden did nothing: alice already has 3 grant requests waiting for an answer (at most 3): wait for one to be answered or to time out',
    );
    expect(await items()).toEqual(before);
    expect(slack.topLevel(CHANNEL)).toHaveLength(3);
    // Someone else's requests are their own: bob may still ask.
    expect(answerOf(await call(signed(command(BOB, ASK))))).toMatch(/^Asked: /);
  });

  it('a forged or replayed slash command is refused 401 with nothing done', async () => {
    const before = await items();
    const mark = sim.current.account.calls.length;
    const stale = String(Math.floor(Date.now() / 1000) - 301);
    for (const event of [
      signed(command(ALICE, ASK), { secret: 'not-the-secret' }),
      signed(command(ALICE, ASK), { timestamp: stale }),
      { ...signed(command(ALICE, ASK)), body: command(BOB, ASK) },
    ])
      expect((await call(event)).statusCode).toBe(401);
    expect(callsSince(sim.current, mark).writes).toEqual([]);
    expect(await items()).toEqual(before);
    expect(slack.calls).toEqual([]);
    expect(findingsOf(sim.current)).toEqual([]);
  });
});
