/**
 * The handler end to end: the SQS batch from events/, the webhook URL from the simulated account's
 * SSM Parameter Store, and posts to a real HTTP server on 127.0.0.1 standing in for Slack.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqsBatchResponse, SqsEvent } from '../../../shared/events/sqs';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import { snsAlarm, sqsRecord, stormRecords } from '../../../simulated-account/notifications';
import { type SlackServer, startSlackServer, WEBHOOK_PATH } from '../../../simulated-account/slack-server';
import { unescapedPlaces } from '../../helpers/block-kit';
import { useSimulation } from '../../helpers/simulation';

const PARAMETER = '/netwarden/test/slack-webhook-url';
const sim = useSimulation();
let slack: SlackServer;
let output: string[];
type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<SqsBatchResponse>;
let handler: Handler;

beforeEach(async () => {
  slack = await startSlackServer();
  sim.current.ssm.put(PARAMETER, slack.url);
  vi.stubEnv('SLACK_WEBHOOK_PARAMETER', PARAMETER);
  // Log everything, and capture it: the secret must not appear even at DEBUG.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  vi.resetModules();
  handler = (await import('../../../functions/notify-slack/handler')).handler as unknown as Handler;
});

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await slack.close();
});

/** The blocks as the webhook received them: inside the coloured attachment (blocks.ts slackPayload). */
const wireBlocks = (payload: unknown) =>
  (payload as { attachments?: Array<{ blocks: unknown }> } | undefined)?.attachments?.[0]?.blocks;

const batch = () => loadEvent<SqsEvent>('sqs/batch-alarm-and-finding.json');
const ssmReads = () => sim.current.account.calls.filter((call) => call.command === 'GetParameter');

describe('notify-slack handler', () => {
  it('posts the alarm and the finding of the sample batch, reading the webhook once with decryption', async () => {
    const response = await handler(batch(), lambdaContext('netwarden-test-notify-slack'));
    await handler(batch(), lambdaContext('netwarden-test-notify-slack'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(slack.requests.map((request) => request.payload.text)).toEqual([
      '<!here> ALARM: gateway-nlb/unhealthy-hosts (OK → ALARM) in 111122223333 ap-northeast-2',
      '<!here> Guardrail breach on rds-postgres-sg (sg-0db…): ingress tcp 5432 from 0.0.0.0/0 revoked',
      '<!here> ALARM: gateway-nlb/unhealthy-hosts (OK → ALARM) in 111122223333 ap-northeast-2',
      '<!here> Guardrail breach on rds-postgres-sg (sg-0db…): ingress tcp 5432 from 0.0.0.0/0 revoked',
    ]);
    // A colour per severity in webhook mode too: red for an ALARM and a critical finding, the blocks inside it.
    expect(
      slack.requests.map((request) =>
        (request.payload as unknown as { attachments: Array<{ color: string }> }).attachments.map(
          (a) => a.color,
        ),
      ),
    ).toEqual([['#e01e5a'], ['#e01e5a'], ['#e01e5a'], ['#e01e5a']]);
    expect(slack.requests.map((request) => 'blocks' in request.payload)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    // Cached across invocations: one GetParameter for two batches.
    expect(ssmReads().map((call) => call.input)).toEqual([{ Name: PARAMETER, WithDecryption: true }]);
    expect(sim.current.account.writes()).toEqual([]);
  });

  it('reports exactly the message Slack rejected, logging Slack’s error body', async () => {
    const event = batch();
    slack.respond({ status: 200, body: 'ok' }, { status: 400, body: 'invalid_payload' });

    const response = await handler(event, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]?.messageId }] });
    const rejected = output
      .map((line) => JSON.parse(line))
      .find((log) => log.message === 'Slack rejected the message');
    expect(rejected).toMatchObject({ level: 'ERROR', status: 400, slackError: 'invalid_payload' });
  });

  it('turns a 100-alarm storm into at most 5 posts naming every alarm', async () => {
    const { records, names } = stormRecords(100);

    const response = await handler({ Records: records }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(slack.requests.length).toBeLessThanOrEqual(5);
    const posted = JSON.stringify(slack.requests.map((request) => request.payload));
    for (const name of names) expect(posted).toContain(name);
  });

  it('never logs the webhook URL, on success, on rejection or when the parameter is unreadable', async () => {
    slack.respond({ status: 404, body: 'no_service' });
    await handler(batch(), lambdaContext());
    await handler(batch(), lambdaContext());
    vi.resetModules();
    vi.stubEnv('SLACK_WEBHOOK_PARAMETER', '/netwarden/test/missing');
    const broken = (await import('../../../functions/notify-slack/handler')).handler as unknown as Handler;
    await expect(broken(batch(), lambdaContext())).rejects.toThrow(
      'could not read SSM parameter /netwarden/test/missing: ParameterNotFound',
    );

    const logs = output.join('');
    expect(logs).toContain('Slack rejected the message');
    expect(logs).toContain('posted to Slack');
    expect(logs).toContain('invocation failed');
    expect(logs).not.toContain(WEBHOOK_PATH);
    expect(logs).not.toContain('xoxsecret');
    expect(logs).not.toContain(slack.url);
  });

  it('posts an alarm name and a grant owner that try to ping the channel escaped, everywhere Slack receives them', async () => {
    const forged = '<!channel> <https://evil.example|Approve access>';
    const shown = '&lt;!channel&gt; &lt;https://evil.example|Approve access&gt;';
    const findingEnvelope = loadEvent<{ Message: string }>('sns/finding-guardrail-breach.json');
    const finding = {
      ...JSON.parse(findingEnvelope.Message),
      kind: 'grant.created',
      severity: 'info',
      title: `Temporary access granted on sg-0db00000000005432 for ${forged}`,
      why: `${forged}: debugging`,
    };
    const records = [
      sqsRecord(snsAlarm({ name: forged })),
      sqsRecord({ ...findingEnvelope, Message: JSON.stringify(finding) }),
    ];

    const response = await handler({ Records: records }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(slack.requests.map((request) => request.payload.text)).toEqual([
      `<!here> ALARM: ${shown} (OK → ALARM) in 111122223333 ap-northeast-2`,
      `Temporary access granted on rds-postgres-sg (sg-0db…) for ${shown}`,
    ]);
    for (const request of slack.requests) expect(unescapedPlaces(request.payload)).toEqual([]);
    const received = JSON.stringify(slack.requests.map((request) => request.payload));
    expect(received).not.toContain('<!channel>');
    expect(received).not.toContain('<https://evil.example');
  });

  it('tells Slack about an event that is not an SQS batch and returns, so it is not retried', async () => {
    const response = await handler({ id: 'e-not-a-batch', detail: {} }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(slack.requests.map((request) => request.payload.text)).toEqual([
      'notify-slack could not read 1 message',
    ]);
    const notice = JSON.stringify(wireBlocks(slack.requests[0]?.payload));
    expect(notice).toContain('e-not-a-batch');
    expect(notice).toContain(
      'not an SQS batch: event.Records: expected array, received undefined, found nothing',
    );
    expect(ssmReads()).toHaveLength(1);
  });

  it('reads each record on its own: a record that is no SQS message is reported, the good ones are posted', async () => {
    const event = batch();
    const good = event.Records[0];
    const response = await handler(
      { Records: [{ body: 'no message id' }, good, { messageId: 'm-no-body' }] },
      lambdaContext(),
    );

    // Neither bad record can be retried (one has no id, and retrying cannot make the other readable).
    expect(response).toEqual({ batchItemFailures: [] });
    // Posts go in the order their first message arrived: the unreadable one came first.
    expect(slack.requests.map((request) => request.payload.text)).toEqual([
      'notify-slack could not read 2 messages',
      '<!here> ALARM: gateway-nlb/unhealthy-hosts (OK → ALARM) in 111122223333 ap-northeast-2',
    ]);
    const notice = JSON.stringify(wireBlocks(slack.requests[0]?.payload));
    expect(notice).toContain('Records[0]');
    expect(notice).toContain('Records[0].messageId: expected string, received undefined, found nothing');
    expect(notice).toContain('m-no-body');
    expect(notice).toContain('Records[2].body: expected string, received undefined, found nothing');
  });
});

describe('notify-slack handler in webhook mode, with a slack section in the policy (issue 17)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'netwarden-webhook-policy-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("says each message's route's mention, not @here, and shows times in the policy's zone", async () => {
    const path = join(dir, 'netwarden.policy.yml');
    writeFileSync(
      path,
      `${readFileSync('netwarden.policy.yml', 'utf8')}
slack:
  timezone: Asia/Seoul
  routes:
    - { name: databases, match: { groups: [sg-0db00000000005432] }, channel: C0DATABASE01, mention: [S0DBTEAM001] }
    - { name: alarms, match: { kinds: [alarm] }, channel: C0ALARMS0001, mention: [U012ABCDEF] }
    - { name: rest, channel: C0REST000001, mention: none }
`,
    );
    vi.stubEnv('POLICY_PATH', path);
    vi.resetModules();
    const routed = (await import('../../../functions/notify-slack/handler')).handler as unknown as Handler;

    const response = await routed(batch(), lambdaContext('netwarden-test-notify-slack'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(slack.requests.map((request) => request.payload.text)).toEqual([
      '<@U012ABCDEF> ALARM: gateway-nlb/unhealthy-hosts (OK → ALARM) in 111122223333 ap-northeast-2',
      '<!subteam^S0DBTEAM001> Guardrail breach on rds-postgres-sg (sg-0db…): ingress tcp 5432 from 0.0.0.0/0 revoked',
    ]);
    const [alarm, finding] = slack.requests.map((request) => JSON.stringify(wireBlocks(request.payload)));
    // 2025-06-12T03:42:31Z and 2026-11-23T00:00:04Z, in Seoul.
    expect(alarm).toContain('2025-06-12 12:42:31 GMT+9');
    expect(finding).toContain('2026-11-23 09:00:04 GMT+9');
    expect(`${alarm}${finding}`).not.toContain('<!here>');
  });
});
