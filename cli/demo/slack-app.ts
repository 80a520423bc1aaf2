/**
 * The Slack app story: notify-slack in app mode posts a revert with its Undo button to the channel the
 * policy's routes choose (the Slack Web API stand-in on 127.0.0.1, bot token from the simulated SSM);
 * alice, one of the policy's people, presses Undo — a request signed v0 with the demo's signing secret
 * — and slack-interact's real handler re-opens the revoked rule as a grant that expires. The press's
 * finding is threaded under the revert and the revert's message is updated (chat.update) to say where
 * the story stands. A forged press (signed with another secret) is refused 401 having done nothing.
 * The thread is printed as a reader sees it: channel, first message as it is now, replies indented.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { NotificationRecord } from '../../shared/events/sqs';
import type { Finding } from '../../shared/findings/finding';
import type { Block } from '../../shared/slack/blocks';
import { consoleUser, GROUPS, netwardenRole } from '../../simulated-account/index';
import { tcp } from '../../simulated-account/permissions';
import type { PostedMessage, SlackWebApiStandIn } from '../../simulated-account/slack-web-api';
import { type DemoContext, formatCall } from './context';
import { renderSlackText, type SlackPayload } from './slack';

/** The demo's channels: database on-call and everything else (slack.routes, written below). */
export const DB_CHANNEL = 'C0DBONCALL01';
export const REST_CHANNEL = 'C0NETWARDEN1';
/** alice in the policy's people: may undo, extend and revoke (netwarden.policy.yml). */
const ALICE = 'U012ABCDEF';
const TOKEN_PARAMETER = '/netwarden/demo/slack-bot-token';
const SECRET_PARAMETER = '/netwarden/demo/slack-signing-secret';
/** The demo app's signing secret: it lives in the simulated SSM only and is never printed. */
const SIGNING_SECRET = 'demo-signing-secret-1f0c9a7e5b3d4c2a';

/**
 * The shipped policy plus the routes of app mode: netwarden.policy.yml has no `slack` section (it
 * posts through the webhook), so the demo writes one, as docs/slack-app.md describes it.
 */
const SLACK_SECTION = `
slack:
  timezone: Asia/Seoul
  routes:
    - name: databases
      match: { kinds: ["sg.*", "grant.*", "slack.*"], groups: [${GROUPS.postgres}] }
      channel: ${DB_CHANNEL}
      mention: none
    - name: everything-else
      channel: ${REST_CHANNEL}
      mention: none
`;

/**
 * A message of the stand-in as Slack would deliver it to a reader's client. The stand-in keeps what
 * it was sent as plain JSON; netwarden built it (shared/slack/blocks.ts), so it has that shape.
 */
const payloadOf = (message: Pick<PostedMessage, 'text' | 'blocks' | 'attachments'>): SlackPayload =>
  ({
    text: message.text,
    blocks: message.blocks.length > 0 ? message.blocks : undefined,
    attachments: message.attachments,
  }) as unknown as SlackPayload;

/** The first button named `actionId` on a posted message: what a reader's click would send. */
function buttonOn(
  message: PostedMessage,
  actionId: string,
): { action_id: string; value: string } | undefined {
  const blocks = [
    ...message.blocks,
    ...message.attachments.flatMap((a) => (a as { blocks?: unknown[] }).blocks ?? []),
  ] as Block[];
  for (const block of blocks)
    if (block.type === 'actions')
      for (const element of block.elements)
        if (element.action_id === actionId && element.value)
          return { action_id: actionId, value: element.value };
  return undefined;
}

export async function slackAppStory(context: DemoContext): Promise<void> {
  context.heading('Slack app mode: a thread, an Undo pressed in Slack, a forged press refused');
  const { startSlackWebApi, STAND_IN_BOT_TOKEN } = await import('../../simulated-account/slack-web-api');
  const api = await startSlackWebApi({ channels: [{ id: DB_CHANNEL }, { id: REST_CHANNEL }] });
  // Closed whatever happens: a server left listening would keep `npm start` from exiting.
  try {
    await runStory(context, api, STAND_IN_BOT_TOKEN);
  } finally {
    await api.close();
  }
}

async function runStory(context: DemoContext, api: SlackWebApiStandIn, token: string): Promise<void> {
  const { io, sim } = context;
  sim.ssm.put(TOKEN_PARAMETER, token, 'SecureString');
  sim.ssm.put(SECRET_PARAMETER, SIGNING_SECRET, 'SecureString');
  process.env.SLACK_BOT_TOKEN_PARAMETER = TOKEN_PARAMETER;
  process.env.SLACK_SIGNING_SECRET_PARAMETER = SECRET_PARAMETER;
  // slack-interact's handler reads these once, when it is first imported (below), as on a cold start.
  process.env.SLACK_API_BASE_URL = api.baseUrl;
  const tableName = process.env.STATE_TABLE_NAME ?? 'netwarden-demo-state';
  const outDir = join(context.outDir, 'slack-app');
  mkdirSync(outDir, { recursive: true });
  const policyPath = join(outDir, 'netwarden.policy.yml');
  writeFileSync(
    policyPath,
    `${readFileSync(process.env.POLICY_PATH ?? 'netwarden.policy.yml', 'utf8')}${SLACK_SECTION}`,
  );
  io.out(
    `bot token and signing secret: SecureStrings ${TOKEN_PARAMETER} and ${SECRET_PARAMETER} (never printed)`,
  );
  io.out(`Slack Web API stand-in on 127.0.0.1; routes: slack section of ${policyPath}`);

  // App mode wired as notify-slack's handler wires it on its first app-mode batch (app-wiring.ts): the
  // handler itself reads SLACK_MODE once per process, and the slack story above loaded it as a webhook.
  const { wireAppMode } = await import('../../functions/notify-slack/app-wiring');
  const { notifySlackApp } = await import('../../functions/notify-slack/app-mode');
  const { lambdaContext } = await import('../../simulated-account/lambda-context');
  const { blockActionsPayload, signedSlackRequest } = await import('../../simulated-account/slack-request');
  const wiring = wireAppMode({
    policyPath,
    botTokenParameter: TOKEN_PARAMETER,
    tableName,
    apiBaseUrl: api.baseUrl,
    tokenTtlMs: 300_000,
    now: () => new Date(),
    budgetMs: () => 30_000,
  });
  /** notify-slack's app mode on the findings published since `mark`, as its queue would deliver them. */
  const notify = async (mark: number) => {
    const reads: NotificationRecord[] = sim.published.slice(mark).map((message) => ({
      id: randomUUID(),
      notification: { type: 'finding', finding: JSON.parse(message.message) as Finding },
      retryable: true,
    }));
    const calls = api.calls.length;
    const { batchItemFailures } = await notifySlackApp(reads, {
      ...wiring,
      format: { defaultRegion: process.env.AWS_REGION ?? 'ap-northeast-2', groupNames: wiring.groupNames },
      remainingMs: () => 60_000,
      log: {
        info: () => {},
        // Anything short of a clean post is shown: the demo hides no failure.
        warn: (message, data) =>
          io.out(`  notify-slack: ${message}: ${String(data.error ?? data.reason ?? '')}`),
        error: (message, data) => io.out(`  notify-slack: ${message}: ${String(data.error ?? '')}`),
      },
    });
    const made = api.calls.slice(calls);
    io.out(
      `  notify-slack (app mode): ${made.map((call) => `${call.method} ${String(call.payload.channel)}${call.payload.thread_ts ? ' (in thread)' : ''}${call.ok ? '' : ` → ${call.error}`}`).join(', ') || 'nothing posted'}; ${batchItemFailures.length} failed`,
    );
  };
  const findingsSince = (mark: number) =>
    sim.published.slice(mark).map((message) => JSON.parse(message.message) as Finding);
  const showFindings = (mark: number) => {
    const findings = findingsSince(mark);
    if (findings.length === 0) io.out('  finding: none');
    for (const finding of findings)
      io.out(`  finding [${finding.kind}, ${finding.outcome}]: ${finding.title}\n    why: ${finding.why}`);
  };

  // 1. A hand-made rule, reverted by revert-sg-drift; its finding opens the story in Slack.
  io.out('\n▶ carol@example.com adds PostgreSQL from 10.77.0.0/16 to rds-postgres-sg, in the console');
  const { events } = await sim.account.as(consoleUser('carol@example.com'), () =>
    new EC2Client({}).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        IpPermissions: [tcp(5432, '10.77.0.0/16', 'reporting replica')],
      }),
    ),
  );
  const { handler: revert } = await import('../../functions/revert-sg-drift/handler');
  let mark = sim.published.length;
  for (const event of events) {
    const { calls } = await context.callsDuring(() =>
      revert(event, lambdaContext('netwarden-demo-revert-sg-drift')),
    );
    for (const call of calls.filter((call) => call.service !== 'SNS')) io.out(`  ${formatCall(call)}`);
  }
  showFindings(mark);
  await notify(mark);
  const [parent] = api.topLevel(DB_CHANNEL);
  const undo = parent ? buttonOn(parent, 'netwarden:undo') : undefined;
  if (!parent || !undo) {
    io.out('  (no revert with an Undo button was posted: the rest of the story cannot run)');
    return;
  }

  // 2. alice presses Undo: Slack signs the request; slack-interact verifies it before reading anything.
  const { handler: interact } = await import('../../functions/slack-interact/handler');
  const pressJson = blockActionsPayload({
    userId: ALICE,
    channel: DB_CHANNEL,
    messageTs: parent.ts,
    actionId: undo.action_id,
    value: undo.value,
  });
  // Slack's timestamp is the real time: slack-interact checks it against its own clock (5 minutes).
  const timestamp = () => String(Math.floor(Date.now() / 1000));
  const press = async (label: string, secret: string) => {
    io.out(`\n▶ ${label}`);
    const before = {
      published: sim.published.length,
      slack: api.calls.length,
      table: await snapshot(tableName),
    };
    const { result, calls } = await context.callsDuring(() =>
      sim.account.as(netwardenRole('slack-interact'), () =>
        interact(
          signedSlackRequest(pressJson, secret, timestamp()),
          lambdaContext('netwarden-demo-slack-interact'),
        ),
      ),
    );
    const response = result.result as { statusCode: number; body: string };
    io.out(`  → HTTP ${response.statusCode}${response.body ? `: ${response.body}` : ''}`);
    const aws = calls.filter((call) => call.service !== 'SNS');
    if (aws.length === 0) io.out('  AWS calls: none');
    for (const call of aws) io.out(`  ${formatCall(call)}`);
    showFindings(before.published);
    const answers = api.calls.slice(before.slack).filter((call) => call.method === 'chat.postEphemeral');
    for (const answer of answers)
      io.out(`  ephemeral to ${String(answer.payload.user)}: ${String(answer.payload.text)}`);
    const after = await snapshot(tableName);
    io.out(
      `  Slack calls: ${api.calls.length - before.slack}; state table: ${tableChange(before.table, after)}`,
    );
    return before.published;
  };
  mark = await press(
    `alice (Slack ${ALICE}) presses “${undo.action_id}” on the revert: signed v0 with the app's signing secret`,
    SIGNING_SECRET,
  );
  await notify(mark);

  await press(
    'the same press, forged: signed with a secret that is not the app’s (someone who found the Function URL)',
    'not-the-signing-secret-0000000000',
  );

  // 3. The channel as a reader sees it.
  io.out(`\n▶ Slack as on-call reads it: #${DB_CHANNEL}`);
  for (const message of api.topLevel(DB_CHANNEL)) {
    io.out('');
    for (const line of renderSlackText(payloadOf(message))) io.out(`  ${line}`);
    const replies = api.replies(DB_CHANNEL, message.ts);
    if (message.history.length > 0)
      io.out(
        `  (updated ${message.history.length}× with chat.update; first posted as: ${renderSlackText(payloadOf(message.history[0] ?? message))[0]?.replace(/^┌ notification: /, '')})`,
      );
    if (replies.length > 0)
      io.out(`  ${replies.length} repl${replies.length === 1 ? 'y' : 'ies'} in the thread:`);
    for (const reply of replies)
      for (const line of renderSlackText(payloadOf(reply))) io.out(`      ${line}`);
  }
  writeFileSync(join(outDir, 'channel.json'), `${JSON.stringify(api.messages, null, 2)}\n`);
  io.out(`\n  saved ${join(outDir, 'channel.json')}`);
}

/**
 * The state table's items by key (pk, sk), each as JSON: two snapshots are equal only when nothing
 * was put, changed or deleted (a count would miss an update).
 */
async function snapshot(tableName: string): Promise<Map<string, string>> {
  const { dynamoDbClient } = await import('../../shared/aws/clients/dynamodb');
  const items = new Map<string, string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamoDbClient().send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? [])
      items.set(
        `${item.pk?.S ?? '?'} ${item.sk?.S ?? '?'}`,
        JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))),
      );
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** What a request did to the state table, in a few words. */
function tableChange(before: Map<string, string>, after: Map<string, string>): string {
  const added = [...after.keys()].filter((key) => !before.has(key)).length;
  const changed = [...after].filter(([key, item]) => before.has(key) && before.get(key) !== item).length;
  const deleted = [...before.keys()].filter((key) => !after.has(key)).length;
  if (added + changed + deleted === 0) return `unchanged (${after.size} items)`;
  return `${added} new, ${changed} changed, ${deleted} deleted (${before.size} → ${after.size} items)`;
}
