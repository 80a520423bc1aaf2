/**
 * `npm start`: replays the seed's stories on the simulated account, no AWS credentials or network.
 * Stories run in order on one account, each printing the decisions, the AWS calls and the findings.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulatedAccount } from '../../simulated-account/index';
import { startStateTable } from '../../simulated-account/state-table';
import { USAGE } from '../help';
import type { CliCommand } from '../io';
import { checksStory } from './checks';
import type { DemoContext, DemoStory } from './context';
import { driftStory } from './drift';
import { grantsStory } from './grants';
import { slackStory } from './slack';
import { slackAppStory } from './slack-app';
import { stormStory } from './storm';
import { targetsStory } from './targets';

/** `key` is what `netwarden demo <story>` takes (cli/help.ts lists them). */
const STORIES: ReadonlyArray<{ key: string; name: string; story: DemoStory }> = [
  { key: 'drift', name: 'security-group drift', story: driftStory },
  { key: 'targets', name: 'target healing', story: targetsStory },
  { key: 'grants', name: 'temporary grants', story: grantsStory },
  // Renders what the stories before it published, as Slack would show it.
  { key: 'slack', name: 'slack', story: slackStory },
  // App mode: a revert's thread in Slack, an Undo pressed (signed for real) and a forged press refused.
  { key: 'slack-app', name: 'slack app: a thread and a button press', story: slackAppStory },
  // The daily and the weekly digest of the seed's estate.
  { key: 'checks', name: 'daily and weekly checks', story: checksStory },
  // Last: `npm start` ends with the incident runbook (pause, status, undo, resume) after a storm; the
  // deploy's rules it leaves in place would otherwise fill the digests above.
  { key: 'storm', name: 'a storm held back and undone', story: stormStory },
];

/** The stories to run: all, or the one named; undefined when the name is no story's. */
function storiesNamed(args: ReadonlyArray<string>): typeof STORIES | undefined {
  const [only, ...extra] = args;
  if (only === undefined) return STORIES;
  if (extra.length > 0) return undefined;
  const story = STORIES.find(({ key }) => key === only);
  return story ? [story] : undefined;
}

/** The demo's fixed environment: the simulated account's ids and netwarden's demo stage. */
function demoEnvironment(): void {
  process.env.AWS_REGION = 'ap-northeast-2';
  process.env.AWS_ACCESS_KEY_ID = 'simulated';
  process.env.AWS_SECRET_ACCESS_KEY = 'simulated';
  process.env.NETWARDEN_STAGE = 'demo';
  process.env.FINDINGS_TOPIC_ARN = 'arn:aws:sns:ap-northeast-2:111122223333:netwarden-demo-findings';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
}

export const run: CliCommand = async (args, io) => {
  const stories = storiesNamed(args);
  if (!stories) {
    io.err(
      `unknown demo story ${JSON.stringify(args.join(' '))}: one of ${STORIES.map(({ key }) => key).join(', ')}\n${USAGE.demo}`,
    );
    return 2;
  }
  demoEnvironment();
  // netwarden's state table (grants) on dynalite at 127.0.0.1: the handlers find it as they would in AWS.
  const stateTable = await startStateTable('netwarden-demo-state');
  process.env.STATE_TABLE_NAME = stateTable.tableName;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = stateTable.endpoint;
  const outDir = join(process.cwd(), 'out', 'demo');
  mkdirSync(outDir, { recursive: true });
  const sim = createSimulatedAccount();
  const context: DemoContext = {
    sim,
    io,
    outDir,
    heading: (text) => io.out(`\n=== ${text} ${'='.repeat(Math.max(0, 90 - text.length))}`),
    async callsDuring(act) {
      const before = sim.account.calls.length;
      const result = await act();
      return { result, calls: sim.account.calls.slice(before) };
    },
  };
  try {
    for (const { story } of stories) await story(context);
  } finally {
    sim.restore();
    await stateTable.stop();
  }
  io.out(`\nDone. Artefacts in ${outDir}`);
  return 0;
};
