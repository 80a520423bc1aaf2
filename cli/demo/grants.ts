/**
 * The grants story: alice (a db-oncall session, verified by IAM at the Function URL) gets 5432 on
 * rds-postgres-sg for one hour; a developer is refused, and so is SSH to the world; revert-sg-drift
 * ignores grant-access's own Authorize; mallory tags the approved gateway rule as a grant and is
 * reported for a forged grant; expire-grants warns once and revokes the recorded rule at its expiry,
 * leaving the forged one alone. Grants are records in the state table (dynalite on 127.0.0.1 here).
 */
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { expireGrants } from '../../functions/expire-grants/expire';
import { handleGrantCall } from '../../functions/grant-access/http';
import { ec2SecurityGroups } from '../../shared/aws/ec2/security-groups';
import { ruleTagger } from '../../shared/aws/ec2/tags';
import { lazyGrantStore } from '../../shared/aws/lazy-adapters';
import { snsPublisher } from '../../shared/aws/sns';
import type { Finding } from '../../shared/findings/finding';
import { GRANT_TAGS } from '../../shared/grants/tags';
import { loadPolicy } from '../../shared/policy/load';
import { functionUrlEvent } from '../../simulated-account/function-url';
import { ACCOUNT_ID, consoleUser, GROUPS, netwardenRole } from '../../simulated-account/index';
import { type DemoContext, formatCall } from './context';

const MINUTE = 60_000;
const ALICE = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/db-oncall/alice@example.com`;
const DEVELOPER = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/developer/dave@example.com`;

function grantDeps(context: DemoContext) {
  const ec2 = new EC2Client({});
  return {
    sg: ec2SecurityGroups(ec2),
    tagger: ruleTagger(ec2),
    // The demo's state table: index.ts starts it and names it in STATE_TABLE_NAME.
    store: lazyGrantStore(process.env.STATE_TABLE_NAME ?? 'netwarden-demo-state'),
    publish: snsPublisher(new SNSClient({}), process.env.FINDINGS_TOPIC_ARN ?? ''),
    // The simulated account's clock, which the story moves by hand.
    now: context.sim.account.clock.now,
    policy: loadPolicy(process.env.POLICY_PATH ?? 'netwarden.policy.yml'),
  };
}

async function step<T>(context: DemoContext, label: string, act: () => Promise<T>): Promise<T> {
  context.io.out(`\n▶ ${label}\n  clock: ${context.sim.account.clock.now().toISOString()}`);
  const published = context.sim.published.length;
  const { result, calls } = await context.callsDuring(act);
  for (const call of calls.filter((call) => call.service !== 'SNS')) context.io.out(`  ${formatCall(call)}`);
  const findings = context.sim.published
    .slice(published)
    .map((message) => JSON.parse(message.message) as Finding);
  if (findings.length === 0) context.io.out('  finding: none');
  for (const finding of findings)
    context.io.out(
      `  finding [${finding.kind}, ${finding.outcome}]: ${finding.title}\n    why: ${finding.why}`,
    );
  return result;
}

export async function grantsStory(context: DemoContext): Promise<void> {
  context.heading('grant-access / expire-grants: temporary access that removes itself');
  const deps = grantDeps(context);
  const start = context.sim.account.clock.now().getTime();
  const request = (arn: string, body: Record<string, unknown>) =>
    handleGrantCall(
      functionUrlEvent({ method: 'POST', path: '/grants', body, arn, now: context.sim.account.clock.now() }),
      deps,
    );
  const show = (response: { statusCode: number; body: string }) => {
    const reply = JSON.parse(response.body) as { ruleId?: string; expiresAt?: string; problems?: string[] };
    context.io.out(
      reply.problems
        ? `  → HTTP ${response.statusCode}: ${reply.problems.join('; ')}`
        : `  → HTTP ${response.statusCode}: rule ${reply.ruleId} expires ${reply.expiresAt}`,
    );
  };

  const { result: granted, events } = await context.sim.account.as(netwardenRole('grant-access'), () =>
    step(context, `POST /grants as ${ALICE} (verified by IAM): PostgreSQL from 203.0.113.7/32 for 1h`, () =>
      request(ALICE, {
        group: GROUPS.postgres,
        port: 5432,
        cidr: '203.0.113.7/32',
        ttl: '1h',
        reason: 'INC-4821: check replication lag',
      }),
    ),
  );
  if (granted) show(granted);

  show(
    await step(context, `POST /grants as ${DEVELOPER}, who is not in grants.requesters`, () =>
      request(DEVELOPER, { group: GROUPS.postgres, port: 5432, cidr: '203.0.113.8/32', reason: 'curious' }),
    ),
  );
  show(
    await step(context, 'POST /grants as alice: SSH from anywhere for 9h', () =>
      request(ALICE, { group: GROUPS.postgres, port: 22, cidr: '0.0.0.0/0', ttl: '9h', reason: 'debug' }),
    ),
  );

  const { handler } = await import('../../functions/revert-sg-drift/handler');
  const { lambdaContext } = await import('../../simulated-account/lambda-context');
  const [own] = events;
  if (own) {
    const outcome = (await step(context, "grant-access's Authorize comes back through CloudTrail", () =>
      handler(own, lambdaContext('netwarden-demo-revert-sg-drift')),
    )) as { decisions?: string[] };
    context.io.out(`  decision: ${outcome.decisions?.join(', ')}`);
  }

  const approved = [...context.sim.sg.rules.values()].find(
    (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
  );
  const { events: tagged } = await context.sim.account.as(consoleUser('mallory@example.com'), () =>
    new EC2Client({}).send(
      new CreateTagsCommand({
        Resources: [approved?.SecurityGroupRuleId ?? ''],
        Tags: [{ Key: GRANT_TAGS.expiresAt, Value: context.sim.account.clock.now().toISOString() }],
      }),
    ),
  );
  const [tagEvent] = tagged;
  if (tagEvent) {
    const outcome = (await step(
      context,
      `mallory tags the approved gateway→PostgreSQL rule ${GRANT_TAGS.expiresAt}=now`,
      () => handler(tagEvent, lambdaContext('netwarden-demo-revert-sg-drift')),
    )) as { decisions?: string[] };
    context.io.out(`  decision: ${outcome.decisions?.join(', ')}`);
  }

  context.sim.account.clock.set(new Date(start + 46 * MINUTE).toISOString());
  await step(context, 'expire-grants, 14 minutes before expiry: inside warnBefore (15m)', () =>
    expireGrants(deps),
  );
  context.sim.account.clock.advance(MINUTE);
  await step(context, 'expire-grants, one minute later: already warned, nothing to say', () =>
    expireGrants(deps),
  );
  context.sim.account.clock.set(new Date(start + 60 * MINUTE).toISOString());
  await step(
    context,
    "expire-grants at the expiry: the recorded rule id is revoked, mallory's tag is not",
    () => expireGrants(deps),
  );
  context.sim.account.clock.advance(MINUTE);
  await step(context, 'expire-grants a minute later: nothing left to do', () => expireGrants(deps));
}
