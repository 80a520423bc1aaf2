/**
 * notify-slack on the simulated account, posting to a stand-in Slack on 127.0.0.1: one finding per
 * SQS batch (its steady state), and a 100-alarm storm in one batch.
 */

import { createSimulatedAccount, type Simulation } from '../../simulated-account/index';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { loadEvent } from '../../simulated-account/load-event';
import { stormRecords } from '../../simulated-account/notifications';
import { type SlackServer, startSlackServer } from '../../simulated-account/slack-server';
import { median } from '../measure';
import type { CapabilityResult } from './types';

const PARAMETER = '/netwarden/bench/slack-webhook-url';

/**
 * One simulated account and one stand-in Slack for both benches: the handler module, imported once,
 * keeps the webhook URL it read (as a warm Lambda does), so the Slack it points at must stay up.
 */
let session:
  | Promise<{
      sim: Simulation;
      slack: SlackServer;
      handler: typeof import('../../functions/notify-slack/handler')['handler'];
    }>
  | undefined;

function openSession() {
  session ??= (async () => {
    const sim = createSimulatedAccount();
    const slack = await startSlackServer();
    sim.ssm.put(PARAMETER, slack.url);
    process.env.SLACK_WEBHOOK_PARAMETER = PARAMETER;
    const { handler } = await import('../../functions/notify-slack/handler');
    return { sim, slack, handler };
  })();
  return session;
}

async function closeSession(): Promise<void> {
  if (!session) return;
  const { sim, slack } = await session;
  await slack.close();
  sim.restore();
  session = undefined;
}

export async function benchNotifySlack(events: number): Promise<CapabilityResult> {
  const { sim, slack, handler } = await openSession();
  {
    const batch = loadEvent<{ Records: Array<{ messageId: string; body: string }> }>(
      'sqs/batch-alarm-and-finding.json',
    );
    const finding = batch.Records.find((record) => record.body.includes('netwarden-prod-findings'));
    if (!finding) throw new Error('the sample batch has no finding');
    const times: number[] = [];
    let reads = 0;
    for (let index = -1; index < events; index += 1) {
      const event = { Records: [{ ...finding, messageId: `bench-${index}` }] };
      const mark = sim.account.calls.length;
      const start = process.hrtime.bigint();
      await handler(event, lambdaContext('netwarden-bench-notify-slack'));
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (index < 0) continue;
      times.push(elapsed);
      reads += sim.account.calls.slice(mark).filter((call) => !call.write).length;
    }
    return {
      capability: 'notify-slack (one finding, one post)',
      events,
      readsPerEvent: reads / events,
      writesPerEvent: 0,
      medianHandlerMs: median(times),
      note: `${slack.requests.length} posts to a stand-in Slack on 127.0.0.1; the webhook URL is read from SSM once and cached`,
    };
  }
}

/** Posts sent for 100 alarms changing state in one batch. */
export async function benchSlackStorm() {
  const { slack, handler } = await openSession();
  try {
    const before = slack.requests.length;
    const { records, names } = stormRecords(100);
    await handler({ Records: records }, lambdaContext('netwarden-bench-notify-slack'));
    const posts = slack.requests.slice(before);
    const text = JSON.stringify(posts.map((request) => request.payload));
    const named = names.filter((name) => text.includes(name)).length;
    return {
      alarms: 100,
      posts: posts.length,
      alarmNamesShown: named,
      targets: [
        {
          target: 'Slack: a 100-alarm storm becomes at most 5 posts, naming every alarm',
          actual: `${posts.length} posts, ${named}/100 names`,
          pass: posts.length <= 5 && named === 100,
        },
      ],
    };
  } finally {
    await closeSession();
  }
}
