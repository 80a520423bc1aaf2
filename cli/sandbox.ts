/**
 * `netwarden sandbox` (npm run sandbox): the simulated account with the seed's estate, served over
 * HTTP on 127.0.0.1 until Ctrl-C. Point the CLI, `osls invoke local` or any AWS SDK or CLI at it with
 * the environment it prints, and watch every call arrive. Each security-group write it receives is
 * also written as the CloudTrail event AWS would deliver, ready to hand to revert-sg-drift.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMMAND_HELP } from './help';
import type { CliIo } from './io';

const HELP = COMMAND_HELP.sandbox.help;

const NETWARDEN_KEY = 'netwarden';

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

export async function run(args: string[], io: CliIo, until: Promise<void> = interrupted()): Promise<number> {
  if (args.includes('--help')) {
    io.out(HELP);
    return 0;
  }
  const portText = option(args, '--port') ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`--port: expected a port number 0-65535, got ${JSON.stringify(portText)}`);
    return 2;
  }
  const eventsDir = resolve(option(args, '--events') ?? join('.sandbox', 'events'));
  mkdirSync(eventsDir, { recursive: true });

  const [
    { createSimulatedAccount, ACCOUNT_ID, consoleUser, netwardenRole },
    { serveSimulation },
    { startStateTable },
    { installStack },
  ] = await Promise.all([
    import('../simulated-account/index'),
    import('../simulated-account/endpoint'),
    import('../simulated-account/state-table'),
    import('../simulated-account/cloudformation'),
  ]);
  const sim = createSimulatedAccount();
  const table = await startStateTable('netwarden-sandbox-state');
  const findingsTopic = `arn:aws:sns:${sim.account.region}:${ACCOUNT_ID}:netwarden-sandbox-findings`;
  // `osls invoke local` (stage dev) resolves the functions' !Refs from the netwarden-dev stack's resources.
  installStack(sim.account, 'netwarden-dev', {
    StateTable: { type: 'AWS::DynamoDB::Table', physicalId: table.tableName },
    FindingsTopic: { type: 'AWS::SNS::Topic', physicalId: findingsTopic },
  });
  // Only the HTTP endpoint answers: this process makes no AWS calls of its own.
  sim.restore();
  // Calls signed with the key netwarden's functions get are netwarden's own; any other key is a person
  // at the console, so that revert-sg-drift judges their changes as it would in an account.
  const served = await serveSimulation(sim, {
    port,
    identityOf: (key) =>
      key === NETWARDEN_KEY ? netwardenRole('revert-sg-drift', 'sandbox') : consoleUser(`${key}@example.com`),
  });
  const region = sim.account.region;

  io.out(`netwarden sandbox: the seed's estate (account ${ACCOUNT_ID}, ${region}) on ${served.url}`);
  io.out('In another shell:');
  for (const line of [
    `export AWS_ENDPOINT_URL=${served.url}`,
    `export AWS_ENDPOINT_URL_DYNAMODB=${table.endpoint}`,
    `export AWS_REGION=${region} AWS_ACCESS_KEY_ID=${NETWARDEN_KEY} AWS_SECRET_ACCESS_KEY=sandbox`,
    `export STATE_TABLE_NAME=${table.tableName}`,
    `export FINDINGS_TOPIC_ARN=${findingsTopic}`,
  ])
    io.out(`  ${line}`);
  io.out('  (that key acts as netwarden; sign with any other key id, e.g. alice, to act as a person)');
  io.out(`CloudTrail events of security-group writes go to ${eventsDir}; Ctrl-C stops.`);

  let calls = 0;
  let events = 0;
  const watch = setInterval(() => {
    for (const call of sim.account.calls.slice(calls)) {
      io.out(
        `${call.write ? 'write' : 'read '} ${call.service} ${call.command}${call.error ? ` → ${call.error}` : ''}`,
      );
    }
    calls = sim.account.calls.length;
    for (const event of sim.account.trail.slice(events)) {
      events += 1;
      const file = join(eventsDir, `${String(events).padStart(4, '0')}-${event.detail.eventName}.json`);
      writeFileSync(file, `${JSON.stringify(event, null, 2)}\n`);
      io.out(`  CloudTrail event → ${file}`);
    }
    for (const message of sim.published.splice(0))
      io.out(`  finding published: ${message.message.slice(0, 200)}`);
  }, 200);

  await until;
  clearInterval(watch);
  await served.close();
  await table.stop();
  io.out('sandbox stopped');
  return 0;
}

function interrupted(): Promise<void> {
  return new Promise((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
}
