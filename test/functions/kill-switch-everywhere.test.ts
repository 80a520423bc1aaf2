/**
 * The kill switch in every function that acts on a schedule or an alarm (revert-sg-drift and
 * grant-access have their own files: revert-sg-drift/kill-switch.test.ts, grant-access/paused.test.ts).
 * Through the real handlers on the simulated account: while /netwarden/test/paused is "true",
 * heal-targets writes nothing and says so; expire-grants still closes an expired grant (that only
 * narrows access) and says the switch is on; the daily and the weekly digest say it too; and each
 * finding's Slack message starts with [paused].
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleGrantCall } from '../../functions/grant-access/http';
import type { Finding } from '../../shared/findings/finding';
import { accessKey } from '../../shared/grants/record';
import { findingMessage } from '../../shared/slack/format';
import { GATEWAY_INSTANCES, GROUPS, stopInstance } from '../../simulated-account/index';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { loadEvent } from '../../simulated-account/load-event';
import { grantDeps, ONCALL_ALICE, urlEvent } from '../helpers/grants';
import { callsSince, findingsOf, useSimulation } from '../helpers/simulation';
import { useStateTable } from '../helpers/state-table';

const PAUSED = '/netwarden/test/paused';
const ON = `Paused: the kill switch ${PAUSED} is on.`;
const sim = useSimulation();
const table = useStateTable();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(sim.current.account.clock.now());
  sim.current.ssm.put(PAUSED, 'true', 'String');
});
afterEach(() => {
  vi.useRealTimers();
});

async function run(act: () => Promise<unknown>) {
  const mark = sim.current.account.calls.length;
  const published = sim.current.published.length;
  const result = await act();
  return { result, calls: callsSince(sim.current, mark), findings: findingsOf(sim.current, published) };
}

function expectSlackSaysPaused(finding: Finding | undefined): void {
  if (!finding) throw new Error('no finding');
  const slack = findingMessage(finding, { defaultRegion: 'ap-northeast-2' });
  expect(slack.text).toMatch(/^\[paused\] /);
  expect(JSON.stringify(slack.blocks)).toContain(ON);
}

describe('the kill switch, on', () => {
  it('heal-targets: a stopped instance is not started; the finding is report mode and says paused', async () => {
    const [, second] = GATEWAY_INSTANCES;
    if (!second) throw new Error('no instance');
    stopInstance(sim.current, second);
    const { handler } = await import('../../functions/heal-targets/handler');

    const { calls, findings } = await run(() =>
      handler(loadEvent('schedule/heal-targets-sweep.json'), lambdaContext('netwarden-test-heal-targets')),
    );

    expect(calls.writes).toEqual([]);
    expect(calls.all.filter((call) => call.service === 'SSM').map((call) => call.input)).toEqual([
      { Name: PAUSED },
    ]);
    const healing = findings.find((finding) => finding.kind === 'targets.healing');
    expect(healing).toMatchObject({
      mode: 'report',
      outcome: 'would-act',
      paused: { parameter: PAUSED, because: 'switched-on', note: `${ON} Report mode: nothing was changed.` },
    });
    expect(findings.every((finding) => finding.paused?.because === 'switched-on')).toBe(true);
    expectSlackSaysPaused(healing);
  });

  it('expire-grants: an expired grant is still closed (it only narrows access), and its finding says the switch is on', async () => {
    const response = await handleGrantCall(
      urlEvent({
        body: { group: GROUPS.postgres, port: 5432, cidr: '203.0.113.7/32', ttl: '1h', reason: 'INC-4821' },
      }),
      grantDeps(sim.current, table.current.store),
    );
    const { ruleId } = JSON.parse(response.body) as { ruleId?: string };
    if (!ruleId) throw new Error(`grant failed: ${response.body}`);
    const live = await table.current.store.get(
      GROUPS.postgres,
      accessKey({
        direction: 'ingress',
        protocol: 'tcp',
        fromPort: 5432,
        toPort: 5432,
        peer: { type: 'ipv4', cidr: '203.0.113.7/32' },
      }),
    );
    if (!live) throw new Error('no grant record');
    await table.current.store.extend(live, {
      issuedAt: new Date(0),
      expiresAt: new Date(1000),
      reason: 'due',
      extendedBy: ONCALL_ALICE,
    });
    const { handler } = await import('../../functions/expire-grants/handler');

    const { calls, findings } = await run(() =>
      handler(loadEvent('schedule/expire-grants.json'), lambdaContext('netwarden-test-expire-grants')),
    );

    expect(calls.writes).toContain('RevokeSecurityGroupIngress');
    const expired = findings.find((finding) => finding.kind === 'grant.expired');
    expect(expired).toMatchObject({
      outcome: 'acted',
      paused: {
        parameter: PAUSED,
        because: 'switched-on',
        note: `${ON} This function still acts because it only narrows access (closing expired grants).`,
      },
    });
    expectSlackSaysPaused(expired);
  });

  it('daily-check and weekly-check: each digest says paused', async () => {
    const [{ handler: daily }, { handler: weekly }] = await Promise.all([
      import('../../functions/daily-check/handler'),
      import('../../functions/weekly-check/handler'),
    ]);

    const { findings } = await run(async () => {
      await daily(loadEvent('schedule/daily-check.json'), lambdaContext('netwarden-test-daily-check'));
      await weekly(loadEvent('schedule/weekly-check.json'), lambdaContext('netwarden-test-weekly-check'));
    });

    expect(findings.map((finding) => [finding.kind, finding.paused?.because])).toEqual([
      ['check.daily', 'switched-on'],
      ['check.weekly', 'switched-on'],
    ]);
    for (const finding of findings) expectSlackSaysPaused(finding);
  });
});
