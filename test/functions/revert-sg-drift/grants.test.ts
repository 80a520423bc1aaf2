/**
 * revert-sg-drift and grants, end to end on the simulated account: grant-access's own Authorize
 * comes back through CloudTrail and is ignored; a hand-made rule with grant tags — valid-looking or
 * not — is revoked as invalid-grant (see shared/grants/judge.ts for why valid tags alone are not trusted).
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { grantAccess } from '../../../functions/grant-access/grant';
import { grantTags } from '../../../shared/grants/grant';
import { grantDeps } from '../../helpers/grants';
import { useRevertHandler } from '../../helpers/revert';
import { useSimulation } from '../../helpers/simulation';
import { consoleUser, GROUPS, netwardenRole } from '../../simulated-account/index';

const sim = useSimulation();
const { invoke } = useRevertHandler(sim);

function handMadeGrant(expiresAt: string) {
  const now = sim.current.account.clock.now();
  const tags = grantTags({
    rule: {
      groupId: GROUPS.postgres,
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      peer: { type: 'ipv4', cidr: '198.51.100.9/32' },
      tags: {},
    },
    issuedAt: now,
    expiresAt: new Date(expiresAt),
    owner: 'mallory',
    reason: 'trust me',
  });
  return sim.current.account.as(consoleUser('mallory@example.com'), () =>
    new EC2Client({}).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '198.51.100.9/32' }] },
        ],
        TagSpecifications: [
          {
            ResourceType: 'security-group-rule',
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          },
        ],
      }),
    ),
  );
}

describe('revert-sg-drift and grants', () => {
  it("ignores grant-access's own Authorize event: the grant stays", async () => {
    const { events, result } = await sim.current.account.as(netwardenRole('grant-access', 'test'), () =>
      grantAccess(
        {
          group: GROUPS.postgres,
          port: 5432,
          cidr: '203.0.113.7/32',
          ttl: '1h',
          reason: 'INC-1',
          owner: 'alice',
        },
        grantDeps(sim.current),
      ),
    );
    const [event] = events;
    if (!event) throw new Error('no CloudTrail event');

    const { result: decided, calls } = await invoke(event);

    expect(decided.decisions).toEqual(['ignore:self']);
    expect(calls.all).toEqual([]);
    expect(sim.current.sg.rules.has(result?.status === 'granted' ? (result.ruleId ?? '') : '')).toBe(true);
  });

  it('revokes a console rule carrying valid-looking grant tags as a forged grant (invalid-grant)', async () => {
    const { events } = await handMadeGrant('2026-11-23T01:00:00Z');
    const [event] = events;
    if (!event) throw new Error('no CloudTrail event');

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:invalid-grant']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'sg.invalid-grant',
        outcome: 'acted',
        why: expect.stringContaining('neither grant-access nor a grantor'),
      }),
    ]);
    expect([...sim.current.sg.rules.values()].some((rule) => rule.CidrIpv4 === '198.51.100.9/32')).toBe(
      false,
    );
  });

  it('revokes a console rule whose grant expiry exceeds maxTtl, saying so', async () => {
    const { events } = await handMadeGrant('2026-11-23T09:00:00Z');
    const [event] = events;
    if (!event) throw new Error('no CloudTrail event');

    const { result, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:invalid-grant']);
    expect(findings[0]?.why).toContain('ttl 9h exceeds maxTtl 8h');
  });
});
