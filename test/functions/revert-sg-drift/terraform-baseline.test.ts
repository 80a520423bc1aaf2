/**
 * revert-sg-drift with the optional Terraform-state baseline (deps.extraBaseline): a rule Terraform
 * approved is restored when removed by hand, and allowed when added by hand — on protected groups only,
 * with one S3 read per cache period.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { describeDecision, type RevertDeps } from '../../../functions/revert-sg-drift/revert';
import { ec2SecurityGroups } from '../../../shared/aws/ec2/security-groups';
import { s3TerraformStateObjects } from '../../../shared/aws/s3';
import { snsPublisher } from '../../../shared/aws/sns';
import { protectedGroups, recentEvents } from '../../../shared/sg/protected-groups';
import { stateBaselineLoader } from '../../../shared/terraform/baseline-loader';
import { consoleUser, GROUPS } from '../../../simulated-account/index';
import { callsOf, SELF_ROLES, TOPIC, testPolicy } from '../../helpers/audits';
import { revertEvent, SIMULATED_HOME } from '../../helpers/revert';
import { useSimulation } from '../../helpers/simulation';

const simulation = useSimulation();
const docdbRule: IpPermission = {
  IpProtocol: 'tcp',
  FromPort: 27017,
  ToPort: 27019,
  UserIdGroupPairs: [{ GroupId: GROUPS.gateway }],
};

function deps(withState: boolean): RevertDeps {
  const sim = simulation.current;
  const policy = testPolicy();
  const sg = ec2SecurityGroups(new EC2Client({}));
  const loader = stateBaselineLoader(
    policy.terraformState,
    s3TerraformStateObjects(() => new S3Client({})).read,
    sim.account.clock.now,
  );
  return {
    sg,
    publish: snsPublisher(new SNSClient({}), TOPIC),
    now: sim.account.clock.now,
    policy,
    selfRoles: SELF_ROLES,
    protectedGroups: protectedGroups(policy, sg, sim.account.clock.now),
    recent: recentEvents(),
    home: SIMULATED_HOME,
    grants: { get: async () => undefined },
    ...(withState ? { extraBaseline: loader.forGroup } : {}),
  };
}

async function removeDocdbRuleByHand() {
  const { events } = await simulation.current.account.as(consoleUser('frank@example.com'), () =>
    new EC2Client({}).send(
      new RevokeSecurityGroupIngressCommand({ GroupId: GROUPS.docdb, IpPermissions: [docdbRule] }),
    ),
  );
  return events[0];
}

describe('revert-sg-drift with a Terraform-state baseline', () => {
  it('restores a Terraform rule removed by hand from a group the policy gives no baseline', async () => {
    const withState = deps(true);
    const outcome = await revertEvent(await removeDocdbRuleByHand(), withState);
    expect(outcome.status === 'decided' && outcome.decisions.map(describeDecision)).toEqual([
      'restore:baseline',
    ]);
    expect(
      [...simulation.current.sg.rules.values()].some(
        (rule) =>
          rule.GroupId === GROUPS.docdb &&
          rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway &&
          rule.FromPort === 27017,
      ),
    ).toBe(true);
    // A second event within the cache period costs no second S3 read.
    await revertEvent(await removeDocdbRuleByHand(), withState);
    expect(callsOf(simulation.current, 'GetObject')).toHaveLength(1);
  });

  it('without it (the dependency is optional), nothing is restored, as before', async () => {
    const outcome = await revertEvent(await removeDocdbRuleByHand(), deps(false));
    expect(outcome.status === 'decided' && outcome.decisions.map(describeDecision)).toEqual([
      'ignore:nothing-to-restore',
    ]);
    expect(callsOf(simulation.current, 'GetObject')).toHaveLength(0);
  });

  it('allows a hand-made rule that Terraform approves, and does not read state for unprotected groups', async () => {
    const sim = simulation.current;
    for (const [id, rule] of sim.sg.rules) if (rule.GroupId === GROUPS.docdb) sim.sg.rules.delete(id);
    const { events } = await sim.account.as(consoleUser('gina@example.com'), () =>
      new EC2Client({}).send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: GROUPS.docdb, IpPermissions: [docdbRule] }),
      ),
    );
    const outcome = await revertEvent(events[0], deps(true));
    expect(outcome.status === 'decided' && outcome.decisions.map(describeDecision)).toEqual([
      'ignore:approved',
    ]);

    const before = callsOf(sim, 'GetObject').length;
    const legacy = await sim.account.as(consoleUser('gina@example.com'), () =>
      new EC2Client({}).send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.legacyApp,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 81, ToPort: 81, IpRanges: [{ CidrIp: '10.20.0.0/16' }] },
          ],
        }),
      ),
    );
    await revertEvent(legacy.events[0], deps(true));
    expect(callsOf(sim, 'GetObject')).toHaveLength(before);
  });

  it('reads no Terraform state when the guardrails alone revoke every rule the change opens', async () => {
    const sim = simulation.current;
    const worldOpen = (groupId: string, port: number) =>
      sim.account.as(consoleUser('hugo@example.com'), () =>
        new EC2Client({}).send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
            ],
          }),
        ),
      );
    const guardrail = await worldOpen(GROUPS.docdb, 27017);
    const outcome = await revertEvent(guardrail.events[0], deps(true));
    expect(outcome.status === 'decided' && outcome.decisions.map(describeDecision)).toEqual([
      'revoke:guardrail',
    ]);
    expect(callsOf(sim, 'RevokeSecurityGroupIngress')).toHaveLength(1);
    expect(callsOf(sim, 'GetObject')).toHaveLength(0);

    // A rule no guardrail forbids is judged against the baseline, so the state is read for it.
    const drift = await worldOpen(GROUPS.docdb, 8080);
    const judged = await revertEvent(drift.events[0], deps(true));
    expect(judged.status === 'decided' && judged.decisions.map(describeDecision)).toEqual(['revoke:drift']);
    expect(callsOf(sim, 'GetObject')).toHaveLength(1);
  });
});
