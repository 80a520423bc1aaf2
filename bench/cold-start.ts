/**
 * The headline of `npm run bench`: the cold first event of each function. A fresh node process with
 * the deployed environment (the template's NODE_OPTIONS included) imports the packaged handler the
 * way Lambda's runtime does and handles one real event against the simulated account's HTTP
 * endpoint (and the state table in dynalite, Slack at a local stand-in), up to the published finding.
 * The same event goes, in the same run and interleaved round by round, to a naive bundle of the same
 * source (esbuild, CommonJS, one file, no care taken), to the shipped bundle run with
 * `NODE_OPTIONS=--enable-source-maps` (what the functions deployed with until the maps were read only
 * when an error is logged, shared/source-maps.ts: the decision stays measured), and a bare `node` start
 * is timed beside them.
 *
 * Each child reports its own CPU time (user + system): on a shared machine wall time moves with
 * whatever else runs, CPU time much less. Targets are judged on CPU; wall time is reported beside it.
 */

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { build } from 'esbuild';
import { grantStore } from '../shared/aws/state-table/grants';
import type { Finding } from '../shared/findings/finding';
import { serveSimulation } from '../simulated-account/endpoint';
import {
  ACCOUNT_ID,
  consoleUser,
  createSimulatedAccount,
  GATEWAY_INSTANCES,
  GROUPS,
  type Simulation,
  stopInstance,
} from '../simulated-account/index';
import { loadEvent } from '../simulated-account/load-event';
import { tcp } from '../simulated-account/permissions';
import { blockActionsPayload, signedSlackRequest } from '../simulated-account/slack-request';
import { startSlackServer } from '../simulated-account/slack-server';
import {
  type SlackWebApiStandIn,
  STAND_IN_BOT_TOKEN,
  startSlackWebApi,
} from '../simulated-account/slack-web-api';
import { createStateTable, type StateTable, startStateTable } from '../simulated-account/state-table';
import { seedGrants } from '../test/helpers/grants';
import {
  type ColdStartUsage,
  invokePackaged,
  type PackagedFunction,
  topicArn,
  unpackFunction,
} from '../test/helpers/lambda-runtime';
import type { Packaged } from '../test/helpers/packaged';
import { median } from './measure';

const REGION = 'ap-northeast-2';
const HOUR = 3_600_000;
/** slack-interact's press: a channel the Slack Web API stand-in knows, and a person the policy lets revoke. */
const PRESS_CHANNEL = 'C0DBONCALL01';
const PRESSER = 'U012ABCDEF'; // alice in netwarden.policy.yml's people: may undo, extend, revoke
const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';

/** One fresh account, endpoint and state table per cold start: every variant meets the same estate. */
interface Stage {
  readonly sim: Simulation;
  readonly table: StateTable;
}

interface FirstEvent {
  readonly what: string;
  readonly event: (stage: Stage) => Promise<unknown>;
  /** The function talks to Slack's Web API (a stand-in on 127.0.0.1, given as SLACK_API_BASE_URL). */
  readonly slackWebApi?: boolean;
}

/**
 * A button press as Slack posts it to slack-interact's Function URL (auth NONE): the form body, signed
 * with the app's signing secret just now, so the function verifies it before anything else.
 */
function signedPress(action: string, value: string): unknown {
  const ts = `${Math.floor(Date.now() / 1000)}.000100`;
  const payload = blockActionsPayload({
    userId: PRESSER,
    channel: PRESS_CHANNEL,
    messageTs: ts,
    actionId: `netwarden:${action}`,
    value,
  });
  return signedSlackRequest(payload, SIGNING_SECRET, String(Math.floor(Date.now() / 1000)));
}

/** The real event each function gets, made on a fresh stage (untimed: the parent does it). */
const FIRST_EVENTS: Readonly<Record<string, FirstEvent>> = {
  revertSgDrift: {
    what: 'a console rule opening 5432 to the world, revoked',
    event: async ({ sim }) => {
      const { events } = await sim.account.as(consoleUser('alice@example.com'), () =>
        new EC2Client({}).send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: GROUPS.postgres,
            IpPermissions: [tcp(5432, '0.0.0.0/0')],
          }),
        ),
      );
      return events[0];
    },
  },
  healTargets: {
    what: 'UnHealthyHostCount alarm, a stopped gateway instance started',
    event: async ({ sim }) => {
      stopInstance(sim, GATEWAY_INSTANCES[0]);
      return loadEvent('cloudwatch/unhealthy-host-count-alarm.json');
    },
  },
  grantAccess: {
    what: 'a Function URL request, the grant recorded and its rule created',
    event: async () => loadEvent('grant/function-url-post-grants.json'),
  },
  expireGrants: {
    what: 'the schedule, one due grant revoked and closed',
    event: async ({ sim, table }) => {
      await seedGrants(sim, table.store, {
        groups: 1,
        grants: 1,
        issuedAt: new Date(Date.now() - 2 * HOUR),
        ttlMs: HOUR,
      });
      return loadEvent('schedule/expire-grants.json');
    },
  },
  notifySlack: {
    what: 'an SQS batch of an alarm and a finding, two Slack posts',
    event: async () => loadEvent('sqs/batch-alarm-and-finding.json'),
  },
  slackInteract: {
    what: 'a signed press of Revoke now on a live grant: verified, the rule revoked, the grant closed, the presser told',
    slackWebApi: true,
    event: async ({ sim, table }) => {
      sim.ssm.put('/netwarden/prod/slack-signing-secret', SIGNING_SECRET, 'SecureString');
      sim.ssm.put('/netwarden/prod/slack-bot-token', STAND_IN_BOT_TOKEN, 'SecureString');
      const [ruleId = ''] = await seedGrants(sim, table.store, {
        groups: 1,
        grants: 1,
        issuedAt: new Date(Date.now() - 60_000),
        ttlMs: HOUR,
      });
      return signedPress('revoke', ruleId);
    },
  },
  dailyCheck: {
    what: "the schedule, the seed estate's daily digest published",
    event: async () => loadEvent('schedule/daily-check.json'),
  },
  weeklyCheck: {
    what: "the schedule, the seed estate's weekly digest published",
    event: async () => loadEvent('schedule/weekly-check.json'),
  },
};

export type Variant = 'shipped' | 'shippedWithSourceMaps' | 'naive';
const VARIANTS: readonly Variant[] = ['shipped', 'shippedWithSourceMaps', 'naive'];

export interface ColdStartSample extends ColdStartUsage {
  /** Wall time of the child from spawn to exit, as the parent saw it. */
  readonly wallMs: number;
}

export interface ColdFirstEventResult {
  readonly function: string;
  readonly event: string;
  /** What every variant did, which must agree: AWS writes, finding kinds, Slack posts. */
  readonly effect: string;
  readonly rounds: number;
  /** Medians per variant, and of a bare `node` start. */
  readonly medians: Readonly<Record<Variant | 'bareNode', ColdStartSample>>;
  /** CPU beyond a bare node start, shipped (deployed settings) over naive: the judged figure. */
  readonly cpuRatioToNaive: number;
  /** The same on wall time, reported beside it. */
  readonly wallRatioToNaive: number;
  /** The same with --enable-source-maps added to the deployed NODE_OPTIONS. */
  readonly cpuRatioWithSourceMaps: number;
}

/** The naive bundle of the same handler source, laid out as a task root the runtime can import. */
async function naiveTaskRoot(root: string, fn: PackagedFunction, into: string): Promise<PackagedFunction> {
  const modulePath = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
  const outfile = join(into, `${modulePath}.js`);
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(root, `${modulePath}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'silent',
  });
  writeFileSync(join(into, 'package.json'), '{ "type": "commonjs" }\n');
  // No build-time embedding: the naive bundle reads and parses the policy file at cold start.
  copyFileSync(join(root, 'netwarden.policy.yml'), join(into, 'netwarden.policy.yml'));
  return { ...fn, taskRoot: into };
}

/** A bare node start, measured the same way (CPU from the child itself). */
function bareNode(): ColdStartSample {
  const start = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    [
      '-e',
      'const u = process.resourceUsage(); process.stdout.write(JSON.stringify({ bootMs: performance.now(), cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }))',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const usage = JSON.parse(child.stdout.toString('utf8')) as { bootMs: number; cpuMs: number };
  return { ...usage, importMs: 0, firstEventMs: 0, wallMs };
}

function medianSample(samples: readonly ColdStartSample[]): ColdStartSample {
  const of = (pick: (sample: ColdStartSample) => number) => round(median(samples.map(pick)));
  return {
    bootMs: of((sample) => sample.bootMs),
    importMs: of((sample) => sample.importMs),
    firstEventMs: of((sample) => sample.firstEventMs),
    cpuMs: of((sample) => sample.cpuMs),
    wallMs: of((sample) => sample.wallMs),
  };
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const beyond = (value: number, bare: number, naive: number) =>
  round((value - bare) / Math.max(1, naive - bare), 2);

export async function benchColdFirstEvents(options: {
  root: string;
  packaged: Packaged;
  scratch: string;
  rounds: number;
  only?: readonly string[];
  step: (text: string) => void;
}): Promise<ColdFirstEventResult[]> {
  const dynalite = await startStateTable('netwarden-prod-state');
  const results: ColdFirstEventResult[] = [];
  try {
    for (const [key, scenario] of Object.entries(FIRST_EVENTS)) {
      if (options.only && !options.only.includes(key)) continue;
      const shipped = unpackFunction(options.packaged, key);
      const naive = await naiveTaskRoot(options.root, shipped, join(options.scratch, 'naive', key));
      const samples: Record<Variant | 'bareNode', ColdStartSample[]> = {
        shipped: [],
        shippedWithSourceMaps: [],
        naive: [],
        bareNode: [],
      };
      const effects = new Set<string>();
      options.step(`cold first event of ${key} (${options.rounds} rounds × ${VARIANTS.length} variants)`);
      try {
        for (let round = 0; round < options.rounds; round += 1) {
          samples.bareNode.push(bareNode());
          for (const variant of VARIANTS) {
            const fn = variant === 'naive' ? naive : shipped;
            const environment: Record<string, string> =
              variant === 'shippedWithSourceMaps' ? { NODE_OPTIONS: '--enable-source-maps' } : {};
            const { sample, effect } = await coldStart(key, fn, dynalite, options.packaged, environment);
            samples[variant].push(sample);
            effects.add(effect);
          }
        }
      } finally {
        shipped.remove();
      }
      // Every variant, every round, must have done the same thing, or the comparison means nothing.
      if (effects.size !== 1)
        throw new Error(`${key}: the variants did different things: ${[...effects].join(' | ')}`);
      const medians = {
        shipped: medianSample(samples.shipped),
        shippedWithSourceMaps: medianSample(samples.shippedWithSourceMaps),
        naive: medianSample(samples.naive),
        bareNode: medianSample(samples.bareNode),
      };
      const bare = medians.bareNode;
      results.push({
        function: String(shipped.name).replace(/^netwarden-[^-]+-/, ''),
        event: scenario.what,
        effect: [...effects][0] ?? '',
        rounds: options.rounds,
        medians,
        cpuRatioToNaive: beyond(medians.shipped.cpuMs, bare.cpuMs, medians.naive.cpuMs),
        wallRatioToNaive: beyond(medians.shipped.wallMs, bare.wallMs, medians.naive.wallMs),
        cpuRatioWithSourceMaps: beyond(medians.shippedWithSourceMaps.cpuMs, bare.cpuMs, medians.naive.cpuMs),
      });
    }
  } finally {
    await dynalite.stop();
  }
  return results;
}

/** One cold start of `fn` on a fresh stage; fails loudly if the handler failed or did nothing. */
export async function coldStart(
  key: string,
  fn: PackagedFunction,
  dynalite: Awaited<ReturnType<typeof startStateTable>>,
  packaged: Packaged,
  environment: Record<string, string>,
): Promise<{ sample: ColdStartSample; effect: string }> {
  const scenario = FIRST_EVENTS[key];
  if (!scenario) throw new Error(`no first event for ${key}`);
  const sim = createSimulatedAccount();
  sim.account.clock.set(new Date().toISOString());
  const endpoint = await serveSimulation(sim);
  const slack = await startSlackServer();
  const webApi: SlackWebApiStandIn | undefined = scenario.slackWebApi
    ? await startSlackWebApi({ channels: [{ id: PRESS_CHANNEL }] })
    : undefined;
  try {
    const tableName = await createStateTable(dynalite.client, 'netwarden-prod-state');
    const table = { ...dynalite, tableName, store: grantStore(dynalite.client, tableName) };
    sim.ssm.put('/netwarden/prod/slack-webhook-url', slack.url);
    const stage: Stage = { sim, table };
    const event = await scenario.event(stage);
    const base = { 'AWS::AccountId': ACCOUNT_ID, 'AWS::Region': REGION, 'AWS::Partition': 'aws' };
    const mark = sim.account.calls.length;
    const start = process.hrtime.bigint();
    // The deadline the child's context counts down from, lifted to two minutes: on a shared 2-core
    // machine a naive bundle can take longer than slack-interact's 10-second timeout, which Lambda meets
    // easily. The bench measures what a cold start costs; the clock must not cut a variant short.
    const deadline = { ...fn, timeoutSeconds: Math.max(fn.timeoutSeconds, 120) };
    const invocation = await invokePackaged(deadline, event, {
      references: {
        ...base,
        StateTable: tableName,
        FindingsTopic: topicArn(packaged.template, 'FindingsTopic', base),
      },
      endpoints: { aws: endpoint.url, dynamodb: dynalite.endpoint },
      environment: { ...(webApi ? { SLACK_API_BASE_URL: webApi.baseUrl } : {}), ...environment },
    });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (invocation.error)
      throw new Error(`${key} failed: ${JSON.stringify(invocation.error)}\n${invocation.logs}`);
    const writes = sim.account.calls
      .slice(mark)
      .filter((call) => call.write && call.service !== 'SNS')
      .map((call) => call.command);
    const findings = sim.published.map((message) => (JSON.parse(message.message) as Finding).kind);
    const webApiCalls = webApi?.calls.map((call) => call.method) ?? [];
    if (findings.length === 0 && slack.requests.length === 0 && webApiCalls.length === 0)
      throw new Error(`${key} published nothing and posted nothing: the cold start did not reach its end`);
    const effect = `writes [${writes.join(', ')}], findings [${findings.join(', ')}], Slack posts ${slack.requests.length}${webApi ? `, Slack Web API [${webApiCalls.join(', ')}]` : ''}`;
    return { sample: { ...invocation.usage, wallMs }, effect };
  } finally {
    await webApi?.close();
    await slack.close();
    await endpoint.close();
    sim.restore();
  }
}
