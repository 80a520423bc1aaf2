/**
 * Healing under the blast-radius budget, at the wire (the seed's NLB, three gateway instances, the
 * state table on dynalite): heal-targets charges each heal to its target group's ARN, and the group's
 * limit is its heal cap, the same number that caps one run (healCap: half its 3 targets is 1). A second
 * heal of the same group in the same window is held back with the budget's note even though the run's
 * own cap would allow it (the first instance has recovered), while the other group behind the same
 * instances has its own count. Date follows the simulated clock; nothing waits.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readBudgetUsage } from '../../../shared/aws/state-table/budget-usage';
import type { Finding } from '../../../shared/findings/finding';
import { windowOf } from '../../../shared/safety/budget';
import { ACCOUNT_ID, GATEWAY_INSTANCES, stopInstance, TARGET_GROUPS } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const [, second, third] = GATEWAY_INSTANCES;
const MINUTE = 60_000;
type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
let handler: Handler;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.resetModules();
  ({ handler } = (await import('../../../functions/heal-targets/handler')) as { handler: Handler });
});
afterEach(() => {
  vi.useRealTimers();
});

async function sweep() {
  vi.setSystemTime(sim.current.account.clock.now());
  const mark = sim.current.account.calls.length;
  const published = sim.current.published.length;
  await handler(loadEvent('schedule/heal-targets-sweep.json'), lambdaContext('netwarden-test-heal-targets'));
  return { calls: callsSince(sim.current, mark), findings: findingsOf(sim.current, published) };
}
const usage = () =>
  readBudgetUsage(
    new DynamoDBClient({}),
    table.current.tableName,
    ACCOUNT_ID,
    windowOf(sim.current.account.clock.now(), 10 * MINUTE),
  );
const about = (findings: ReadonlyArray<Finding>, arn: string) =>
  findings.filter((finding) => finding.resource?.id === arn);

describe('heal-targets and the budget', () => {
  it('charges each heal to its target group, and holds a second heal of the group in the window at its cap (half of 3 targets: 1)', async () => {
    stopInstance(sim.current, second ?? '');
    const first = await sweep();
    expect(first.calls.writes).toEqual(['CreateTags', 'StartInstances']);
    // One heal, charged to the group it was for; the other group saw the instance pending and did nothing.
    expect(await usage()).toEqual({ total: 1, groups: { [TARGET_GROUPS.https]: 1 } });

    // Five minutes on, in the same 10-minute window: the started instance is healthy again, another stops.
    sim.current.account.clock.advance(5 * MINUTE);
    stopInstance(sim.current, third ?? '');
    const next = await sweep();

    // gateway-tg-https: the recovered instance's heal tags cleared (not charged: it changes no access and
    // nothing running), the start of the other held back; gateway-tg-custom has a heal of its own left.
    expect(next.calls.writes).toEqual(['DeleteTags', 'CreateTags', 'StartInstances']);
    expect(
      next.calls.all.filter((call) => call.command === 'StartInstances').map((call) => call.input),
    ).toEqual([{ InstanceIds: [third] }]);
    expect(await usage()).toEqual({
      total: 2,
      groups: { [TARGET_GROUPS.https]: 1, [TARGET_GROUPS.custom]: 1 },
    });
    const limit = `1 write per 10m on ${TARGET_GROUPS.https} (half of its 3 targets)`;
    const [notice, ...more] = next.findings.filter((finding) => finding.kind === 'safety.budget-exhausted');
    expect(more).toEqual([]);
    expect(notice).toMatchObject({
      severity: 'critical',
      title: `Blast-radius budget used up (${limit}): report mode until 2026-11-23T00:10:00.000Z`,
      resource: { type: 'target-group', id: TARGET_GROUPS.https },
      details: {
        budget: { exhausted: 'group', perTargetGroup: 5, groupLimit: 1 },
        done: { total: 1, groups: { [TARGET_GROUPS.https]: 1 } },
        heldBack: expect.arrayContaining([`ec2:StartInstances ${third}`]),
      },
    });
    const https = about(next.findings, TARGET_GROUPS.https).filter(
      (finding) => finding.kind !== 'safety.budget-exhausted',
    );
    expect(https).toEqual([
      expect.objectContaining({
        mode: 'report',
        outcome: 'would-act',
        budget: expect.objectContaining({ exhausted: 'group', limit }),
      }),
    ]);
    expect(about(next.findings, TARGET_GROUPS.custom)).toEqual([
      expect.objectContaining({ kind: 'targets.healing', mode: 'enforce', outcome: 'acted' }),
    ]);
  });
});
