/**
 * The seed's security-group story: a console user opens 5432 to the world on a database group;
 * another adds a rule that duplicates a Terraform rule; Terraform itself adds a rule; someone edits
 * an approved rule in the console; someone removes the protection tag from a group and on-call puts
 * it back; netwarden's own revokes come back through CloudTrail.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
} from '@aws-sdk/client-ec2';
import type { CloudTrailEvent } from '../../simulated-account/account';
import { consoleUser, GROUPS, type Identity, terraform } from '../../simulated-account/index';
import { tcp } from '../../simulated-account/permissions';
import { type DemoContext, formatCall } from './context';

async function replay(context: DemoContext, label: string, events: CloudTrailEvent[]): Promise<void> {
  const { handler } = await import('../../functions/revert-sg-drift/handler');
  const { lambdaContext } = await import('../../simulated-account/lambda-context');
  for (const event of events) {
    const detail = event.detail as { eventName: string; errorCode?: string };
    context.io.out(
      `\n▶ ${label}\n  CloudTrail: ${detail.eventName}${detail.errorCode ? ` (failed: ${detail.errorCode})` : ''}`,
    );
    const published = context.sim.published.length;
    const { result, calls } = await context.callsDuring(() =>
      handler(event, lambdaContext('netwarden-demo-revert-sg-drift')),
    );
    const outcome = result as { status: string; decisions?: string[] };
    context.io.out(
      `  decision: ${outcome.decisions?.length ? outcome.decisions.join(', ') : outcome.status}`,
    );
    for (const call of calls.filter((call) => call.service !== 'SNS'))
      context.io.out(`  ${formatCall(call)}`);
    const findings = context.sim.published
      .slice(published)
      .map(
        (message) =>
          JSON.parse(message.message) as { kind: string; title: string; why: string; outcome: string },
      );
    if (findings.length === 0) context.io.out('  finding: none (left alone)');
    for (const finding of findings)
      context.io.out(
        `  finding [${finding.kind}, ${finding.outcome}]: ${finding.title}\n    why: ${finding.why}`,
      );
  }
}

export async function driftStory(context: DemoContext): Promise<void> {
  context.heading('revert-sg-drift: hand-made security-group changes');
  const ec2 = new EC2Client({});
  const as = async (identity: Identity, act: () => Promise<unknown>) =>
    (await context.sim.account.as(identity, act)).events;

  await replay(
    context,
    'alice@example.com opens PostgreSQL to the world on rds-postgres-sg, in the console',
    await as(consoleUser('alice@example.com'), () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '0.0.0.0/0', 'temp debug')],
        }),
      ),
    ),
  );
  await replay(
    context,
    'bob@example.com adds 3306 from 10.20.8.0/22 to rds-mysql-sg: Terraform already allows 10.20.0.0/16',
    await as(consoleUser('bob@example.com', '198.51.100.77'), () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.mysql,
          IpPermissions: [tcp(3306, '10.20.8.0/22', 'bob test')],
        }),
      ),
    ),
  );
  await replay(
    context,
    'Terraform adds 5432 from the peered VPC to rds-postgres-sg',
    await as(terraform(), () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '10.30.0.0/16', 'PostgreSQL from peered VPC')],
        }),
      ),
    ),
  );
  const approved = [...context.sim.sg.rules.values()].find(
    (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
  );
  await replay(
    context,
    'carol@example.com edits the approved 5432 rule of rds-postgres-sg to come from 10.0.0.0/8 ("Edit inbound rules")',
    await as(consoleUser('carol@example.com', '192.0.2.10'), () =>
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: GROUPS.postgres,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: approved?.SecurityGroupRuleId,
              SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIpv4: '10.0.0.0/8' },
            },
          ],
        }),
      ),
    ),
  );
  await replay(
    context,
    'dan@example.com deletes the netwarden:protect tag from docdb-sg, in the console',
    await as(consoleUser('dan@example.com', '198.51.100.40'), () =>
      ec2.send(new DeleteTagsCommand({ Resources: [GROUPS.docdb], Tags: [{ Key: 'netwarden:protect' }] })),
    ),
  );
  await replay(
    context,
    'on-call puts the tag back: netwarden re-examines all the group’s rules with one read',
    await as(consoleUser('oncall@example.com', '203.0.113.10'), () =>
      ec2.send(
        new CreateTagsCommand({
          Resources: [GROUPS.docdb],
          Tags: [{ Key: 'netwarden:protect', Value: 'true' }],
        }),
      ),
    ),
  );
  const ownEvents = context.sim.account.trail.filter((event) =>
    JSON.stringify(event.detail.userIdentity).includes('netwarden-demo-'),
  );
  await replay(context, "netwarden's own calls come back through CloudTrail", ownEvents.slice(0, 2));
}
