/**
 * slack-interact end to end, through its real handler: Function URL requests signed for real (HMAC
 * with a test signing secret kept in the simulated SSM), the simulated account's EC2 at the wire, the
 * state table on dynalite, the Slack Web API stand-in on 127.0.0.1, and notify-slack's app mode
 * posting the findings the press published into the story's thread.
 * A forged, replayed, altered or unsigned request is refused 401 and changes nothing: no EC2 call, no
 * state-table item, no Slack call, and without valid headers not even the secret is read.
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main';
import { useUndoDeps } from '../../../cli/undo';
import { notifySlackApp } from '../../../functions/notify-slack/app-mode';
import { ec2Client, elbv2Client } from '../../../shared/aws/clients';
import { ec2SecurityGroups } from '../../../shared/aws/ec2/security-groups';
import { elbv2LoadBalancing } from '../../../shared/aws/elbv2';
import { journalReader, stateTableJournal } from '../../../shared/aws/state-table/journal';
import { slackThreadStore } from '../../../shared/aws/state-table/slack-threads';
import type { Finding } from '../../../shared/findings/finding';
import { accessKey } from '../../../shared/grants/record';
import { SlackPolicy } from '../../../shared/policy/slack';
import type { Rule } from '../../../shared/rules/rule';
import { windowOf } from '../../../shared/safety/budget';
import type { JournalEntry } from '../../../shared/safety/journal';
import { slackWebApi } from '../../../shared/slack/web-api';
import { GROUPS } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { signedSlackRequest } from '../../../simulated-account/slack-request';
import {
  type SlackWebApiStandIn,
  STAND_IN_BOT_TOKEN,
  startSlackWebApi,
} from '../../../simulated-account/slack-web-api';
import { grantedAccess, TOPIC } from '../../helpers/grants';
import { revokeEntry } from '../../helpers/journal';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const SECRET = 'test-signing-secret-0123456789abcdef';
const SECRET_PARAMETER = '/netwarden/test/slack-signing-secret';
const TOKEN_PARAMETER = '/netwarden/test/slack-bot-token';
const CHANNEL = 'C0DBONCALL01';
const ALICE = 'U012ABCDEF'; // may undo, extend, revoke (netwarden.policy.yml)
const BOB = 'U034GHIJKL'; // may extend, revoke
const MALLORY = 'U0MALLORY1'; // not listed
const DB = GROUPS.postgres;
const HOUR = 3_600_000;

type Response = { statusCode: number; body: string };
let handler: (event: unknown, context: unknown) => Promise<Response>;
let slack: SlackWebApiStandIn;

beforeEach(async () => {
  slack = await startSlackWebApi({ channels: [{ id: CHANNEL }] });
  sim.current.ssm.put(SECRET_PARAMETER, SECRET, 'SecureString');
  sim.current.ssm.put(TOKEN_PARAMETER, STAND_IN_BOT_TOKEN, 'SecureString');
  vi.stubEnv('FINDINGS_TOPIC_ARN', TOPIC);
  vi.stubEnv('SLACK_SIGNING_SECRET_PARAMETER', SECRET_PARAMETER);
  vi.stubEnv('SLACK_BOT_TOKEN_PARAMETER', TOKEN_PARAMETER);
  vi.stubEnv('SLACK_API_BASE_URL', slack.baseUrl);
  vi.stubEnv('NETWARDEN_ACCOUNT_ID', '111122223333');
  vi.resetModules();
  handler = (await import('../../../functions/slack-interact/handler')).handler as unknown as typeof handler;
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await slack.close();
});

const nowSeconds = () => String(Math.floor(Date.now() / 1000));
let messageTs = 1_750_000_000;
/** A new message timestamp for each button, as Slack's are unique per channel. */
const nextTs = () => {
  messageTs += 1;
  return `${messageTs}.000100`;
};
const payload = (user: string, action: string, value: string, ts = nextTs()) =>
  JSON.stringify({
    type: 'block_actions',
    user: { id: user, username: 'whoever' },
    channel: { id: CHANNEL },
    container: { type: 'message', message_ts: ts, channel_id: CHANNEL },
    message: { ts },
    actions: [{ action_id: `netwarden:${action}`, value, type: 'button' }],
  });

/** A Function URL request (auth NONE) as Slack sends it: the form body, signed with `secret` at `timestamp`. */
function slackEvent(
  json: string,
  options: {
    secret?: string;
    timestamp?: string;
    body?: string;
    headers?: Record<string, string>;
    base64?: boolean;
  } = {},
) {
  const timestamp = options.timestamp ?? nowSeconds();
  const request = signedSlackRequest(json, options.secret ?? SECRET, timestamp);
  // The signature is over the payload as sent; a test may then deliver other bytes or headers.
  const body = options.body ?? request.body;
  return {
    ...request,
    headers: options.headers ?? request.headers,
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

const call = (event: unknown) => handler(event, lambdaContext('slack-interact'));
const items = async () =>
  (await table.current.client.send(new ScanCommand({ TableName: table.current.tableName }))).Items ?? [];
const ec2Calls = (mark: number) => callsSince(sim.current, mark).all.filter((c) => c.service === 'EC2');
/** What netwarden journaled under `eventId` (a press's id: its pressKey), its own entries only. */
const journaled = async (eventId: string): Promise<JournalEntry[]> =>
  (await journalReader(table.current.client, table.current.tableName).byEvent(eventId)).map(
    (record) => record.entry,
  );
/** A press's id, as the state table claims it (shared/slack/interaction.ts pressKey). */
const pressId = (ts: string, action: string, reference: string) => `${CHANNEL}#${ts}#${action}#${reference}`;
const ssmReads = (mark: number) => callsSince(sim.current, mark).all.filter((c) => c.service === 'SSM');

/** netwarden's revert of a hand-made rule, as revert-sg-drift journals it; returns its event id and rule. */
async function reverted(cidr: string, port = 5432): Promise<{ eventId: string; rule: Rule }> {
  const sg = ec2SecurityGroups(ec2Client());
  const rule: Rule = { ...grantedAccess(DB, cidr, port), description: 'by hand' };
  const added = await sg.authorizeRules(DB, 'ingress', [rule]);
  const ruleId = added.created?.[0]?.ruleId ?? '';
  await sg.revokeRules(DB, 'ingress', [ruleId]);
  const eventId = randomUUID();
  const journal = stateTableJournal(table.current.client, table.current.tableName);
  await journal.record(
    revokeEntry({
      at: new Date().toISOString(),
      eventId,
      groupId: DB,
      ruleId,
      rule: { port, cidr, description: 'by hand' },
    }),
  );
  return { eventId, rule };
}

/** A live grant recorded as grant-access records it, expiring `inMs` from now; returns its rule id. */
async function liveGrant(cidr: string, inMs: number): Promise<string> {
  const sg = ec2SecurityGroups(ec2Client());
  const access = grantedAccess(DB, cidr);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const fields = {
    groupId: DB,
    access,
    owner: 'arn:aws:sts::111122223333:assumed-role/db-oncall/carol@example.com',
    reason: 'INC-7 replication',
    issuedAt: now,
    expiresAt: new Date(now.getTime() + inMs),
    createdAt: now,
  };
  const pending = await table.current.store.putPending(fields);
  const ruleId = (await sg.authorizeRules(DB, 'ingress', [access])).created?.[0]?.ruleId ?? '';
  await table.current.store.markLive(pending, ruleId);
  return ruleId;
}

describe('a request that is not verifiably Slack’s', () => {
  it('is refused 401 with nothing read or done: forged, replayed, altered, unsigned', async () => {
    const { eventId } = await reverted('10.77.0.0/16');
    const before = await items();
    const json = payload(ALICE, 'undo', eventId);
    const stale = String(Math.floor(Date.now() / 1000) - 301);
    const valid = slackEvent(json);
    const cases = {
      forged: slackEvent(json, { secret: 'not-the-secret' }),
      replayed: slackEvent(json, { timestamp: stale }),
      altered: { ...valid, body: valid.body.replace(ALICE, 'U0MALLORY1') },
      unsigned: slackEvent(json, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      'not a Function URL request': { payload: json },
    };
    for (const [what, event] of Object.entries(cases)) {
      const mark = sim.current.account.calls.length;
      const response = await call(event);
      expect([what, response.statusCode]).toEqual([what, 401]);
      expect([what, ec2Calls(mark)]).toEqual([what, []]);
      // Without valid headers and timestamp, not even the signing secret is read.
      if (what === 'replayed' || what === 'unsigned' || what.startsWith('not'))
        expect([what, ssmReads(mark)]).toEqual([what, []]);
    }
    expect(await items()).toEqual(before);
    expect(findingsOf(sim.current)).toEqual([]);
    expect(slack.calls).toEqual([]);
  });
});

describe('Undo on a revert', () => {
  it('re-opens exactly the revoked rule as a grant that expires, and the press is told in the revert’s thread', async () => {
    const { eventId, rule } = await reverted('10.77.0.0/16');
    // notify-slack (app mode) posted the revert with its Undo button, opening the story's thread.
    const revert: Finding = {
      kind: 'sg.drift',
      severity: 'warning',
      title: `Drift on ${DB}: tcp 5432 from 10.77.0.0/16 revoked`,
      mode: 'enforce',
      outcome: 'acted',
      time: new Date().toISOString(),
      eventId,
      resource: { type: 'security-group', id: DB },
      rules: [{ summary: 'ingress tcp 5432 from 10.77.0.0/16' }],
      why: 'not in the baseline',
      actions: [`RevokeSecurityGroupIngress ${DB} sgr-0123456789abcdef0`],
    };
    await postToSlack([revert]);
    const [first] = slack.topLevel(CHANNEL);
    expect(JSON.stringify(first?.attachments)).toContain(
      `"action_id":"netwarden:undo","text":{"type":"plain_text","text":"Undo (as a grant)"},"value":"${eventId}"`,
    );

    const mark = sim.current.account.calls.length;
    const response = await call(slackEvent(payload(ALICE, 'undo', eventId, first?.ts), { base64: true }));

    expect(response.statusCode).toBe(200);
    const writes = ec2Calls(mark).filter((c) => c.write);
    expect(writes.map((c) => [c.command, c.input])).toEqual([
      [
        'AuthorizeSecurityGroupIngress',
        expect.objectContaining({
          GroupId: DB,
          IpPermissions: [
            expect.objectContaining({
              IpProtocol: 'tcp',
              FromPort: 5432,
              ToPort: 5432,
              IpRanges: [expect.objectContaining({ CidrIp: '10.77.0.0/16' })],
            }),
          ],
        }),
      ],
    ]);
    const record = await table.current.store.get(DB, accessKey(rule));
    expect(record).toMatchObject({ status: 'live', owner: `slack:alice (${ALICE})` });
    expect((record?.expiresAt.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(HOUR); // grants.defaultTtl
    expect(findingsOf(sim.current).map((f) => [f.kind, f.actor?.display])).toEqual([
      ['grant.created', `slack:alice (${ALICE})`],
      ['slack.pressed', `alice (Slack ${ALICE})`],
    ]);

    // Through the write gate: charged to the budget like any new grant, and journaled under the press
    // with the exact Authorize made and the revoke by rule id that reverses it.
    const [granted] = findingsOf(sim.current);
    const press = pressId(first?.ts ?? '', 'undo', eventId);
    expect(granted?.id).toMatch(new RegExp(`^${press.replace(/[.]/g, '\\.')}/`));
    const [entry, ...more] = await journaled(press);
    expect(more).toEqual([]);
    expect(entry).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      account: '111122223333',
      region: process.env.AWS_REGION,
      function: 'slack-interact',
      action: 'grant',
      resource: DB,
      cause: `slack:alice (${ALICE})`,
      eventId: press,
      finding: { kind: 'grant.created', title: granted?.title, id: granted?.id },
      call: { service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', input: writes[0]?.input },
      inverse: {
        service: 'ec2',
        operation: 'RevokeSecurityGroupIngress',
        input: { GroupId: DB, SecurityGroupRuleIds: [record?.ruleId] },
      },
    });
    expect((await items()).filter((item) => item.pk?.S?.startsWith('budget#'))).toHaveLength(1);

    // `netwarden undo <finding id>` carries out the journaled inverse: the grant's rule is revoked.
    const { client, tableName } = table.current;
    useUndoDeps({
      reader: journalReader(client, tableName),
      sg: ec2SecurityGroups(ec2Client()),
      lb: elbv2LoadBalancing(elbv2Client()),
      now: sim.current.account.clock.now,
      region: process.env.AWS_REGION ?? '',
      policyPath: 'netwarden.policy.yml',
    });
    try {
      const out: string[] = [];
      const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
      const undoMark = sim.current.account.calls.length;
      expect([await main(['undo', granted?.id ?? '', '--stage', 'prod', '--yes'], io), out]).toEqual([
        0,
        expect.anything(),
      ]);
      expect(
        ec2Calls(undoMark)
          .filter((c) => c.write)
          .map((c) => [c.command, c.input]),
      ).toEqual([['RevokeSecurityGroupIngress', { GroupId: DB, SecurityGroupRuleIds: [record?.ruleId] }]]);
    } finally {
      useUndoDeps(undefined);
    }
    expect(slack.ephemerals).toEqual([
      expect.objectContaining({
        user: ALICE,
        text: expect.stringMatching(/^Done: re-opened tcp 5432 from 10\.77\.0\.0\/16 on sg-/),
      }),
    ]);

    await postToSlack(findingsOf(sim.current));
    const thread = slack.replies(CHANNEL, first?.ts ?? '');
    expect(thread.map((reply) => reply.text)).toEqual([
      expect.stringContaining('Undo pressed in Slack: re-opened'),
    ]);
    // The actor is said once: who pressed appears in the whole posted message (text and blocks) one time.
    const posted = JSON.stringify(thread[0]);
    expect(posted.split(`alice (Slack ${ALICE})`).length - 1).toBe(1);
  });

  it('is held back, like any new grant, once the blast-radius budget is used up: no Authorize, no record', async () => {
    const { eventId } = await reverted('10.78.0.0/16');
    // The account's budget used up (perAccount 20, netwarden.policy.yml) in this window and the next,
    // so the press lands in a spent window however long the test takes.
    const now = new Date();
    for (const at of [now, new Date(now.getTime() + 600_000)])
      await table.current.client.send(
        new PutItemCommand({
          TableName: table.current.tableName,
          Item: {
            pk: { S: 'budget#111122223333' },
            sk: { S: windowOf(at, 600_000).start.toISOString() },
            total: { N: '20' },
          },
        }),
      );
    const kept = async () =>
      (await items()).filter((item) => /^(grant|slack-press|journal)#/.test(item.pk?.S ?? ''));
    const before = await kept();
    const mark = sim.current.account.calls.length;

    await call(slackEvent(payload(ALICE, 'undo', eventId)));

    expect(ec2Calls(mark).filter((c) => c.write)).toEqual([]);
    // The pending grant record is discarded, the press released, nothing journaled.
    expect(await kept()).toEqual(before);
    const refused = findingsOf(sim.current).find((f) => f.kind === 'slack.refused');
    expect(refused?.why).toMatch(
      /^Held back: the blast-radius budget \(.+\) is used up, so this is report mode until .+\. Nothing was changed\. tcp 5432 from 10\.78\.0\.0\/16 on sg-\w+ was not re-opened; retry after .+$/,
    );
    expect(findingsOf(sim.current).map((f) => f.kind)).toEqual(['safety.budget-exhausted', 'slack.refused']);
  });

  it('is refused for a guardrail breach, naming the guardrail, with no EC2 write and no press kept', async () => {
    const { eventId } = await reverted('0.0.0.0/0');
    const before = await items();
    const mark = sim.current.account.calls.length;

    await call(slackEvent(payload(ALICE, 'undo', eventId)));

    expect(ec2Calls(mark).filter((c) => c.write)).toEqual([]);
    expect(await items()).toEqual(before);
    const [refused] = findingsOf(sim.current);
    expect(refused).toMatchObject({ kind: 'slack.refused', outcome: 'no-action', eventId });
    expect(refused?.why).toMatch(/would breach the guardrail .+: undo never re-opens a guardrail breach/);
    expect(slack.ephemerals[0]?.text).toMatch(
      /^netwarden did nothing: re-creating tcp 5432 from 0\.0\.0\.0\/0 would breach the guardrail forbid\[0\] of "account-wide-guardrails"/,
    );
  });

  it('acts once for a double press, Slack’s retry or two people at once: the second hears who did it', async () => {
    const { eventId } = await reverted('10.78.0.0/16');
    const ts = nextTs();
    const mark = sim.current.account.calls.length;

    const [one, two] = await Promise.all([
      call(slackEvent(payload(ALICE, 'undo', eventId, ts))),
      call(slackEvent(payload(ALICE, 'undo', eventId, ts))),
    ]);

    expect([one.statusCode, two.statusCode]).toEqual([200, 200]);
    expect(
      ec2Calls(mark)
        .filter((c) => c.write)
        .map((c) => c.command),
    ).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(findingsOf(sim.current).map((f) => f.kind)).toEqual(['grant.created', 'slack.pressed']);
    expect(slack.ephemerals.map((e) => e.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Already done by alice \(Slack U012ABCDEF\) at /)]),
    );
  });

  it('refuses someone the policy does not list, and someone not allowed to undo, doing nothing', async () => {
    const { eventId } = await reverted('10.79.0.0/16');
    const before = await items();
    const mark = sim.current.account.calls.length;

    await call(slackEvent(payload(MALLORY, 'undo', eventId)));
    await call(slackEvent(payload(BOB, 'undo', eventId)));

    expect(ec2Calls(mark)).toEqual([]);
    expect(await items()).toEqual(before);
    expect(findingsOf(sim.current).map((f) => [f.kind, f.severity, f.why])).toEqual([
      ['slack.refused', 'warning', 'only the people the policy lists may press netwarden’s buttons'],
      [
        'slack.refused',
        'info',
        'bob may extend, revoke, request, approve from Slack, not undo (policy people)',
      ],
    ]);
    expect(slack.ephemerals.map((e) => e.user)).toEqual([MALLORY, BOB]);
  });
});

describe('Extend 1h and Revoke now on a grant', () => {
  it('extends a live grant by one hour', async () => {
    const ruleId = await liveGrant('203.0.113.9/32', 2 * HOUR);
    const before = await table.current.store.get(DB, accessKey(grantedAccess(DB, '203.0.113.9/32')));

    const ts = nextTs();
    await call(slackEvent(payload(BOB, 'extend', ruleId, ts)));

    const after = await table.current.store.get(DB, accessKey(grantedAccess(DB, '203.0.113.9/32')));
    expect((after?.expiresAt.getTime() ?? 0) - (before?.expiresAt.getTime() ?? 0)).toBe(HOUR);
    expect(after).toMatchObject({ extendedBy: `slack:bob (${BOB})`, owner: before?.owner });
    expect(findingsOf(sim.current).map((f) => f.kind)).toEqual(['grant.extended', 'slack.pressed']);
    // The label changes no access: not charged, journaled with the label it replaced as its inverse.
    expect((await items()).filter((item) => item.pk?.S?.startsWith('budget#'))).toEqual([]);
    const [extended] = findingsOf(sim.current);
    const expiresTag = (at: Date | undefined) => ({
      Key: 'netwarden:grant-expires-at',
      Value: `${at?.toISOString().slice(0, 19)}Z`,
    });
    expect(await journaled(pressId(ts, 'extend', ruleId))).toMatchObject([
      {
        function: 'slack-interact',
        action: 'tag',
        resource: DB,
        cause: `slack:bob (${BOB})`,
        finding: { kind: 'grant.extended', id: extended?.id },
        call: {
          operation: 'CreateTags',
          input: { Resources: [ruleId], Tags: expect.arrayContaining([expiresTag(after?.expiresAt)]) },
        },
        inverse: {
          operation: 'CreateTags',
          input: { Resources: [ruleId], Tags: expect.arrayContaining([expiresTag(before?.expiresAt)]) },
        },
      },
    ]);
  });

  it('refuses an extension past grants.maxTtl, leaving the grant as it was', async () => {
    const ruleId = await liveGrant('203.0.113.10/32', 7.5 * HOUR);
    const before = await items();
    const mark = sim.current.account.calls.length;

    await call(slackEvent(payload(BOB, 'extend', ruleId)));

    expect(await items()).toEqual(before);
    expect(ec2Calls(mark).filter((c) => c.write)).toEqual([]);
    const [refused] = findingsOf(sim.current);
    expect(refused?.kind).toBe('slack.refused');
    expect(refused?.why).toMatch(
      /^extending by 1h would keep tcp 5432 from 203\.0\.113\.10\/32 on sg-\w+ open until .+, 8h30m from now, beyond grants\.maxTtl 8h$/,
    );
  });

  it('revokes a live grant now, by its recorded rule id', async () => {
    const ruleId = await liveGrant('203.0.113.11/32', HOUR);
    const mark = sim.current.account.calls.length;
    const ts = nextTs();

    await call(slackEvent(payload(BOB, 'revoke', ruleId, ts)));

    expect(
      ec2Calls(mark)
        .filter((c) => c.write)
        .map((c) => [c.command, c.input]),
    ).toEqual([['RevokeSecurityGroupIngress', { GroupId: DB, SecurityGroupRuleIds: [ruleId] }]]);
    expect(await table.current.store.get(DB, accessKey(grantedAccess(DB, '203.0.113.11/32')))).toMatchObject({
      status: 'closed',
    });
    expect(findingsOf(sim.current).map((f) => f.kind)).toEqual(['grant.revoked', 'slack.pressed']);
    // Only narrows access: not charged to the budget, journaled with the Authorize that would re-open it.
    expect((await items()).filter((item) => item.pk?.S?.startsWith('budget#'))).toEqual([]);
    const [revoked] = findingsOf(sim.current);
    expect(await journaled(pressId(ts, 'revoke', ruleId))).toMatchObject([
      {
        function: 'slack-interact',
        action: 'revoke',
        cause: `slack:bob (${BOB})`,
        eventId: pressId(ts, 'revoke', ruleId),
        finding: { kind: 'grant.revoked', id: revoked?.id },
        call: {
          operation: 'RevokeSecurityGroupIngress',
          input: { GroupId: DB, SecurityGroupRuleIds: [ruleId] },
        },
        inverse: { operation: 'AuthorizeSecurityGroupIngress', input: { GroupId: DB } },
      },
    ]);
  });

  it('refuses a rule id that is no recorded grant, touching nothing', async () => {
    const mark = sim.current.account.calls.length;
    await call(slackEvent(payload(BOB, 'revoke', 'sgr-0aaaaaaaaaaaaaaa0')));
    expect(ec2Calls(mark).filter((c) => c.write)).toEqual([]);
    expect(findingsOf(sim.current)[0]?.why).toBe(
      'rule sgr-0aaaaaaaaaaaaaaa0 is no live grant netwarden recorded',
    );
  });
});

/** notify-slack in app mode, posting `findings` to the stand-in with the thread store on dynalite. */
async function postToSlack(findings: ReadonlyArray<Finding>) {
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  await notifySlackApp(
    findings.map((finding, n) => ({
      id: `m-${n}-${randomUUID()}`,
      notification: { type: 'finding', finding },
      retryable: true,
    })),
    {
      api: slackWebApi({
        token: async () => ({ reveal: () => STAND_IN_BOT_TOKEN }),
        baseUrl: slack.baseUrl,
        budgetMs: () => 10_000,
      }),
      threads: slackThreadStore(table.current.client, table.current.tableName, () => new Date()),
      slack: SlackPolicy.parse({
        timezone: 'Asia/Seoul',
        routes: [{ name: 'all', channel: CHANNEL, mention: 'none' }],
      }),
      format: { defaultRegion: 'ap-northeast-2' },
      remainingMs: () => 60_000,
      log: quiet,
    },
  );
}
