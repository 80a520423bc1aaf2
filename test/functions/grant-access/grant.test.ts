/**
 * grant-access on the simulated account: the rule is created WITH its grant tags in the one
 * Authorize call; a live grant for the same access is extended by re-tagging, never duplicated;
 * a rejected request touches nothing; report mode writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { grantAccess } from '../../../functions/grant-access/grant';
import { handler } from '../../../functions/grant-access/handler';
import { parsePolicy } from '../../../shared/policy/load';
import { lambdaContext } from '../../helpers/context';
import { grantDeps, tagsOf } from '../../helpers/grants';
import { loadEvent } from '../../helpers/load-event';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { GROUPS } from '../../simulated-account/index';

const sim = useSimulation();
const HOUR = 3_600_000;
const request = {
  group: GROUPS.postgres,
  port: 5432,
  cidr: '203.0.113.7/32',
  ttl: '2h',
  reason: 'INC-4821 replication lag',
  owner: 'alice@example.com',
};

const grantRules = () =>
  [...sim.current.sg.rules.values()].filter((rule) => rule.CidrIpv4 === '203.0.113.7/32');

describe('grant-access', () => {
  it('creates the ingress rule with its grant tags in the same Authorize call and publishes grant.created', async () => {
    const mark = sim.current.account.calls.length;

    const outcome = await grantAccess(request, grantDeps(sim.current));

    const calls = callsSince(sim.current, mark);
    expect(calls.writes).toEqual(['AuthorizeSecurityGroupIngress']);
    const authorize = calls.all.find((call) => call.command === 'AuthorizeSecurityGroupIngress');
    expect(authorize?.input).toMatchObject({
      GroupId: GROUPS.postgres,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          IpRanges: [{ CidrIp: '203.0.113.7/32', Description: 'netwarden grant for alice@example.com' }],
        },
      ],
      TagSpecifications: [
        {
          ResourceType: 'security-group-rule',
          Tags: [
            { Key: 'netwarden:grant-expires-at', Value: '2026-11-23T02:00:00Z' },
            { Key: 'netwarden:grant-issued-at', Value: '2026-11-23T00:00:00Z' },
            { Key: 'netwarden:grant-owner', Value: 'alice@example.com' },
            { Key: 'netwarden:grant-reason', Value: 'INC-4821 replication lag' },
            { Key: 'netwarden:grant-access', Value: 'tcp 5432 from 203.0.113.7/32' },
          ],
        },
      ],
    });
    const [created] = grantRules();
    expect(outcome).toMatchObject({
      status: 'granted',
      mode: 'enforce',
      ruleId: created?.SecurityGroupRuleId,
      expiresAt: '2026-11-23T02:00:00Z',
    });
    expect(tagsOf(sim.current, created?.SecurityGroupRuleId ?? '')).toMatchObject({
      'netwarden:grant-expires-at': '2026-11-23T02:00:00Z',
    });
    expect(findingsOf(sim.current)).toEqual([
      expect.objectContaining({
        kind: 'grant.created',
        outcome: 'acted',
        rules: [{ summary: 'tcp 5432 from 203.0.113.7/32', ruleId: created?.SecurityGroupRuleId }],
        details: expect.objectContaining({ owner: 'alice@example.com', expiresAt: '2026-11-23T02:00:00Z' }),
      }),
    ]);
  });

  it('extends a live grant for the same group, port and source by updating its expiry tag, not adding a rule', async () => {
    const first = await grantAccess(request, grantDeps(sim.current));
    sim.current.account.clock.advance(HOUR + 30 * 60_000);
    const mark = sim.current.account.calls.length;

    const second = await grantAccess({ ...request, ttl: '4h' }, grantDeps(sim.current));

    const calls = callsSince(sim.current, mark);
    expect(calls.writes).toEqual(['CreateTags']);
    expect(calls.all.find((call) => call.command === 'CreateTags')?.input).toMatchObject({
      Resources: [first.status === 'granted' ? first.ruleId : 'missing'],
    });
    expect(grantRules()).toHaveLength(1);
    expect(second).toMatchObject({
      status: 'extended',
      ruleId: first.status === 'granted' ? first.ruleId : '',
    });
    expect(tagsOf(sim.current, grantRules()[0]?.SecurityGroupRuleId ?? '')).toMatchObject({
      'netwarden:grant-expires-at': '2026-11-23T05:30:00Z',
      'netwarden:grant-issued-at': '2026-11-23T01:30:00Z',
    });
    expect(findingsOf(sim.current).map((finding) => finding.kind)).toEqual([
      'grant.created',
      'grant.extended',
    ]);
  });

  it('rejects an invalid request with every problem, makes no AWS call and publishes grant.rejected', async () => {
    const mark = sim.current.account.calls.length;

    const outcome = await grantAccess(
      { ...request, port: 22, cidr: '0.0.0.0/0', ttl: '9h' },
      grantDeps(sim.current),
    );

    expect(outcome).toMatchObject({
      status: 'rejected',
      problems: ['port 22 is not grantable', 'cidr 0.0.0.0/0 is not allowed', 'ttl 9h exceeds maxTtl 8h'],
    });
    expect(callsSince(sim.current, mark).all.filter((call) => call.service === 'EC2')).toEqual([]);
    expect(findingsOf(sim.current)).toEqual([
      expect.objectContaining({
        kind: 'grant.rejected',
        outcome: 'no-action',
        why: 'port 22 is not grantable; cidr 0.0.0.0/0 is not allowed; ttl 9h exceeds maxTtl 8h',
      }),
    ]);
  });

  it('rejects a malformed payload by naming the field', async () => {
    const outcome = await grantAccess({ ...request, ttL: '2h' }, grantDeps(sim.current));
    expect(outcome).toMatchObject({ status: 'rejected', problems: [expect.stringContaining('ttL')] });
    expect(sim.current.account.writes().filter((call) => call.service === 'EC2')).toEqual([]);
  });

  it('rejects a group that does not exist (AWS says so), without retrying', async () => {
    const outcome = await grantAccess({ ...request, group: 'sg-0000000000000dead' }, grantDeps(sim.current));
    expect(outcome).toMatchObject({
      status: 'rejected',
      problems: [expect.stringMatching(/^group sg-0000000000000dead does not exist/)],
    });
  });

  it('refuses to turn a permanent rule into a grant', async () => {
    const outcome = await grantAccess(
      { ...request, cidr: undefined, sourceGroup: GROUPS.gateway },
      grantDeps(sim.current),
    );
    expect(outcome).toMatchObject({
      status: 'rejected',
      problems: [
        expect.stringContaining(
          `tcp 5432 from ${GROUPS.gateway} on ${GROUPS.postgres} is already allowed by rule sgr-`,
        ),
      ],
    });
    expect(sim.current.account.writes().filter((call) => call.service === 'EC2')).toEqual([]);
  });

  it('in report mode reads, decides and publishes, but writes nothing', async () => {
    const reportPolicy = parsePolicy(`version: 1
mode: report
grants: { ports: [5432] }
`);
    const outcome = await grantAccess(request, grantDeps(sim.current, { policy: reportPolicy }));

    expect(outcome).toMatchObject({ status: 'granted', mode: 'report', expiresAt: '2026-11-23T02:00:00Z' });
    expect(outcome.status === 'granted' && outcome.ruleId).toBeUndefined();
    expect(sim.current.account.writes().filter((call) => call.service === 'EC2')).toEqual([]);
    expect(findingsOf(sim.current)).toEqual([
      expect.objectContaining({ kind: 'grant.created', outcome: 'would-act' }),
    ]);
  });
});

describe('grant-access handler', () => {
  it('grants the sample direct-invoke payload and returns the rule id and expiry', async () => {
    const result = (await handler(loadEvent('grant/grant-access.json'), lambdaContext())) as {
      status: string;
      ruleId: string;
      expiresAt: string;
    };

    expect(result.status).toBe('granted');
    const tags = tagsOf(sim.current, result.ruleId);
    expect(tags?.['netwarden:grant-expires-at']).toBe(result.expiresAt);
    // The handler's clock is the real one: the tags say two hours, whatever "now" was.
    expect(Date.parse(result.expiresAt) - Date.parse(tags?.['netwarden:grant-issued-at'] ?? '')).toBe(
      2 * HOUR,
    );
  });

  it('returns the problems for a rejected request instead of throwing (a retry would not help)', async () => {
    const result = await handler({ ...loadEvent('grant/grant-access.json'), port: 22 }, lambdaContext());
    expect(result).toEqual({ status: 'rejected', problems: ['port 22 is not grantable'] });
  });
});
