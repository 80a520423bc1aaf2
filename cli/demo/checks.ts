/**
 * The seed's operations checklist (운영 체크리스트) running itself. Over the previous day people change
 * security groups — one change netwarden reverts, one on a group it does not guard, one rule whose owner
 * tags it netwarden:ignore (a tag exempts nothing: reverted too, and the tag reported), one removal of a
 * Terraform rule — and netwarden grants a developer temporary
 * access. Then the 09:00 schedule fires: the daily digest, then (it is Monday) the weekly one, as on-call
 * sees them; their Slack payloads are written to out/demo/.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { type Digest, digestText } from '../../shared/audits/digest';
import { lazyGrantStore } from '../../shared/aws/lazy-adapters';
import type { Finding } from '../../shared/findings/finding';
import { accessKey, grantAccessRule } from '../../shared/grants/record';
import { grantLabel } from '../../shared/grants/tags';
import { digestBlocks } from '../../shared/slack/digest-blocks';
import type { CloudTrailEvent } from '../../simulated-account/account';
import {
  ACCOUNT_ID,
  consoleUser,
  GROUPS,
  type Identity,
  iamUser,
  netwardenRole,
} from '../../simulated-account/index';
import { tcp } from '../../simulated-account/permissions';
import type { DemoContext } from './context';

async function revertHandler(events: CloudTrailEvent[]): Promise<void> {
  const { handler } = await import('../../functions/revert-sg-drift/handler');
  const { lambdaContext } = await import('../../simulated-account/lambda-context');
  for (const event of events) await handler(event, lambdaContext('netwarden-demo-revert-sg-drift'));
}

async function yesterday(
  context: DemoContext,
  at: string,
  label: string,
  identity: Identity,
  act: () => Promise<unknown>,
) {
  context.sim.account.clock.set(at);
  const { events } = await context.sim.account.as(identity, act);
  context.io.out(`  ${at.slice(0, 16).replace('T', ' ')}Z  ${label}`);
  await revertHandler(events);
}

/** What grant-access does for a grant: the rule, labelled, and its record (the grant itself). */
async function recordedGrant(ec2: EC2Client): Promise<void> {
  const at = new Date('2026-11-22T03:00:00Z');
  const cidr = '203.0.113.7/32';
  const fields = {
    groupId: GROUPS.postgres,
    access: grantAccessRule(GROUPS.postgres, {
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      peer: { type: 'ipv4', cidr },
    }),
    owner: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/db-oncall/dave@example.com`,
    reason: 'INC-2231 data fix',
    issuedAt: at,
    expiresAt: new Date('2026-11-23T09:00:00Z'),
    createdAt: at,
  };
  // The demo's state table: index.ts starts it and names it in STATE_TABLE_NAME.
  const store = lazyGrantStore(process.env.STATE_TABLE_NAME ?? 'netwarden-demo-state');
  // The temporary-grants story may have left a closed record at this access: a new grant replaces it.
  const earlier = await store.get(fields.groupId, accessKey(fields.access));
  const pending = await store.putPending(fields, earlier?.status === 'closed' ? earlier : undefined);
  const output = await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: GROUPS.postgres,
      IpPermissions: [tcp(5432, cidr, 'grant for dave@example.com')],
      TagSpecifications: [
        {
          ResourceType: 'security-group-rule',
          Tags: Object.entries(grantLabel(fields)).map(([Key, Value]) => ({ Key, Value })),
        },
      ],
    }),
  );
  const ruleId = output.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
  if (!ruleId) throw new Error('the simulated account returned no rule id for the grant');
  await store.markLive(pending, ruleId);
}

async function fire(context: DemoContext, name: 'daily-check' | 'weekly-check'): Promise<Digest> {
  const { lambdaContext } = await import('../../simulated-account/lambda-context');
  const { loadEvent } = await import('../../simulated-account/load-event');
  const { handler } =
    name === 'daily-check'
      ? await import('../../functions/daily-check/handler')
      : await import('../../functions/weekly-check/handler');
  const before = context.sim.published.length;
  const { calls } = await context.callsDuring(() =>
    handler(loadEvent(`schedule/${name}.json`), lambdaContext(`netwarden-demo-${name}`)),
  );
  const published = context.sim.published
    .slice(before)
    .map((message) => JSON.parse(message.message) as Finding);
  const finding = published.find((candidate) => candidate.kind.startsWith('check.'));
  if (!finding) throw new Error(`${name} published no digest`);
  const reads = new Map<string, number>();
  for (const call of calls.filter((call) => call.service !== 'SNS'))
    reads.set(`${call.service}.${call.command}`, (reads.get(`${call.service}.${call.command}`) ?? 0) + 1);
  context.io.out(
    `\n▶ ${name} (schedule 00:00 UTC = 09:00 Asia/Seoul): ${[...reads].map(([call, count]) => `${call}×${count}`).join(', ')}`,
  );
  context.io.out(
    `  writes: ${calls.filter((call) => call.write && call.service !== 'SNS').length}; published finding [${finding.kind}, ${finding.severity}]`,
  );
  const digest = finding.details?.digest as Digest;
  writeFileSync(
    join(context.outDir, `${name}.slack.json`),
    `${JSON.stringify(digestBlocks(digest), null, 2)}\n`,
  );
  return digest;
}

export async function checksStory(context: DemoContext): Promise<void> {
  context.heading('daily-check and weekly-check: the operations checklist runs itself');
  const ec2 = new EC2Client({});
  context.io.out('Sunday, yesterday (times in UTC):');
  await yesterday(
    context,
    '2026-11-22T01:10:00Z',
    'alice@example.com opens 5432 to the world on rds-postgres-sg (console)',
    consoleUser('alice@example.com'),
    () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '0.0.0.0/0', 'quick test')],
        }),
      ),
  );
  await yesterday(
    context,
    '2026-11-22T03:00:00Z',
    'netwarden grant-access gives dave 5432 until 18:00 KST (recorded in the state table, labelled on the rule)',
    netwardenRole('grant-access'),
    () => recordedGrant(ec2),
  );
  await yesterday(
    context,
    '2026-11-22T05:30:00Z',
    'ci-deployer opens 8080 from 10.20.8.0/22 on legacy-app-sg (not guarded; 10.20.0.0/16 already may)',
    iamUser('ci-deployer'),
    () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.legacyApp,
          IpPermissions: [tcp(8080, '10.20.8.0/22', 'app from the batch subnet')],
        }),
      ),
  );
  await yesterday(
    context,
    '2026-11-22T07:45:00Z',
    'erin@example.com adds an SSH rule tagged netwarden:ignore on gateway-instance-sg (a tag exempts nothing)',
    consoleUser('erin@example.com', '198.51.100.9'),
    () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.gateway,
          IpPermissions: [tcp(22, '10.20.1.0/24', 'vendor SSH')],
          TagSpecifications: [
            {
              ResourceType: 'security-group-rule',
              Tags: [{ Key: 'netwarden:ignore', Value: 'vendor upgrade window OPS-42' }],
            },
          ],
        }),
      ),
  );
  await yesterday(
    context,
    '2026-11-22T11:20:00Z',
    'frank@example.com removes the Terraform rule of docdb-sg by hand',
    consoleUser('frank@example.com', '192.0.2.77'),
    () =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.docdb,
          IpPermissions: [tcp([27017, 27019], { group: GROUPS.gateway }, 'MongoDB from Gateway')],
        }),
      ),
  );

  context.sim.account.clock.set('2026-11-23T00:00:00Z');
  const daily = await fire(context, 'daily-check');
  const weekly = await fire(context, 'weekly-check');
  context.io.out(
    `\nSlack payloads: ${join(context.outDir, 'daily-check.slack.json')}, weekly-check.slack.json`,
  );
  context.io.out('\n──── the daily digest, as on-call reads it ────');
  for (const line of digestText(daily)) context.io.out(line);
  context.io.out('\n──── the weekly digest (Monday) ────');
  for (const line of digestText(weekly)) context.io.out(line);
}
