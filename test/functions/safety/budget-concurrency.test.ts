/**
 * Two containers share one blast-radius budget: two revert-sg-drift handlers, each loaded in its own
 * module registry (its own wiring, SDK clients, caches and gate: nothing in memory is shared), against
 * one state table on dynalite. The count is the state table's conditional update, so together they
 * write exactly the budget, whether they take the storm one after the other or at the same time.
 */
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../shared/findings/finding';
import type { CloudTrailEvent } from '../../../simulated-account/account';
import { ACCOUNT_ID } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';
import { protectedGroups, stormEvents } from '../../helpers/storm';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const sim = useSimulation();
useStateTable();

/** A cold start: the handler module and everything it imports, loaded afresh in a registry of its own. */
async function container(): Promise<Handler> {
  vi.resetModules();
  const { handler } = await import('../../../functions/revert-sg-drift/handler');
  return handler as Handler;
}

async function actAs(
  ...[identity, act]: Parameters<typeof sim.current.account.as>
): Promise<CloudTrailEvent> {
  const { events } = await sim.current.account.as(identity, act);
  const [event] = events;
  if (!event) throw new Error('the action produced no CloudTrail event');
  return event;
}

const revokesSince = (mark: number) =>
  sim.current.account.calls.slice(mark).filter((call) => call.command === 'RevokeSecurityGroupIngress');
const budgetFindings = (findings: ReadonlyArray<Finding>) =>
  findings.filter((finding) => finding.kind === 'safety.budget-exhausted');

let first: Handler;
let second: Handler;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.parse('2026-12-01T10:03:00Z'));
  first = await container();
  second = await container();
  // Two registries, two gates: a counter in memory could not be shared between them.
  expect(first).not.toBe(second);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('two containers, one budget', () => {
  it('one after the other: the second container gets only what the first left (15 + 5 = 20)', async () => {
    const groups = protectedGroups(sim.current, 25);
    const events = await stormEvents(actAs, groups, 25);
    const mark = sim.current.account.calls.length;

    for (const event of events.slice(0, 15)) await first(event, lambdaContext());
    expect(revokesSince(mark)).toHaveLength(15);
    const secondMark = sim.current.account.calls.length;
    for (const event of events.slice(15)) await second(event, lambdaContext());

    expect(revokesSince(secondMark).map((call) => (call.input as { GroupId: string }).GroupId)).toEqual(
      groups.slice(15, 20),
    );
    expect(revokesSince(mark)).toHaveLength(20);
    const [notice, ...more] = budgetFindings(findingsOf(sim.current));
    expect(more).toEqual([]);
    expect(notice).toMatchObject({
      resource: { type: 'account', id: ACCOUNT_ID },
      details: { done: { total: 20 }, budget: { exhausted: 'account', perAccount: 20 } },
    });
  });

  it('at the same time, events interleaved between them: exactly 20 revokes in all and one budget finding', async () => {
    const groups = protectedGroups(sim.current, 60);
    const events = await stormEvents(actAs, groups, 60);
    const mark = sim.current.account.calls.length;

    // Every invocation started before any has finished; even events to the first container, odd to the second.
    await Promise.all(
      events.map((event, index) => (index % 2 === 0 ? first : second)(event, lambdaContext())),
    );

    expect(revokesSince(mark)).toHaveLength(20);
    const findings = findingsOf(sim.current);
    expect(budgetFindings(findings)).toHaveLength(1);
    const decisions = findings.filter((finding) => finding.kind === 'sg.drift');
    expect(decisions).toHaveLength(60);
    expect(decisions.filter((finding) => finding.outcome === 'acted')).toHaveLength(20);
    const held = decisions.filter((finding) => finding.budget);
    expect(held).toHaveLength(40);
    for (const finding of held) expect(finding).toMatchObject({ mode: 'report', outcome: 'would-act' });
    // What was revoked is what was counted: each acted finding's group lost its rule, no other did.
    const revoked = new Set(revokesSince(mark).map((call) => (call.input as { GroupId: string }).GroupId));
    expect(revoked.size).toBe(20);
    for (const group of groups) {
      const rules = [...sim.current.sg.rules.values()].filter((rule) => rule.GroupId === group);
      expect(rules, group).toHaveLength(revoked.has(group) ? 0 : 1);
    }
  });
});
