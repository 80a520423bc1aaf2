/**
 * What a revert-sg-drift finding says must be true: a multi-rule event names the rules revoked and
 * the rules left (with why), and a group deleted before netwarden acted is a finding, not a retry.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client, type IpPermission } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { findingMessage } from '../../../shared/slack/format';
import type { CloudTrailEvent } from '../../../simulated-account/account';
import { consoleUser, GROUPS } from '../../../simulated-account/index';
import { tcp } from '../../../simulated-account/permissions';
import { useRevertHandler } from '../../helpers/revert';
import { useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const ec2 = new EC2Client({});
const sim = useSimulation();
useStateTable();
const { actAs, invoke } = useRevertHandler(sim);
const alice = consoleUser('alice@example.com');

function authorize(groupId: string, permissions: IpPermission[]): Promise<CloudTrailEvent> {
  return actAs(alice, () =>
    ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: permissions })),
  );
}

/** The group disappears (deleted by someone, with its rules) after the event was recorded. */
function deleteGroup(groupId: string): void {
  sim.current.sg.groups.delete(groupId);
  for (const [ruleId, rule] of sim.current.sg.rules)
    if (rule.GroupId === groupId) sim.current.sg.rules.delete(ruleId);
}

describe('a multi-rule event', () => {
  it('names the one revoked rule and the two left, with why, in the finding and in Slack', async () => {
    const event = await authorize(GROUPS.legacyApp, [
      tcp(22, '0.0.0.0/0'),
      tcp(443, '0.0.0.0/0'),
      tcp(8080, '10.0.0.0/16'),
    ]);
    const ruleIdOf = (port: number, cidr: string) =>
      [...sim.current.sg.rules.values()].find(
        (rule) => rule.GroupId === GROUPS.legacyApp && rule.FromPort === port && rule.CidrIpv4 === cidr,
      )?.SecurityGroupRuleId;
    const revoked = ruleIdOf(22, '0.0.0.0/0');
    const [https, app] = [ruleIdOf(443, '0.0.0.0/0'), ruleIdOf(8080, '10.0.0.0/16')];

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toContain('revoke:guardrail');
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(findings).toHaveLength(1);
    const why = 'breaches no guardrail, and only guardrails apply to this group';
    expect(findings[0]).toMatchObject({
      kind: 'sg.guardrail-breach',
      outcome: 'acted',
      title: `Guardrail breach on ${GROUPS.legacyApp}: tcp 22 from 0.0.0.0/0 revoked; 2 other rules of the event left as they are`,
      rules: [{ summary: 'tcp 22 from 0.0.0.0/0', ruleId: revoked }],
      left: [
        { summary: 'tcp 443 from 0.0.0.0/0', ruleId: https, why },
        { summary: 'tcp 8080 from 10.0.0.0/16', ruleId: app, why },
      ],
    });
    const slackText = JSON.stringify(
      findingMessage(findings[0] ?? never(), { defaultRegion: 'ap-northeast-2' }),
    );
    expect(slackText).toContain(`*Revoked*\\n• tcp 22 from 0.0.0.0/0 (\`${revoked}\`)`);
    expect(slackText).toContain(`*Left as they are*\\n• tcp 443 from 0.0.0.0/0 (\`${https}\`): ${why}`);
    expect(slackText).toContain(`• tcp 8080 from 10.0.0.0/16 (\`${app}\`): ${why}`);
  });
});

describe('a group deleted before netwarden acted', () => {
  it('is an sg.group-gone finding when the group cannot be described, and nothing is retried', async () => {
    const event = await authorize(GROUPS.postgres, [tcp(5432, '0.0.0.0/0')]);
    deleteGroup(GROUPS.postgres);

    const { result, calls, findings } = await invoke(event);

    expect(result.status).toBe('decided');
    expect(calls.writes).toEqual([]);
    expect(findings).toMatchObject([
      {
        kind: 'sg.group-gone',
        outcome: 'already-done',
        resource: { type: 'security-group', id: GROUPS.postgres },
        rules: [{ summary: 'tcp 5432 from 0.0.0.0/0' }],
        why: expect.stringContaining('InvalidGroup.NotFound'),
      },
    ]);
  });

  it('is an sg.group-gone finding when the revoke answers InvalidGroup.NotFound (group facts cached)', async () => {
    await invoke(await authorize(GROUPS.postgres, [tcp(6379, '0.0.0.0/0')]));
    const event = await authorize(GROUPS.postgres, [tcp(5432, '0.0.0.0/0')]);
    deleteGroup(GROUPS.postgres);

    const { calls, findings } = await invoke(event);

    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(findings).toMatchObject([
      { kind: 'sg.group-gone', outcome: 'already-done', resource: { id: GROUPS.postgres } },
    ]);
  });
});

function never(): never {
  throw new Error('no finding');
}
