/**
 * The grants story: alice gets 5432 on rds-postgres-sg for one hour; a request for SSH to the world
 * is refused; revert-sg-drift ignores netwarden's own Authorize; expire-grants warns once inside the
 * warning window and revokes the grant at its expiry. The use cases run on the simulated clock.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { expireGrants } from '../../functions/expire-grants/expire';
import { grantAccess } from '../../functions/grant-access/grant';
import { securityGroupPort } from '../../shared/aws/ec2';
import { ruleTagger } from '../../shared/aws/ec2-tags';
import { snsPublisher } from '../../shared/aws/sns';
import type { Finding } from '../../shared/findings/finding';
import { loadPolicy } from '../../shared/policy/load';
import { GROUPS, netwardenRole } from '../../test/simulated-account/index';
import { type DemoContext, formatCall } from './context';

const MINUTE = 60_000;

function grantDeps(context: DemoContext) {
  const ec2 = new EC2Client({});
  return {
    sg: securityGroupPort(ec2),
    tagger: ruleTagger(ec2),
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

  const { result: granted, events } = await context.sim.account.as(netwardenRole('grant-access'), () =>
    step(context, 'alice@example.com asks for PostgreSQL on rds-postgres-sg from 203.0.113.7/32 for 1h', () =>
      grantAccess(
        {
          group: GROUPS.postgres,
          port: 5432,
          cidr: '203.0.113.7/32',
          ttl: '1h',
          reason: 'INC-4821: check replication lag',
          owner: 'alice@example.com',
        },
        deps,
      ),
    ),
  );
  if (granted?.status !== 'rejected')
    context.io.out(`  → rule ${granted?.ruleId} expires ${granted?.expiresAt}`);

  const rejected = await step(context, 'bob@example.com asks for SSH from anywhere for 9h', () =>
    grantAccess(
      {
        group: GROUPS.postgres,
        port: 22,
        cidr: '0.0.0.0/0',
        ttl: '9h',
        reason: 'debug',
        owner: 'bob@example.com',
      },
      deps,
    ),
  );
  if (rejected.status === 'rejected') context.io.out(`  → rejected: ${rejected.problems.join('; ')}`);

  const [own] = events;
  if (own) {
    const { handler } = await import('../../functions/revert-sg-drift/handler');
    const { lambdaContext } = await import('../../test/helpers/context');
    const outcome = (await step(context, "grant-access's Authorize comes back through CloudTrail", () =>
      handler(own, lambdaContext('netwarden-demo-revert-sg-drift')),
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
  await step(context, 'expire-grants at the expiry: revoked by rule id', () => expireGrants(deps));
  context.sim.account.clock.advance(MINUTE);
  await step(context, 'expire-grants a minute later: nothing left to do', () => expireGrants(deps));
}
