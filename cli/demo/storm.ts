/**
 * The storm story (issue 16): a new deploy role, missing from trustedPrincipals, adds a dozen rules to
 * one database group. netwarden reverts them as drift until the blast-radius budget is used up (5
 * writes per group and window in the shipped policy), says so in one critical finding and holds the
 * rest back in report mode. On-call follows the runbook (docs/operations.md): `netwarden pause`,
 * `netwarden status`, `netwarden undo --since …` to reverse what netwarden did, and `netwarden resume`;
 * the group's rules are compared before and after.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { CloudTrailEvent } from '../../simulated-account/account';
import { assumedRole, consoleUser, GROUPS } from '../../simulated-account/index';
import { tcp } from '../../simulated-account/permissions';
import type { CliCommand, CliIo } from '../io';
import type { DemoContext } from './context';

const CHANGES = 12;
const DEPLOY = assumedRole('payments-deploy', 'deploy-run-7731', {
  sourceIp: '52.78.10.77',
  userAgent: 'aws-sdk-js/3.900.0 ua/2.1 os/linux lang/js md/nodejs#22',
});
const rules = (count: number) => `${count} rule${count === 1 ? '' : 's'}`;
const ONCALL = consoleUser('oncall@example.com', '203.0.113.10');

/** The group's ingress rules as they compare: access and description, not the ids AWS gave them. */
function rulesOf(context: DemoContext, groupId: string): string[] {
  return [...context.sim.sg.rules.values()]
    .filter((rule) => rule.GroupId === groupId && !rule.IsEgress)
    .map((rule) =>
      [
        rule.IpProtocol,
        rule.FromPort,
        rule.ToPort,
        rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.ReferencedGroupInfo?.GroupId ?? rule.PrefixListId,
        rule.Description ?? '',
      ].join(' '),
    )
    .sort();
}

/**
 * The commands the story runs, loaded as cli/commands.ts loads them. Not through cli/main.ts: main loads
 * commands.ts, which loads this story, and the import graph would close a cycle.
 */
const STORY_COMMANDS = {
  pause: () => import('../pause').then((module) => module.pause),
  resume: () => import('../pause').then((module) => module.resume),
  status: () => import('../pause').then((module) => module.status),
  undo: () => import('../undo').then((module) => module.undo),
} satisfies Record<string, () => Promise<CliCommand>>;
type StoryCommand = keyof typeof STORY_COMMANDS;

/** Runs a CLI command as on-call, printing `$ netwarden …` and what it printed (`keep` chooses lines). */
async function command(
  context: DemoContext,
  args: string[],
  keep: (lines: string[]) => string[] = (lines) => lines,
): Promise<number> {
  const [name, ...rest] = args;
  const load =
    name !== undefined && name in STORY_COMMANDS ? STORY_COMMANDS[name as StoryCommand] : undefined;
  if (!load) throw new Error(`the storm story runs no command ${JSON.stringify(name)}`);
  const run = await load();
  const lines: string[] = [];
  const io: CliIo = { out: (line) => lines.push(line), err: (line) => lines.push(line) };
  context.io.out(
    `\n$ netwarden ${args.map((arg) => (/\s/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}`,
  );
  const { result, error } = await context.sim.account.as(ONCALL, () => run(rest, io));
  if (error) throw error;
  for (const line of keep(lines.flatMap((line) => line.split('\n')))) context.io.out(`  ${line}`);
  return result as number;
}

/** Undo's output without the JSON of each finding, and its plan cut to its first reversal. */
function undoSummary(lines: string[]): string[] {
  const plan = lines.filter((line) => line.startsWith('  reverse') || line.startsWith('  leave'));
  const shownPlan = lines.findIndex((line) => line.startsWith('  reverse'));
  const reversals = lines.filter((line) => /^(Undone|Already as before|Undo failed)/.test(line));
  return [
    ...lines.filter((line) => line.startsWith('undo of')),
    ...(shownPlan >= 0 ? lines.slice(shownPlan, shownPlan + 2) : []),
    ...(plan.length > 1 ? [`  … and ${plan.length - 1} more like it`] : []),
    ...reversals.slice(0, 1),
    ...(reversals.length > 1 ? [`… ${reversals.length - 1} more, each a safety.undone finding`] : []),
    ...lines.filter((line) => line.startsWith('undone:') || line.startsWith('nothing')),
  ];
}

export async function stormStory(context: DemoContext): Promise<void> {
  context.heading('storm: a deploy role missing from trustedPrincipals, held back and undone');
  const group = GROUPS.redis;
  // Parameter Store stamps the kill switch with the simulated clock: here it shows the time of day the
  // CLI and the functions see. Put back at the end for the stories after this one.
  const simulatedNow = context.sim.account.clock.now();
  context.sim.account.clock.set(new Date().toISOString());
  try {
    await storm(context, group);
  } finally {
    context.sim.account.clock.set(simulatedNow.toISOString());
  }
}

async function storm(context: DemoContext, group: string): Promise<void> {
  const { handler } = await import('../../functions/revert-sg-drift/handler');
  const { lambdaContext } = await import('../../simulated-account/lambda-context');
  const ec2 = new EC2Client({});
  const before = rulesOf(context, group);

  context.io.out(
    `\n▶ ${String(DEPLOY.userIdentity.arn)} (not in trustedPrincipals) adds ${CHANGES} Redis rules to elasticache-redis-sg (${group}), one call each`,
  );
  const events: CloudTrailEvent[] = [];
  for (let n = 1; n <= CHANGES; n += 1) {
    const { events: trail, error } = await context.sim.account.as(DEPLOY, () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: group,
          IpPermissions: [tcp(6379, `10.77.${n}.0/24`, `payments worker pool ${n}`)],
        }),
      ),
    );
    if (error) throw error;
    events.push(...trail);
  }
  const deployed = rulesOf(context, group);
  context.io.out(`  ${group}: ${rules(before.length)} before the deploy, ${deployed.length} after it`);

  context.io.out(`\n▶ revert-sg-drift receives the ${events.length} CloudTrail events`);
  const published = context.sim.published.length;
  const { calls } = await context.callsDuring(async () => {
    for (const event of events) await handler(event, lambdaContext('netwarden-demo-revert-sg-drift'));
  });
  const writes = calls.filter((call) => call.write && call.service === 'EC2');
  const findings = context.sim.published
    .slice(published)
    .map(
      (message) =>
        JSON.parse(message.message) as { kind: string; outcome: string; title: string; why: string },
    );
  const count = (outcome: string) =>
    findings.filter((finding) => finding.kind === 'sg.drift' && finding.outcome === outcome).length;
  context.io.out(
    `  ${writes.length} writes made: ${[...new Set(writes.map((call) => `EC2.${call.command}`))].join(', ')} × ${writes.length} on ${group}`,
  );
  context.io.out(
    `  findings: sg.drift acted ${count('acted')}, held back (would-act, budget note) ${count('would-act')}`,
  );
  for (const finding of findings.filter((finding) => finding.kind === 'safety.budget-exhausted'))
    context.io.out(
      `  finding [${finding.kind}, ${finding.outcome}]: ${finding.title}\n    why: ${finding.why}`,
    );
  const held = findings.find((finding) => finding.kind === 'sg.drift' && finding.outcome === 'would-act');
  if (held) context.io.out(`  first held back: ${held.title}`);
  const afterStorm = rulesOf(context, group);
  context.io.out(
    `  ${group}: ${afterStorm.length} rules now (${deployed.length - afterStorm.length} revoked)`,
  );

  context.io.out('\n▶ on-call follows the runbook (docs/operations.md): pause first, then look, then undo');
  await command(context, [
    'pause',
    '--stage',
    'demo',
    '--reason',
    'storm of reverts on elasticache-redis-sg: payments-deploy is a new deploy role',
  ]);
  await command(context, ['status', '--stage', 'demo']);
  const beforeUndo = context.sim.published.length;
  await command(
    context,
    ['undo', '--stage', 'demo', '--since', '15m', '--group', group, '--yes'],
    undoSummary,
  );
  // Each reversal is a finding of its own on the findings topic, on its way to Slack like netwarden's.
  const undoneFindings = context.sim.published
    .slice(beforeUndo)
    .filter((message) => message.attributes.kind === 'safety.undone');
  const topics = [...new Set(undoneFindings.map((message) => message.topicArn.split(':').at(-1)))];
  context.io.out(
    `  published: ${undoneFindings.length} safety.undone findings to ${topics.join(', ') || 'no topic'}, one per reversal (on to notify-slack)`,
  );
  await command(context, ['resume', '--stage', 'demo']);

  const undone = rulesOf(context, group);
  const same = undone.length === deployed.length && undone.every((rule, index) => rule === deployed[index]);
  context.io.out(
    `\n▶ ${group} compared: ${deployed.length} rules after the deploy, ${afterStorm.length} after netwarden, ${undone.length} after the undo: ${
      same ? 'exactly the rules the deploy left' : 'NOT the rules the deploy left'
    }`,
  );
  context.io.out(
    '  next: add the deploy role to trustedPrincipals (or take its rules into the baseline) before the next deploy',
  );
}
