/**
 * expire-grants on the simulated account with a real state table (dynalite) and the manual clock (no
 * sleeps). Due grants come from a query of the table, never from EC2 or tags; exactly the recorded
 * rule ids are revoked; a rule that only carries grant tags is never touched, and editing or removing
 * a real grant's tags changes nothing. Report mode writes nothing, to EC2 or to the table.
 */
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { type ExpireDeps, expireGrants, PENDING_GRACE_MS } from '../../../functions/expire-grants/expire';
import { handleGrantCall } from '../../../functions/grant-access/http';
import { stateTableRepeats } from '../../../shared/aws/state-table/repeat-store';
import { accessKey } from '../../../shared/grants/record';
import { parsePolicy } from '../../../shared/policy/load';
import { awsError } from '../../../simulated-account/errors';
import { consoleUser, GROUPS } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import {
  grantDeps,
  grantedAccess,
  movedOntoGatewayAccess,
  ONCALL_ALICE,
  seedGrants,
  tagsOf,
  urlEvent,
} from '../../helpers/grants';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ec2 = () => new EC2Client({});

async function grant(cidr = '203.0.113.7/32', ttl = '1h'): Promise<string> {
  const response = await handleGrantCall(
    urlEvent({ body: { group: GROUPS.postgres, port: 5432, cidr, ttl, reason: 'INC-4821' } }),
    grantDeps(sim.current, table.current.store),
  );
  const outcome = JSON.parse(response.body) as { ruleId?: string };
  if (!outcome.ruleId) throw new Error(`grant failed: ${response.body}`);
  return outcome.ruleId;
}

/** One run, with the calls and findings it produced. */
async function run(overrides: Partial<ExpireDeps> = {}) {
  const mark = sim.current.account.calls.length;
  const published = sim.current.published.length;
  const outcome = await expireGrants({ ...grantDeps(sim.current, table.current.store), ...overrides });
  return {
    outcome,
    calls: callsSince(sim.current, mark),
    findings: findingsOf(sim.current, published),
  };
}

const ec2Calls = (calls: ReturnType<typeof callsSince>) =>
  calls.all.filter((call) => call.service === 'EC2').map((call) => call.command);
const at = (minutes: number) =>
  sim.current.account.clock.set(
    new Date(Date.parse('2026-11-23T00:00:00Z') + minutes * MINUTE).toISOString(),
  );
const ruleOf = (id: string) => sim.current.sg.rules.get(id);
/** Report mode's memory of what it told, in the state table as the handler keeps it. */
const reportedIn = () =>
  stateTableRepeats(table.current.client, table.current.tableName, 'expire-grants', 7 * 86_400_000);
const accessOf = (cidr: string) => grantedAccess(GROUPS.postgres, cidr);

describe('revoking recorded grants', () => {
  it('revokes exactly the recorded rule id at its expiry and closes the record; nothing before', async () => {
    const ruleId = await grant();

    at(59);
    const early = await run();
    at(60);
    const due = await run();

    expect(ec2Calls(early.calls)).toEqual([]);
    // One read of the recorded rule by id (is it still the granted access?), then the revoke.
    expect(ec2Calls(due.calls)).toEqual(['DescribeSecurityGroupRules', 'RevokeSecurityGroupIngress']);
    expect(due.calls.all.find((call) => call.command === 'DescribeSecurityGroupRules')?.input).toEqual({
      SecurityGroupRuleIds: [ruleId],
    });
    expect(due.calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.postgres,
      SecurityGroupRuleIds: [ruleId],
    });
    expect(ruleOf(ruleId)).toBeUndefined();
    expect(due.outcome).toMatchObject({ expired: [ruleId], found: 1 });
    expect(
      await table.current.store.get(GROUPS.postgres, accessKey(accessOf('203.0.113.7/32'))),
    ).toMatchObject({
      status: 'closed',
    });
    expect(due.findings).toEqual([
      expect.objectContaining({
        kind: 'grant.expired',
        outcome: 'acted',
        details: expect.objectContaining({ owner: ONCALL_ALICE }),
      }),
    ]);
    expect((await run()).calls.all).toEqual([]);
  });

  it('reads no EC2 at all to find due grants: one query of the table, whatever the number of groups', async () => {
    await seedGrants(sim.current, table.current.store, {
      groups: 500,
      grants: 120,
      issuedAt: sim.current.account.clock.now(),
      ttlMs: 2 * HOUR,
    });

    const { calls, outcome } = await run();

    expect(outcome.found).toBe(0);
    expect(calls.all).toEqual([]);
  });

  it('warns once inside warnBefore, recording the marker in the grant record, not in a tag', async () => {
    const ruleId = await grant();
    at(45);
    const first = await run();
    at(46);
    const second = await run();

    expect(first.findings.map((finding) => finding.kind)).toEqual(['grant.expiring']);
    expect(ec2Calls(first.calls)).toEqual([]);
    expect(second.findings).toEqual([]);
    expect(
      await table.current.store.get(GROUPS.postgres, accessKey(accessOf('203.0.113.7/32'))),
    ).toMatchObject({
      warnedAt: new Date('2026-11-23T00:45:00Z'),
    });
    expect(tagsOf(sim.current, ruleId)?.['netwarden:grant-warned-at']).toBeUndefined();
  });
});

describe('tags are a label, not the grant', () => {
  it('a CreateTags of netwarden:grant-expires-at on the approved gateway→PostgreSQL rule never gets it revoked', async () => {
    const approved = [...sim.current.sg.rules.values()].find(
      (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    const id = approved?.SecurityGroupRuleId ?? '';
    await sim.current.account.as(consoleUser('mallory@example.com'), () =>
      ec2().send(
        new CreateTagsCommand({
          Resources: [id],
          Tags: [{ Key: 'netwarden:grant-expires-at', Value: '2026-11-22T00:00:00Z' }],
        }),
      ),
    );

    at(24 * 60);
    const { calls, findings } = await run();

    expect(calls.all).toEqual([]);
    expect(findings).toEqual([]);
    expect(ruleOf(id)).toBeDefined();
  });

  it('an egress rule tagged as an expired grant is never revoked either', async () => {
    const egress = [...sim.current.sg.rules.values()].find((rule) => rule.IsEgress);
    const id = egress?.SecurityGroupRuleId ?? '';
    await sim.current.account.as(consoleUser('mallory@example.com'), () =>
      ec2().send(
        new CreateTagsCommand({
          Resources: [id],
          Tags: [
            { Key: 'netwarden:grant-expires-at', Value: '2026-11-22T00:00:00Z' },
            { Key: 'netwarden:grant-owner', Value: 'alice' },
          ],
        }),
      ),
    );

    const { calls } = await run();

    expect(calls.all).toEqual([]);
    expect(ruleOf(id)).toBeDefined();
  });

  it('rewriting the time and owner tags of a 1-hour grant does not keep it past 1 hour, nor change its owner', async () => {
    const ruleId = await grant('203.0.113.7/32', '1h');
    await sim.current.account.as(consoleUser('mallory@example.com'), () =>
      ec2().send(
        new CreateTagsCommand({
          Resources: [ruleId],
          Tags: [
            { Key: 'netwarden:grant-expires-at', Value: '2026-11-23T23:30:00Z' },
            { Key: 'netwarden:grant-issued-at', Value: '2026-11-23T15:30:00Z' },
            { Key: 'netwarden:grant-owner', Value: 'mallory@example.com' },
          ],
        }),
      ),
    );

    at(60);
    const { findings } = await run();

    expect(ruleOf(ruleId)).toBeUndefined();
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'grant.expired',
        outcome: 'acted',
        details: expect.objectContaining({ owner: ONCALL_ALICE, expiresAt: '2026-11-23T01:00:00Z' }),
      }),
    ]);
  });

  it('removing the tags from a grant does not make it permanent', async () => {
    const ruleId = await grant();
    await ec2().send(
      new DeleteTagsCommand({ Resources: [ruleId], Tags: [{ Key: 'netwarden:grant-expires-at' }] }),
    );

    at(60);
    await run();

    expect(ruleOf(ruleId)).toBeUndefined();
  });
});

describe('records that need settling', () => {
  it('closes a record whose rule is already gone, with a grant.gone finding', async () => {
    const ruleId = await grant();
    sim.current.sg.rules.delete(ruleId);

    at(60);
    const { outcome, findings } = await run();

    expect(outcome.alreadyGone).toEqual([ruleId]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'grant.gone',
        severity: 'warning',
        outcome: 'already-done',
        why: expect.stringContaining('was already gone'),
      }),
    ]);
    expect(await table.current.store.open()).toEqual([]);
  });

  /** The state a crash between Authorize and markLive leaves: the record pending, without the id. */
  async function pendingGrant(): Promise<string> {
    const ruleId = await grant();
    const live = await table.current.store.get(GROUPS.postgres, accessKey(accessOf('203.0.113.7/32')));
    if (!live) throw new Error('no record');
    await table.current.store.close(live, { at: new Date(), why: 'test' });
    const closed = await table.current.store.get(GROUPS.postgres, accessKey(accessOf('203.0.113.7/32')));
    const { ruleId: _id, warnedAt: _w, status: _s, version: _v, ...fields } = live;
    await table.current.store.putPending(fields, closed);
    return ruleId;
  }

  it('revokes the rule of a pending record (grant-access stopped before recording the id) by its access', async () => {
    const ruleId = await pendingGrant();

    at(60);
    const { calls, findings } = await run();

    expect(ec2Calls(calls)).toEqual(['DescribeSecurityGroupRules', 'RevokeSecurityGroupIngress']);
    expect(ruleOf(ruleId)).toBeUndefined();
    expect(await table.current.store.open()).toEqual([]);
    expect(findings.map((finding) => finding.kind)).toEqual(['grant.expired']);
  });

  it("finds a pending record's rule by access alone: deleting its owner tag does not make it permanent", async () => {
    const ruleId = await pendingGrant();
    await sim.current.account.as(consoleUser('mallory@example.com'), () =>
      ec2().send(new DeleteTagsCommand({ Resources: [ruleId], Tags: [{ Key: 'netwarden:grant-owner' }] })),
    );

    at(61);
    const { findings } = await run();

    // Old code keyed on the owner tag: it found nothing, closed the record as grant.gone, left the rule.
    expect(findings.map((finding) => finding.kind)).toEqual(['grant.expired']);
    expect(ruleOf(ruleId)).toBeUndefined();
    expect(await table.current.store.open()).toEqual([]);
  });

  it('leaves a due pending record younger than the grace period alone: grant-access may be about to create its rule', async () => {
    at(0);
    const pending = await table.current.store.putPending({
      groupId: GROUPS.postgres,
      access: accessOf('203.0.113.9/32'),
      owner: ONCALL_ALICE,
      reason: 'INC-1',
      issuedAt: new Date(Date.parse('2026-11-23T00:00:00Z') - HOUR),
      expiresAt: new Date(Date.parse('2026-11-23T00:00:00Z') - MINUTE),
      createdAt: new Date('2026-11-23T00:00:00Z'),
    });

    const young = await run();
    sim.current.account.clock.advance(PENDING_GRACE_MS);
    const old = await run();

    expect(PENDING_GRACE_MS).toBe(2 * MINUTE);
    expect(young.calls.all).toEqual([]);
    expect(young.findings).toEqual([]);
    expect(old.findings.map((finding) => finding.kind)).toEqual(['grant.gone']);
    expect(await table.current.store.get(GROUPS.postgres, accessKey(pending.access))).toMatchObject({
      status: 'closed',
    });
  });

  /** An insider drops the approved gateway→PostgreSQL rule and moves the grant's rule (same id) onto it. */
  async function moveGrantOntoApprovedAccess(ruleId: string): Promise<void> {
    const approved = [...sim.current.sg.rules.values()].find(
      (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    await ec2().send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        SecurityGroupRuleIds: [approved?.SecurityGroupRuleId ?? ''],
      }),
    );
    await ec2().send(
      new ModifySecurityGroupRulesCommand({
        GroupId: GROUPS.postgres,
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: ruleId,
            SecurityGroupRule: {
              IpProtocol: 'tcp',
              FromPort: 5432,
              ToPort: 5432,
              ReferencedGroupId: GROUPS.gateway,
              Description: 'PostgreSQL from Gateway ONLY',
            },
          },
        ],
      }),
    );
  }

  it('does not revoke a grant rule modified onto the approved gateway→PostgreSQL access: closes it as a critical grant.moved', async () => {
    const ruleId = await grant();
    await moveGrantOntoApprovedAccess(ruleId);

    at(61);
    const { calls, findings, outcome } = await run();

    // Old code revoked the id: the gateway lost PostgreSQL, by netwarden's own hand.
    expect(ec2Calls(calls)).toEqual(['DescribeSecurityGroupRules']);
    expect(ruleOf(ruleId)?.ReferencedGroupInfo?.GroupId).toBe(GROUPS.gateway);
    expect(outcome.moved).toEqual([ruleId]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'grant.moved',
        severity: 'critical',
        outcome: 'no-action',
        title: `Grant rule ${ruleId} on ${GROUPS.postgres} was modified: it now allows tcp 5432 from ${GROUPS.gateway}, not the granted tcp 5432 from 203.0.113.7/32`,
      }),
    ]);
    expect(await table.current.store.open()).toEqual([]);
  });

  it("reads every due grant's rule in one call, whatever the batch, even with one of them gone", async () => {
    const first = await grant('203.0.113.7/32');
    const second = await grant('203.0.113.8/32');
    const third = await grant('203.0.113.9/32');
    sim.current.sg.rules.delete(second);

    at(60);
    const { calls, outcome } = await run();

    // AWS refuses the whole read when one id is gone: then, and only then, one read per id.
    const reads = calls.all.filter((call) => call.command === 'DescribeSecurityGroupRules');
    expect(reads[0]?.input).toEqual({ SecurityGroupRuleIds: [first, second, third] });
    expect(reads).toHaveLength(4);
    expect([...outcome.expired].sort()).toEqual([first, third].sort());
    expect(outcome.alreadyGone).toEqual([second]);
  });

  it('keeps the record open when the revoke fails, throws so the platform retries, and the next run revokes it', async () => {
    const ruleId = await grant();
    at(60);
    const real = grantDeps(sim.current, table.current.store).sg;
    const failing: ExpireDeps['sg'] = {
      revokeRules: async () => {
        throw awsError('RequestLimitExceeded', 'Request limit exceeded.', 503);
      },
      describeGroupRules: async () => [],
      describeRulesByIds: (ids) => real.describeRulesByIds(ids),
    };

    await expect(run({ sg: failing })).rejects.toThrow(/1 grant\(s\) not settled, retried on the next run/);
    expect(ruleOf(ruleId)).toBeDefined();
    expect((await table.current.store.open()).map((record) => record.ruleId)).toEqual([ruleId]);

    await run();
    expect(ruleOf(ruleId)).toBeUndefined();
  });
});

describe('report mode', () => {
  it('decides the same, reports once, and writes nothing: no revoke, no warned marker, no closed record', async () => {
    const ruleId = await grant();
    const policy = parsePolicy(`version: 1
mode: report
grants: { ports: [5432], warnBefore: 15m }
`);
    const before = await table.current.store.open();

    // Each run in a new container (a fresh gate on the same state table): a cold start repeats nothing.
    at(50);
    const warn = await run({ policy, reported: reportedIn() });
    const warnAgain = await run({ policy, reported: reportedIn() });
    at(60);
    const expire = await run({ policy, reported: reportedIn() });
    const again = await run({ policy, reported: reportedIn() });

    expect(warn.findings.map((finding) => finding.kind)).toEqual(['grant.expiring']);
    expect(warnAgain.findings).toEqual([]);
    expect(expire.findings).toEqual([
      expect.objectContaining({ kind: 'grant.expired', outcome: 'would-act', mode: 'report' }),
    ]);
    expect(again.findings).toEqual([]);
    expect(
      sim.current.account
        .writes()
        .filter((call) => call.service === 'EC2' && call.command !== 'AuthorizeSecurityGroupIngress'),
    ).toEqual([]);
    expect(ruleOf(ruleId)).toBeDefined();
    expect(await table.current.store.open()).toEqual(before);
  });
});

describe('report mode decides what enforce does', () => {
  const reportPolicy = () =>
    parsePolicy(`version: 1
mode: report
grants: { ports: [5432], warnBefore: 15m }
`);

  it('a due grant whose rule is already gone is reported as grant.gone, as enforce would', async () => {
    const ruleId = await grant();
    sim.current.sg.rules.delete(ruleId);

    at(61);
    const { findings } = await run({ policy: reportPolicy() });

    // Old code: report said grant.expired "would be revoked"; enforce said grant.gone.
    expect(findings.map((finding) => [finding.kind, finding.mode])).toEqual([['grant.gone', 'report']]);
    expect(await table.current.store.open()).toHaveLength(1);
  });

  it('a due grant whose rule was modified is reported as grant.moved, and nothing is written', async () => {
    const ruleId = await grant();
    const approved = [...sim.current.sg.rules.values()].find(
      (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    sim.current.sg.rules.delete(approved?.SecurityGroupRuleId ?? '');
    await ec2().send(movedOntoGatewayAccess(ruleId));
    const mark = sim.current.account.calls.length;

    at(61);
    const { findings } = await run({ policy: reportPolicy() });

    expect(findings.map((finding) => [finding.kind, finding.mode])).toEqual([['grant.moved', 'report']]);
    expect(callsSince(sim.current, mark).writes.filter((name) => name !== 'Publish')).toEqual([]);
    expect(await table.current.store.open()).toHaveLength(1);
  });
});

describe('expire-grants handler', () => {
  it('sweeps on the schedule event through its own state-table client', async () => {
    const ruleId = await grant('203.0.113.7/32', '1h');
    // The handler's clock is the real one: make the grant due now.
    const live = await table.current.store.get(GROUPS.postgres, accessKey(accessOf('203.0.113.7/32')));
    if (!live) throw new Error('no record');
    await table.current.store.extend(live, {
      issuedAt: new Date(0),
      expiresAt: new Date(1000),
      reason: 'due',
      extendedBy: ONCALL_ALICE,
    });
    const { handler } = await import('../../../functions/expire-grants/handler');

    const result = await handler(loadEvent('schedule/expire-grants.json'), lambdaContext());

    expect(result).toMatchObject({ status: 'swept', expired: [ruleId] });
    expect(ruleOf(ruleId)).toBeUndefined();
  });
});
