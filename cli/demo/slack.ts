/**
 * The Slack story: the findings earlier stories published, a sample alarm and a 100-alarm storm go
 * through the real notify-slack handler — webhook URL from the simulated SSM, posts to a stand-in
 * Slack on 127.0.0.1 — and each message Slack received is shown as text and saved as JSON.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqsBatchResponse, SqsRecord } from '../../shared/events/sqs';
import type { Block, SlackMessage } from '../../shared/slack/blocks';
import type { PublishedMessage } from '../../simulated-account/sns';
import type { DemoContext } from './context';

const EMOJI: Record<string, string> = {
  ':red_circle:': '🔴',
  ':large_green_circle:': '🟢',
  ':white_circle:': '⚪',
  ':rotating_light:': '🚨',
  ':warning:': '⚠️',
  ':information_source:': 'ℹ️',
  ':grey_question:': '❔',
  ':arrow_right:': '➡️',
};

/** Slack mrkdwn as terminal text: links become `label[n]` with the URLs listed below, entities decoded. */
function plain(text: string, links: string[]): string {
  return text
    .replace(/<!here>/g, '@here')
    .replace(/<([^|>]+)\|([^>]+)>/g, (_match, url: string, label: string) => {
      links.push(url);
      return `${label}[${links.length}]`;
    })
    .replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code)
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function renderBlock(block: Block, links: string[]): string[] {
  switch (block.type) {
    case 'header':
      return [`▌${plain(block.text.text, links)}`];
    case 'section':
      return [
        ...(block.text ? plain(block.text.text, links).split('\n') : []),
        ...(block.fields ?? []).flatMap((field) => {
          const [label = '', ...value] = plain(field.text, links).split('\n');
          return value.length > 0
            ? [`${label}: ${value[0]}`, ...value.slice(1).map((line) => `  ${line}`)]
            : [label];
        }),
      ];
    case 'context':
      return [`· ${block.elements.map((element) => plain(element.text, links)).join(' · ')}`];
    case 'divider':
      return ['─'.repeat(40)];
    case 'actions':
      return [block.elements.map((button) => `[ ${button.text.text} ]`).join(' ')];
  }
}

/**
 * A message as Slack receives it: its blocks at the top level, or inside the one coloured attachment
 * (shared/slack/blocks.ts, slackPayload).
 */
export type SlackPayload = Pick<SlackMessage, 'text'> & {
  readonly blocks?: SlackMessage['blocks'];
  readonly attachments?: ReadonlyArray<{ readonly color?: string; readonly blocks?: SlackMessage['blocks'] }>;
};

/** A Block Kit message as the lines an on-call engineer would read, framed, links listed last. */
export function renderSlackText(message: SlackMessage | SlackPayload, maxLines = 30): string[] {
  const links: string[] = [];
  const blocks =
    message.blocks ??
    ('attachments' in message ? message.attachments : undefined)?.flatMap(
      (attachment) => attachment.blocks ?? [],
    ) ??
    [];
  const all = blocks.flatMap((block) => renderBlock(block, links));
  // Long lists stay readable in a terminal; the saved JSON has everything.
  const body =
    all.length > maxLines
      ? [...all.slice(0, maxLines - 1), `… ${all.length - maxLines + 1} more lines in the JSON`]
      : all;
  const shownLinks = links.slice(0, 5);
  return [
    `┌ notification: ${plain(message.text, [])}`,
    ...body.map((line) => `│ ${line}`),
    ...shownLinks.map((url, index) => `│ [${index + 1}] ${url}`),
    ...(links.length > shownLinks.length ? [`│ … ${links.length - shownLinks.length} more links`] : []),
    '└',
  ];
}

/** An SNS message as the queue receives it from a subscription without raw delivery. */
function snsToSqs(message: PublishedMessage, index: number): SqsRecord {
  const envelope = {
    Type: 'Notification',
    MessageId: `5c1b9a3e-0000-4000-8000-${String(index).padStart(12, '0')}`,
    TopicArn: message.topicArn,
    Message: message.message,
    Timestamp: '2026-11-23T00:00:05.000Z',
    SignatureVersion: '1',
    MessageAttributes: Object.fromEntries(
      Object.entries(message.attributes).map(([key, value]) => [key, { Type: 'String', Value: value }]),
    ),
  };
  return { messageId: `demo-finding-${index + 1}`, body: JSON.stringify(envelope), eventSource: 'aws:sqs' };
}

export async function slackStory(context: DemoContext): Promise<void> {
  context.heading('notify-slack: what on-call sees in Slack');
  const { startSlackServer } = await import('../../simulated-account/slack-server');
  const { lambdaContext } = await import('../../simulated-account/lambda-context');
  const { loadEvent } = await import('../../simulated-account/load-event');
  const { stormRecords } = await import('../../simulated-account/notifications');
  const slack = await startSlackServer();
  const parameter = '/netwarden/demo/slack-webhook-url';
  context.sim.ssm.put(parameter, slack.url);
  process.env.SLACK_WEBHOOK_PARAMETER = parameter;
  const { handler } = await import('../../functions/notify-slack/handler');
  const outDir = join(context.outDir, 'slack');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  context.io.out(
    `webhook URL: read from SecureString ${parameter} (never printed); Slack stand-in on 127.0.0.1`,
  );

  let saved = 0;
  const deliver = async (label: string, kind: string, records: SqsRecord[]) => {
    context.io.out(`\n▶ ${label}: ${records.length} SQS message${records.length === 1 ? '' : 's'}`);
    const before = slack.requests.length;
    const response = (await handler(
      { Records: records },
      lambdaContext('netwarden-demo-notify-slack'),
    )) as SqsBatchResponse;
    const posts = slack.requests.slice(before);
    context.io.out(
      `  ${posts.length} Slack message${posts.length === 1 ? '' : 's'}, ${response.batchItemFailures.length} failed`,
    );
    for (const { payload } of posts) {
      saved += 1;
      const file = join(outDir, `${String(saved).padStart(3, '0')}-${kind}.json`);
      writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
      context.io.out('');
      for (const line of renderSlackText(payload)) context.io.out(`  ${line}`);
      context.io.out(`  saved ${file}`);
    }
  };

  // Closed whatever happens: a server left listening would keep `npm start` from exiting after an error.
  try {
    const findings = context.sim.published.map(snsToSqs);
    if (findings.length > 0) await deliver('findings published by the stories above', 'finding', findings);
    else context.io.out('\n(no findings were published by earlier stories)');

    await deliver('CloudWatch alarm via the alarms topic: the NLB has unhealthy targets', 'alarm', [
      { messageId: 'demo-alarm-1', body: JSON.stringify(loadEvent('sns/alarm-unhealthy-hosts.json')) },
    ]);

    const { records } = stormRecords(100);
    await deliver('an alarm storm: 100 alarms change state within a minute', 'alarm-storm', records);
  } finally {
    await slack.close();
  }
}
