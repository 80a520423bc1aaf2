/**
 * expire-grants on the simulated account, with its manual clock (no sleeps): one tag-filtered query
 * per page of 1,000 grants whatever the number of groups; revoke on time, by rule id, once; warn once;
 * a transient revoke failure is retried by the next run and never forgotten.
 */
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { type ExpireDeps, expireGrants } from '../../../functions/expire-grants/expire';
import { handler } from '../../../functions/expire-grants/handler';
import { grantAccess } from '../../../functions/grant-access/grant';
import type { SecurityGroupPort } from '../../../shared/aws/ec2';
import { parsePolicy } from '../../../shared/policy/load';
import { recentEvents } from '../../../shared/sg/protected-groups';
import { lambdaContext } from '../../helpers/context';
import { grantDeps, seedGrants, tagsOf } from '../../helpers/grants';
import { loadEvent } from '../../helpers/load-event';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { awsError } from '../../simulated-account/errors';
import { GROUPS } from '../../simulated-account/index';

const sim = useSimulation();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function grant(cidr = '203.0.113.7/32', ttl = '1h', group: string = GROUPS.postgres): Promise<string> {
  const outcome = await grantAccess(
    { group, port: 5432, cidr, ttl, reason: 'INC-4821', owner: 'alice@example.com' },
    grantDeps(sim.current),
  );
  if (outcome.status === 'rejected' || !outcome.ruleId)
    throw new Error(`grant failed: ${JSON.stringify(outcome)}`);
  return outcome.ruleId;
}

/** One run, with the calls and findings it produced. */
async function run(overrides: Partial<ExpireDeps> = {}) {
  const mark = sim.current.account.calls.length;
  const published = sim.current.published.length;
  const outcome = await expireGrants({ ...grantDeps(sim.current), ...overrides });
  return {
    outcome,
    calls: callsSince(sim.current, mark),
    findings: findingsOf(sim.current).slice(published),
  };
}

const describes = (calls: ReturnType<typeof callsSince>) =>
  calls.all.filter((call) => call.command === 'DescribeSecurityGroupRules');

describe('one query per page, whatever the number of groups', () => {
  it('2,500 groups holding 300 grants cost exactly one DescribeSecurityGroupRules call, filtered by the expiry tag key', async () => {
    seedGrants(sim.current, {
      groups: 2500,
      grants: 300,
      issuedAt: sim.current.account.clock.now(),
      ttlMs: 2 * HOUR,
    });

    const { calls, outcome } = await run();

    expect(describes(calls).map((call) => call.input)).toEqual([
      { Filters: [{ Name: 'tag-key', Values: ['netwarden:grant-expires-at'] }], MaxResults: 1000 },
    ]);
    expect(calls.reads).toEqual(['DescribeSecurityGroupRules']);
    expect(calls.writes).toEqual([]);
    expect(outcome.found).toBe(300);
  });

  it('2,500 grants cost three calls: one per page of 1,000 matching rules', async () => {
    seedGrants(sim.current, {
      groups: 2500,
      grants: 2500,
      issuedAt: sim.current.account.clock.now(),
      ttlMs: 2 * HOUR,
    });

    const { calls, outcome } = await run();

    expect(describes(calls)).toHaveLength(3);
    expect(calls.reads).toEqual([
      'DescribeSecurityGroupRules',
      'DescribeSecurityGroupRules',
      'DescribeSecurityGroupRules',
    ]);
    expect(outcome.found).toBe(2500);
  });
});

describe('expiry', () => {
  it('revokes a grant by its rule id at exactly its expiry, not a second before, and reports grant.expired', async () => {
    const ruleId = await grant();
    sim.current.account.clock.set('2026-11-23T00:59:59Z');
    await run(); // inside the warning window: warned, not revoked
    expect(sim.current.sg.rules.has(ruleId)).toBe(true);

    sim.current.account.clock.set('2026-11-23T01:00:00Z');
    const { calls, findings } = await run();

    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.postgres,
      SecurityGroupRuleIds: [ruleId],
    });
    expect(sim.current.sg.rules.has(ruleId)).toBe(false);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'grant.expired',
        outcome: 'acted',
        rules: [{ summary: 'tcp 5432 from 203.0.113.7/32', ruleId }],
        details: expect.objectContaining({ owner: 'alice@example.com', expiresAt: '2026-11-23T01:00:00Z' }),
      }),
    ]);
  });

  it('is idempotent: the same run twice revokes once and reports once', async () => {
    await grant();
    sim.current.account.clock.set('2026-11-23T02:00:00Z');

    const first = await run();
    const second = await run();

    expect(first.calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(second.calls.writes).toEqual([]);
    expect(second.findings).toEqual([]);
    expect(
      sim.current.account.writes().filter((call) => call.command === 'RevokeSecurityGroupIngress'),
    ).toHaveLength(1);
  });

  it('a grant whose rule is already gone when revoked is reported and settled, not an error', async () => {
    const ruleId = await grant();
    sim.current.account.clock.set('2026-11-23T02:00:00Z');
    const real = grantDeps(sim.current).sg;
    // Someone revokes the rule between our query and our revoke.
    const racing: SecurityGroupPort = {
      ...real,
      async describeRulesByFilters(filters) {
        const rules = await real.describeRulesByFilters(filters);
        sim.current.sg.rules.delete(ruleId);
        return rules;
      },
    };

    const { outcome, findings } = await run({ sg: racing });

    expect(outcome.alreadyGone).toEqual([ruleId]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'grant.expired',
        outcome: 'already-done',
        why: expect.stringContaining('already gone'),
      }),
    ]);
  });

  it('an expired grant whose revoke fails transiently: the run settles the rest, throws, and the next run revokes it', async () => {
    const stuck = await grant('203.0.113.7/32', '1h', GROUPS.postgres);
    const other = await grant('203.0.113.8/32', '1h', GROUPS.mysql);
    sim.current.account.clock.set('2026-11-23T01:00:00Z');
    const real = grantDeps(sim.current).sg;
    const flaky: SecurityGroupPort = {
      ...real,
      async revokeRules(groupId, direction, ruleIds) {
        if (groupId === GROUPS.postgres)
          throw awsError('RequestLimitExceeded', 'Request limit exceeded.', 503);
        return real.revokeRules(groupId, direction, ruleIds);
      },
    };

    const failing = run({ sg: flaky });

    await expect(failing).rejects.toThrow(
      `expire-grants: 1 grant(s) not settled, retried on the next run: ${stuck} (Request limit exceeded.)`,
    );
    expect(sim.current.sg.rules.has(other)).toBe(false);
    // Never forgotten: the rule keeps its tags, so the next query finds it.
    expect(tagsOf(sim.current, stuck)?.['netwarden:grant-expires-at']).toBe('2026-11-23T01:00:00Z');
    expect(findingsOf(sim.current).filter((finding) => finding.kind === 'grant.expired')).toHaveLength(1);

    sim.current.account.clock.advance(MINUTE);
    const next = await run();

    expect(next.outcome.expired).toEqual([stuck]);
    expect(sim.current.sg.rules.has(stuck)).toBe(false);
  });

  it('revokes a grant whose tags were tampered with to outlive maxTtl, as grant.invalid', async () => {
    const ruleId = await grant();
    await new EC2Client({}).send(
      new CreateTagsCommand({
        Resources: [ruleId],
        Tags: [{ Key: 'netwarden:grant-expires-at', Value: '2027-01-01T00:00:00Z' }],
      }),
    );

    const { calls, findings } = await run();

    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'grant.invalid',
        severity: 'warning',
        why: expect.stringContaining(
          'netwarden:grant-expires-at 2027-01-01T00:00:00Z is more than maxTtl 8h from now',
        ),
      }),
    ]);
  });

  it('leaves a grant tagged netwarden:ignore alone on this path too', async () => {
    const ruleId = await grant();
    await new EC2Client({}).send(
      new CreateTagsCommand({
        Resources: [ruleId],
        Tags: [{ Key: 'netwarden:ignore', Value: 'vendor cutover SEC-12' }],
      }),
    );
    sim.current.account.clock.set('2026-11-23T05:00:00Z');

    const { calls, outcome } = await run();

    expect(calls.writes).toEqual([]);
    expect(outcome.exempt).toEqual([ruleId]);
  });
});

describe('expiring soon', () => {
  it('each grant inside warnBefore gets exactly one grant.expiring finding, remembered by a tag on its rule', async () => {
    const ruleId = await grant();
    sim.current.account.clock.set('2026-11-23T00:44:59Z');
    expect((await run()).findings).toEqual([]);

    sim.current.account.clock.set('2026-11-23T00:45:00Z');
    const first = await run();
    sim.current.account.clock.advance(MINUTE);
    const second = await run();

    expect(first.findings).toEqual([
      expect.objectContaining({
        kind: 'grant.expiring',
        title: expect.stringContaining('expiring in 15m'),
        rules: [{ summary: 'tcp 5432 from 203.0.113.7/32', ruleId }],
      }),
    ]);
    expect(first.calls.writes).toEqual(['CreateTags']);
    expect(tagsOf(sim.current, ruleId)?.['netwarden:grant-warned-at']).toBe('2026-11-23T00:45:00Z');
    expect(second.findings).toEqual([]);
    expect(second.calls.writes).toEqual([]);
  });

  it('an extended grant is warned about again before its new expiry', async () => {
    await grant();
    sim.current.account.clock.set('2026-11-23T00:50:00Z');
    await run();
    await grant('203.0.113.7/32', '1h'); // extension: new expiry 01:50

    sim.current.account.clock.set('2026-11-23T01:35:00Z');
    const { findings } = await run();

    expect(findings.map((finding) => finding.kind)).toEqual(['grant.expiring']);
  });
});

describe('report mode', () => {
  const reportPolicy = parsePolicy(`version: 1
mode: report
grants: { ports: [5432], maxTtl: 8h, warnBefore: 15m }
`);

  it('writes nothing, reports what it would revoke, and reports it once per container', async () => {
    const ruleId = await grant();
    sim.current.account.clock.set('2026-11-23T02:00:00Z');
    const reported = recentEvents();

    const first = await run({ policy: reportPolicy, reported });
    const second = await run({ policy: reportPolicy, reported });

    expect(first.calls.writes).toEqual([]);
    expect(first.findings).toEqual([
      expect.objectContaining({ kind: 'grant.expired', outcome: 'would-act', mode: 'report' }),
    ]);
    expect(second.findings).toEqual([]);
    expect(sim.current.sg.rules.has(ruleId)).toBe(true);
  });
});

describe('expire-grants handler', () => {
  it('sweeps on the sample Scheduled Event', async () => {
    const result = await handler(loadEvent('schedule/expire-grants.json'), lambdaContext());
    expect(result).toMatchObject({ status: 'swept', mode: 'enforce', found: 0 });
  });

  it('reports an event that is not a Scheduled Event as unprocessable, without a single AWS read', async () => {
    const result = await handler({ source: 'aws.ec2' }, lambdaContext());

    expect(result).toMatchObject({ status: 'unprocessable' });
    expect(sim.current.account.reads()).toEqual([]);
    expect(findingsOf(sim.current)).toEqual([
      expect.objectContaining({
        kind: 'unprocessable',
        why: expect.stringContaining('not a Scheduled Event'),
      }),
    ]);
  });
});
