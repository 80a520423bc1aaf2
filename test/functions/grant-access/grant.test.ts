/**
 * grant-access through its Function URL on the simulated account, with a real state table (dynalite).
 * The requester is the principal AWS verified, never a body field; the grant is the record in the
 * table (written before the rule is created), extended by updating that record; the tags on the rule
 * are only a label. A rejected request, a direct invoke and report mode write nothing.
 */
import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it, vi } from 'vitest';
import { expireGrants } from '../../../functions/expire-grants/expire';
import { handleGrantCall } from '../../../functions/grant-access/http';
import type { SecurityGroups } from '../../../shared/estate/security-groups';
import { accessKey } from '../../../shared/grants/record';
import { parsePolicy } from '../../../shared/policy/load';
import type { Rule } from '../../../shared/rules/rule';
import { ACCOUNT_ID, GROUPS } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import {
  DEVELOPER_MALLORY,
  grantDeps,
  movedOntoGatewayAccess,
  ONCALL_ALICE,
  tagsOf,
  urlEvent,
} from '../../helpers/grants';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const HOUR = 3_600_000;
const body = {
  group: GROUPS.postgres,
  port: 5432,
  cidr: '203.0.113.7/32',
  ttl: '2h',
  reason: 'INC-4821 replication lag',
};
const access: Rule = {
  groupId: GROUPS.postgres,
  direction: 'ingress',
  protocol: 'tcp',
  fromPort: 5432,
  toPort: 5432,
  peer: { type: 'ipv4', cidr: '203.0.113.7/32' },
  tags: {},
};

const call = (event: unknown, overrides: Parameters<typeof grantDeps>[2] = {}) =>
  handleGrantCall(event, grantDeps(sim.current, table.current.store, overrides));
const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;
const grantRules = () =>
  [...sim.current.sg.rules.values()].filter((rule) => rule.CidrIpv4 === '203.0.113.7/32');
const record = () => table.current.store.get(GROUPS.postgres, accessKey(access));
const ec2Writes = (mark: number) => callsSince(sim.current, mark).writes.filter((name) => name !== 'Publish');

describe('POST /grants', () => {
  it('records the grant for the verified principal, then creates the rule with its label in one Authorize call', async () => {
    const mark = sim.current.account.calls.length;

    const response = await call(urlEvent({ body }));

    const [created] = grantRules();
    const ruleId = created?.SecurityGroupRuleId;
    expect(response.statusCode).toBe(201);
    expect(json(response)).toMatchObject({
      status: 'granted',
      mode: 'enforce',
      ruleId,
      owner: ONCALL_ALICE,
      expiresAt: '2026-11-23T02:00:00Z',
    });
    expect(ec2Writes(mark)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(await record()).toMatchObject({
      status: 'live',
      ruleId,
      owner: ONCALL_ALICE,
      expiresAt: new Date('2026-11-23T02:00:00Z'),
    });
    expect(tagsOf(sim.current, ruleId ?? '')).toMatchObject({
      'netwarden:grant-expires-at': '2026-11-23T02:00:00Z',
      'netwarden:grant-owner': ONCALL_ALICE,
    });
    expect(findingsOf(sim.current)).toEqual([
      expect.objectContaining({
        kind: 'grant.created',
        outcome: 'acted',
        rules: [{ summary: 'tcp 5432 from 203.0.113.7/32', ruleId }],
        details: expect.objectContaining({ owner: ONCALL_ALICE, expiresAt: '2026-11-23T02:00:00Z' }),
      }),
    ]);
  });

  it('extends a live grant by a conditional update of its record, not by tags and not with a second rule', async () => {
    await call(urlEvent({ body }));
    const before = await record();
    sim.current.account.clock.advance(HOUR + 30 * 60_000);
    const mark = sim.current.account.calls.length;

    const response = await call(urlEvent({ body: { ...body, ttl: '4h' } }));

    expect(json(response)).toMatchObject({ status: 'extended', ruleId: before?.ruleId });
    expect(grantRules()).toHaveLength(1);
    expect(await record()).toMatchObject({
      ruleId: before?.ruleId,
      expiresAt: new Date('2026-11-23T05:30:00Z'),
      version: (before?.version ?? 0) + 1,
    });
    // Only the label follows the record, for people reading the console.
    expect(ec2Writes(mark)).toEqual(['CreateTags']);
    expect(tagsOf(sim.current, before?.ruleId ?? '')?.['netwarden:grant-expires-at']).toBe(
      '2026-11-23T05:30:00Z',
    );
  });

  it('refuses an owner in the body, naming the field and the verified principal; nothing is created', async () => {
    const mark = sim.current.account.calls.length;

    const response = await call(urlEvent({ body: { ...body, owner: 'bob@example.com' } }));

    expect(response.statusCode).toBe(400);
    expect(json(response).problems).toEqual([
      `owner is not accepted: the owner of a grant is the principal AWS verified (${ONCALL_ALICE})`,
    ]);
    expect(callsSince(sim.current, mark).all.filter((c) => c.service === 'EC2')).toEqual([]);
    expect(await record()).toBeUndefined();
    expect(findingsOf(sim.current)).toEqual([
      expect.objectContaining({
        kind: 'grant.rejected',
        actor: expect.objectContaining({ arn: ONCALL_ALICE }),
      }),
    ]);
  });

  it('refuses a principal that grants.requesters does not list, naming it (403)', async () => {
    const mark = sim.current.account.calls.length;

    const response = await call(urlEvent({ body, arn: DEVELOPER_MALLORY }));

    expect(response.statusCode).toBe(403);
    expect(json(response).problems).toEqual([
      `principal ${DEVELOPER_MALLORY} may not request grants (it matches none of grants.requesters)`,
    ]);
    expect(callsSince(sim.current, mark).all.filter((c) => c.service === 'EC2')).toEqual([]);
    expect(await record()).toBeUndefined();
  });

  it('refuses the listed role name in another account, though the requester glob has * for the account', async () => {
    const stranger = 'arn:aws:sts::999988887777:assumed-role/db-oncall/eve';

    const response = await call(urlEvent({ body, arn: stranger }));

    expect(response.statusCode).toBe(403);
    expect(json(response).problems).toEqual([
      `principal ${stranger} is from account 999988887777, which this policy does not act for (111122223333)`,
    ]);
    expect(grantRules()).toEqual([]);
  });

  it('refuses a group that grants.groups does not list, naming the group (403)', async () => {
    const response = await call(urlEvent({ body: { ...body, group: GROUPS.gateway } }));

    expect(response.statusCode).toBe(403);
    expect(json(response).problems).toEqual([
      `group ${GROUPS.gateway} is not grantable (not in grants.groups.ids)`,
    ]);
    expect(sim.current.account.writes().filter((c) => c.service === 'EC2')).toEqual([]);
  });

  it('refuses a source group that grants.sourceGroups does not list (the legacy app fleet), naming it', async () => {
    const response = await call(
      urlEvent({ body: { ...body, cidr: undefined, sourceGroup: GROUPS.legacyApp } }),
    );

    expect(response.statusCode).toBe(400);
    expect(json(response).problems).toEqual([
      `sourceGroup ${GROUPS.legacyApp} is not allowed: not in grants.sourceGroups.ids`,
    ]);
    expect(sim.current.account.calls.filter((c) => c.service === 'EC2')).toEqual([]);
    const fromFleet: Rule = { ...access, peer: { type: 'security-group', groupId: GROUPS.legacyApp } };
    expect(await table.current.store.get(GROUPS.postgres, accessKey(fromFleet))).toBeUndefined();
  });

  it('rejects invalid values with every problem (400), making no AWS call', async () => {
    const response = await call(urlEvent({ body: { ...body, port: 22, cidr: '0.0.0.0/0', ttl: '9h' } }));

    expect(response.statusCode).toBe(400);
    expect(json(response).problems).toEqual([
      'port 22 is not grantable',
      'cidr 0.0.0.0/0 is not allowed',
      'ttl 9h exceeds maxTtl 8h',
    ]);
    expect(sim.current.account.calls.filter((c) => c.service === 'EC2')).toEqual([]);
  });

  it('refuses to turn a permanent rule into a grant (409)', async () => {
    const response = await call(
      urlEvent({ body: { ...body, cidr: undefined, sourceGroup: GROUPS.gateway } }),
    );

    expect(response.statusCode).toBe(409);
    expect(json(response).problems).toEqual([
      expect.stringContaining(
        `tcp 5432 from ${GROUPS.gateway} on ${GROUPS.postgres} is already allowed by rule sgr-`,
      ),
    ]);
  });

  it('does not "extend" a rule someone tagged as a grant: without a record it is not one (409)', async () => {
    const { EC2Client, AuthorizeSecurityGroupIngressCommand } = await import('@aws-sdk/client-ec2');
    await new EC2Client({}).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '203.0.113.7/32' }] },
        ],
        TagSpecifications: [
          {
            ResourceType: 'security-group-rule',
            Tags: [{ Key: 'netwarden:grant-expires-at', Value: '2026-11-23T01:00:00Z' }],
          },
        ],
      }),
    );

    const response = await call(urlEvent({ body }));

    expect(response.statusCode).toBe(409);
    expect(json(response).problems).toEqual([
      expect.stringContaining('which is not a grant netwarden recorded'),
    ]);
    expect(await record()).toBeUndefined();
  });

  it('forgets the pending record when AWS refuses the rule (the group does not exist)', async () => {
    const missing = 'sg-0000000000000dead';
    const policy = parsePolicy(`version: 1
mode: enforce
grants: { ports: [5432], requesters: ['arn:aws:sts::*:assumed-role/db-oncall/*'], groups: { ids: [${missing}] } }
`);
    const response = await call(urlEvent({ body: { ...body, group: missing } }), { policy });

    expect(response.statusCode).toBe(409);
    expect(json(response).problems).toEqual([
      expect.stringMatching(/^group sg-0000000000000dead does not exist/),
    ]);
    expect(await table.current.store.get(missing, accessKey(access))).toBeUndefined();
  });

  it('in report mode decides and publishes, but writes nothing: no rule, no record', async () => {
    const policy = parsePolicy(`version: 1
mode: report
grants: { ports: [5432], requesters: ['arn:aws:sts::*:assumed-role/db-oncall/*'], groups: { ids: [${GROUPS.postgres}] } }
`);
    const response = await call(urlEvent({ body }), { policy });

    expect(json(response)).toMatchObject({
      status: 'granted',
      mode: 'report',
      expiresAt: '2026-11-23T02:00:00Z',
    });
    expect(json(response).ruleId).toBeUndefined();
    expect(sim.current.account.writes().filter((c) => c.service === 'EC2')).toEqual([]);
    expect(await table.current.store.open()).toEqual([]);
    expect(findingsOf(sim.current)).toEqual([
      expect.objectContaining({ kind: 'grant.created', outcome: 'would-act' }),
    ]);
  });
});

describe('no access without a record', () => {
  it('expire-grants closes the pending record between the put and Authorize: the new rule is revoked at once and the request fails saying so', async () => {
    const base = grantDeps(sim.current, table.current.store);
    // expire-grants' tick lands after the conditional put, once the (5m, the minimum) grant is due
    // and its pending record is older than the grace period: it closes the record as gone.
    const racing: typeof base.sg = {
      ...base.sg,
      authorizeRules: async (...args: Parameters<SecurityGroups['authorizeRules']>) => {
        sim.current.account.clock.advance(6 * 60_000);
        await expireGrants(grantDeps(sim.current, table.current.store));
        return base.sg.authorizeRules(...args);
      },
    };

    const response = await handleGrantCall(urlEvent({ body: { ...body, ttl: '5m' } }), {
      ...base,
      sg: racing,
    });

    expect(response.statusCode).toBe(409);
    const [problem] = json(response).problems as string[];
    expect(problem).toMatch(
      /^the grant record for tcp 5432 from 203\.0\.113\.7\/32 on sg-\w+ changed \(closed or replaced\) before rule sgr-\w+ could be recorded; rule sgr-\w+ was revoked/,
    );
    // Old code: the rule stayed, its record closed: permanent 5432 access that no expiry covers.
    expect(grantRules()).toEqual([]);
    expect(await table.current.store.open()).toEqual([]);
    expect(findingsOf(sim.current).map((finding) => finding.kind)).toEqual(['grant.gone', 'grant.rejected']);
  });

  it('refuses a ttl below grants.minTtl (a 1s grant), naming the field, and writes nothing', async () => {
    const mark = sim.current.account.calls.length;

    const response = await call(urlEvent({ body: { ...body, ttl: '1s' } }));

    expect(response.statusCode).toBe(400);
    expect(json(response).problems).toEqual(['ttl 1s is shorter than minTtl 5m']);
    expect(ec2Writes(mark)).toEqual([]);
    expect(await table.current.store.open()).toEqual([]);
  });
});

describe('extensions name who extended', () => {
  it('an extension by another on-call keeps the owner and records and names the extender as the actor', async () => {
    await call(urlEvent({ body }));
    const bob = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/db-oncall/bob@example.com`;
    sim.current.account.clock.advance(50 * 60_000);

    const extended = await call(
      urlEvent({ body: { ...body, ttl: '8h', reason: 'bob keeps it open' }, arn: bob }),
    );

    expect(extended.statusCode).toBe(200);
    expect(await record()).toMatchObject({
      owner: ONCALL_ALICE,
      extendedBy: bob,
      reason: 'bob keeps it open',
    });
    const finding = findingsOf(sim.current).find((candidate) => candidate.kind === 'grant.extended');
    // Old code: actor and why named alice, the owner.
    expect(finding?.actor?.arn).toBe(bob);
    expect(finding?.why).toMatch(
      new RegExp(
        `^extended by ${bob.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(verified by IAM\\) for ${ONCALL_ALICE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'s grant: bob keeps it open`,
      ),
    );
    expect(finding?.details).toMatchObject({ owner: ONCALL_ALICE, extendedBy: bob });
  });
});

describe('GET and DELETE /grants', () => {
  it('lists open grants and revokes one by rule id, closing its record', async () => {
    const created = json(await call(urlEvent({ body })));

    const listed = json(await call(urlEvent({ method: 'GET', path: '/grants' })));
    const revoked = await call(urlEvent({ method: 'DELETE', path: `/grants/${created.ruleId}` }));

    expect(listed.grants).toEqual([
      expect.objectContaining({
        ruleId: created.ruleId,
        owner: ONCALL_ALICE,
        access: 'tcp 5432 from 203.0.113.7/32',
      }),
    ]);
    expect(json(revoked)).toMatchObject({ status: 'revoked', ruleId: created.ruleId });
    expect(grantRules()).toEqual([]);
    expect(await record()).toMatchObject({ status: 'closed' });
  });

  it('does not revoke a grant rule modified onto the approved gateway→PostgreSQL access: closes it as grant.moved', async () => {
    const created = json(await call(urlEvent({ body })));
    const ruleId = String(created.ruleId);
    const ec2 = new EC2Client({});
    const approved = [...sim.current.sg.rules.values()].find(
      (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        SecurityGroupRuleIds: [approved?.SecurityGroupRuleId ?? ''],
      }),
    );
    await ec2.send(movedOntoGatewayAccess(ruleId));
    const mark = sim.current.account.calls.length;

    const response = await call(urlEvent({ method: 'DELETE', path: `/grants/${ruleId}` }));

    // Nothing was revoked: the caller is told so, not answered "200 done".
    expect(response.statusCode).toBe(409);
    expect(json(response)).toMatchObject({ status: 'moved', ruleId });
    expect(ec2Writes(mark)).toEqual([]);
    expect(sim.current.sg.rules.get(ruleId)?.ReferencedGroupInfo?.GroupId).toBe(GROUPS.gateway);
    expect(await record()).toMatchObject({ status: 'closed' });
    expect(findingsOf(sim.current).at(-1)).toMatchObject({
      kind: 'grant.moved',
      severity: 'critical',
      details: expect.objectContaining({
        granted: 'tcp 5432 from 203.0.113.7/32',
        allowsNow: `tcp 5432 from ${GROUPS.gateway}`,
      }),
    });
  });

  it('refuses to revoke a rule that is not a recorded grant, whatever its tags say', async () => {
    const baseline = [...sim.current.sg.rules.values()].find((rule) => rule.GroupId === GROUPS.postgres);
    const id = baseline?.SecurityGroupRuleId ?? '';
    sim.current.sg.rules.set(id, {
      ...baseline,
      Tags: [{ Key: 'netwarden:grant-expires-at', Value: '2026-11-23T00:00:00Z' }],
    });

    const response = await call(urlEvent({ method: 'DELETE', path: `/grants/${id}` }));

    expect(response.statusCode).toBe(404);
    expect(json(response).problems).toEqual([
      `rule ${id} is not a grant netwarden recorded; only grants can be revoked here`,
    ]);
    expect(sim.current.sg.rules.has(id)).toBe(true);
  });
});

describe('grant-access handler', () => {
  it('a direct invoke with a grant request as payload creates nothing and is reported', async () => {
    vi.resetModules();
    const { handler } = await import('../../../functions/grant-access/handler');
    const mark = sim.current.account.calls.length;

    const response = (await handler({ ...body, owner: 'alice@example.com' }, lambdaContext())) as {
      statusCode: number;
    };

    expect(response.statusCode).toBe(400);
    expect(callsSince(sim.current, mark).all.filter((c) => c.service === 'EC2')).toEqual([]);
    expect(await table.current.store.open()).toEqual([]);
    expect(findingsOf(sim.current)).toEqual([
      expect.objectContaining({
        kind: 'grant.rejected',
        why: expect.stringMatching(/^not a Function URL request verified by AWS_IAM, so nothing was created/),
      }),
    ]);
  });

  it('grants the sample Function URL request through the real handler and its own state-table client', async () => {
    vi.resetModules();
    const { handler } = await import('../../../functions/grant-access/handler');
    const { loadEvent } = await import('../../../simulated-account/load-event');

    const response = (await handler(loadEvent('grant/function-url-post-grants.json'), lambdaContext())) as {
      statusCode: number;
      body: string;
    };

    expect(response.statusCode).toBe(201);
    const result = JSON.parse(response.body) as { ruleId: string; expiresAt: string };
    const stored = await record();
    expect(stored).toMatchObject({ status: 'live', ruleId: result.ruleId, owner: ONCALL_ALICE });
    // The handler's clock is the real one: the record says two hours, whatever "now" was.
    expect((stored?.expiresAt.getTime() ?? 0) - (stored?.issuedAt.getTime() ?? 0)).toBe(2 * HOUR);
  });
});
