/**
 * `osls invoke local` against the simulated account's endpoint, as the README tells a user to run it:
 * serverless-esbuild bundles the handler, osls resolves the function's environment (its `!Ref`s
 * through the stack the endpoint answers for) and runs the handler, which reaches the simulated
 * account through AWS_ENDPOINT_URL and the state table through AWS_ENDPOINT_URL_DYNAMODB. Stage dev
 * only reports, so the finding says what enforce mode would do and nothing is written.
 * Slow (it bundles on every run): one test.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings/finding';
import { installStack } from '../../simulated-account/cloudformation';
import { serveSimulation } from '../../simulated-account/endpoint';
import { ACCOUNT_ID, consoleUser, createSimulatedAccount, GROUPS } from '../../simulated-account/index';
import { tcp } from '../../simulated-account/permissions';
import { startStateTable } from '../../simulated-account/state-table';
import { OSLS_ENTRY } from '../helpers/osls';

const ROOT = resolve(import.meta.dirname, '../..');
// Hang limits, not speed targets: bundling and a cold start on a busy machine can take minutes.
const HANG_LIMIT_MS = 600_000;
const TOPIC = `arn:aws:sns:ap-northeast-2:${ACCOUNT_ID}:netwarden-dev-findings`;

let service: string;
beforeAll(() => {
  // A copy of the service, as a user's checkout: the global setup may be packaging this checkout at
  // the same time, and serverless-esbuild builds in the service's own .esbuild folder.
  service = mkdtempSync(join(tmpdir(), 'netwarden-invoke-local-'));
  for (const entry of [
    'serverless.yml',
    'package.json',
    'tsconfig.json',
    'netwarden.policy.yml',
    'functions',
    'shared',
    'tools',
  ])
    cpSync(join(ROOT, entry), join(service, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(service, 'node_modules'));
});
afterAll(() => {
  rmSync(service, { recursive: true, force: true });
});

function osls(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [OSLS_ENTRY, ...args],
      { cwd: service, env, timeout: HANG_LIMIT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`osls ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

it(
  'runs revert-sg-drift on a world-open rule against the endpoint: report mode, no write, the would-act finding',
  async () => {
    const sim = createSimulatedAccount();
    sim.account.clock.set(new Date().toISOString());
    const table = await startStateTable('netwarden-dev-state');
    installStack(sim.account, 'netwarden-dev', {
      StateTable: { type: 'AWS::DynamoDB::Table', physicalId: table.tableName },
      FindingsTopic: { type: 'AWS::SNS::Topic', physicalId: TOPIC },
    });
    const endpoint = await serveSimulation(sim);
    try {
      const { events } = await sim.account.as(consoleUser('alice@example.com'), () =>
        new EC2Client({}).send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: GROUPS.postgres,
            IpPermissions: [tcp(5432, '0.0.0.0/0')],
          }),
        ),
      );
      const [event] = events;
      if (!event) throw new Error('the console write produced no CloudTrail event');
      const eventFile = join(service, 'event.json');
      writeFileSync(eventFile, JSON.stringify(event));
      const mark = sim.account.calls.length;

      const { stdout } = await osls(
        [
          'invoke',
          'local',
          '-f',
          'revertSgDrift',
          '-p',
          eventFile,
          '--stage',
          'dev',
          `--param=accountId=${ACCOUNT_ID}`,
        ],
        {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          SLS_TELEMETRY_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
          AWS_ENDPOINT_URL: endpoint.url,
          AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
          AWS_ACCESS_KEY_ID: 'sandbox',
          AWS_SECRET_ACCESS_KEY: 'sandbox',
          AWS_REGION: 'ap-northeast-2',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      );

      const calls = sim.account.calls.slice(mark);
      expect(calls.filter((call) => call.write && call.service !== 'SNS')).toEqual([]);
      // osls asked the stack for the table behind !Ref StateTable, and the topic behind the dev param.
      expect(calls.filter((call) => call.service === 'CloudFormation').map((call) => call.input)).toEqual([
        { StackName: 'netwarden-dev' },
        { StackName: 'netwarden-dev' },
      ]);
      expect(stdout).toContain('"revoke:guardrail"');
      expect(sim.published.map((message) => message.topicArn)).toEqual([TOPIC]);
      expect(sim.published.map((message) => JSON.parse(message.message) as Finding)).toEqual([
        expect.objectContaining({
          kind: 'sg.guardrail-breach',
          mode: 'report',
          outcome: 'would-act',
          eventId: (event.detail as { eventID: string }).eventID,
        }),
      ]);
      // Report mode: the world-open rule is still there.
      expect(
        [...sim.sg.rules.values()].some(
          (rule) => rule.GroupId === GROUPS.postgres && rule.CidrIpv4 === '0.0.0.0/0',
        ),
      ).toBe(true);
    } finally {
      await endpoint.close();
      await table.stop();
      sim.restore();
    }
  },
  HANG_LIMIT_MS + 60_000,
);
