/**
 * The blast-radius budget against a storm, on the simulated account through the real revert-sg-drift
 * handler (EC2 and SNS at the wire, the budget's count in the state table on dynalite): a deploy role
 * missing from trustedPrincipals adds 300 rules across 60 protected groups. Exactly `perAccount` (20)
 * revokes reach EC2, one critical safety.budget-exhausted finding names the budget, what was done and
 * what was held back, every other decision is published as would-act with the budget note, and each
 * held-back write raises the WritesHeldBack metric that serverless.yml's alarm watches (embedded metric
 * format in the log). The per-group limit (5) holds the same way on one group. Date is faked to one
 * instant inside one window: nothing here depends on how long the storm takes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../shared/findings/finding';
import { HELD_BACK_METRIC } from '../../../shared/safety/gate';
import type { CloudTrailEvent } from '../../../simulated-account/account';
import { ACCOUNT_ID } from '../../../simulated-account/index';
import { useRevertHandler } from '../../helpers/revert';
import { useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';
import { protectedGroups as protectedGroupsIn, stormEvents } from '../../helpers/storm';

const sim = useSimulation();
useStateTable();
const { actAs, invoke, reload } = useRevertHandler(sim);
const NOW = Date.parse('2026-12-01T10:03:00Z');
const WINDOW = { start: '2026-12-01T10:00:00.000Z', end: '2026-12-01T10:10:00.000Z' };

/** What the logger wrote, one object per line (POWERTOOLS_DEV sends it through the console). */
let lines: Array<Record<string, unknown>> = [];
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
  lines = [];
  for (const method of ['debug', 'info', 'warn', 'error', 'log'] as const)
    vi.spyOn(console, method).mockImplementation((text: unknown) => {
      lines.push(JSON.parse(String(text)) as Record<string, unknown>);
    });
  await reload();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const protectedGroups = (count: number) => protectedGroupsIn(sim.current, count);
const storm = (groups: ReadonlyArray<string>, changes: number) => stormEvents(actAs, groups, changes);

/** Every event through the handler, one after another as one container takes them. */
async function handleAll(events: ReadonlyArray<CloudTrailEvent>) {
  const writes: string[] = [];
  const findings: Finding[] = [];
  for (const event of events) {
    const handled = await invoke(event);
    writes.push(...handled.calls.writes);
    findings.push(...handled.findings);
  }
  return { writes, findings };
}

const heldBackLines = () =>
  lines.filter((line) => line.message === 'write held back: blast-radius budget used up');
const ruleCount = (groupId: string) =>
  [...sim.current.sg.rules.values()].filter((rule) => rule.GroupId === groupId).length;

describe('a storm of 300 untrusted changes', () => {
  // 300 invocations: a hang limit well above what a loaded 2-core machine needs (62 s seen), not a speed target.
  it('makes exactly 20 revokes, publishes one budget finding and holds back the other 280 as would-act', {
    timeout: 300_000,
  }, async () => {
    const groups = protectedGroups(60);
    const events = await storm(groups, 300);
    const mark = sim.current.account.calls.length;

    const { writes, findings } = await handleAll(events);

    // On the wire: 20 revokes, nothing else written to EC2.
    expect(writes).toEqual(Array.from({ length: 20 }, () => 'RevokeSecurityGroupIngress'));
    const revokes = sim.current.account.calls
      .slice(mark)
      .filter((call) => call.command === 'RevokeSecurityGroupIngress');
    // The first 20 events, in the order they came: groups 0–19, one rule each.
    expect(revokes.map((call) => (call.input as { GroupId: string }).GroupId)).toEqual(groups.slice(0, 20));
    expect(groups.slice(0, 20).map(ruleCount)).toEqual(Array.from({ length: 20 }, () => 4));
    expect(groups.slice(20).map(ruleCount)).toEqual(Array.from({ length: 40 }, () => 5));

    const budgetFindings = findings.filter((finding) => finding.kind === 'safety.budget-exhausted');
    expect(budgetFindings).toHaveLength(1);
    const limit = `20 writes per 10m in account ${ACCOUNT_ID}`;
    expect(budgetFindings[0]).toMatchObject({
      severity: 'critical',
      mode: 'report',
      outcome: 'no-action',
      title: `Blast-radius budget used up (${limit}): report mode until ${WINDOW.end}`,
      account: ACCOUNT_ID,
      resource: { type: 'account', id: ACCOUNT_ID },
      eventId: (events[20]?.detail as { eventID?: string } | undefined)?.eventID,
      details: {
        budget: {
          exhausted: 'account',
          windowStart: WINDOW.start,
          windowEnd: WINDOW.end,
          perAccount: 20,
          perGroup: 5,
        },
        done: { total: 20, groups: Object.fromEntries(groups.slice(0, 20).map((group) => [group, 1])) },
        heldBack: [expect.stringMatching(new RegExp(`^RevokeSecurityGroupIngress ${groups[20]} sgr-`))],
      },
    });
    expect(budgetFindings[0]?.why).toContain(
      `netwarden made 20 writes in account ${ACCOUNT_ID} since ${WINDOW.start}`,
    );

    const decisions = findings.filter((finding) => finding.kind !== 'safety.budget-exhausted');
    expect(decisions).toHaveLength(300);
    const acted = decisions.slice(0, 20);
    const held = decisions.slice(20);
    for (const finding of acted) {
      expect(finding).toMatchObject({ kind: 'sg.drift', mode: 'enforce', outcome: 'acted' });
      expect(finding).not.toHaveProperty('budget');
    }
    for (const finding of held)
      expect(finding).toMatchObject({
        kind: 'sg.drift',
        mode: 'report',
        outcome: 'would-act',
        actions: [expect.stringMatching(/^RevokeSecurityGroupIngress sg-/)],
        budget: {
          exhausted: 'account',
          limit,
          until: WINDOW.end,
          note: `Held back: the blast-radius budget (${limit}) is used up, so this is report mode until ${WINDOW.end}. Nothing was changed.`,
        },
      });

    // The operations alarm: one WritesHeldBack datum per held-back write, for this stage (embedded
    // metric format at the top level of the log line, as CloudWatch reads it).
    const metrics = heldBackLines();
    expect(metrics).toHaveLength(280);
    for (const line of metrics)
      expect(line).toMatchObject({
        level: 'WARN',
        _aws: {
          Timestamp: NOW,
          CloudWatchMetrics: [
            {
              Namespace: HELD_BACK_METRIC.namespace,
              Dimensions: [[HELD_BACK_METRIC.dimension]],
              Metrics: [{ Name: HELD_BACK_METRIC.name, Unit: 'Count' }],
            },
          ],
        },
        [HELD_BACK_METRIC.dimension]: 'test',
        [HELD_BACK_METRIC.name]: 1,
      });
  });

  it('past the window, writes again: the next window has its own 20', async () => {
    const groups = protectedGroups(30);
    const events = await storm(groups, 30);
    const first = await handleAll(events.slice(0, 25));
    expect(first.writes).toHaveLength(20);

    vi.setSystemTime(Date.parse(WINDOW.end));
    const next = await handleAll(events.slice(25));

    expect(next.writes).toEqual(Array.from({ length: 5 }, () => 'RevokeSecurityGroupIngress'));
    expect(next.findings.every((finding) => finding.outcome === 'acted')).toBe(true);
  });
});

describe('the per-group limit', () => {
  it('revokes 5 changes on one group, holds back the rest with one budget finding naming the group', async () => {
    const [group = ''] = protectedGroups(1);
    const events = await storm([group], 8);

    const { writes, findings } = await handleAll(events);

    expect(writes).toEqual(Array.from({ length: 5 }, () => 'RevokeSecurityGroupIngress'));
    expect(ruleCount(group)).toBe(3);
    const limit = `5 writes per 10m on ${group}`;
    const budgetFindings = findings.filter((finding) => finding.kind === 'safety.budget-exhausted');
    expect(budgetFindings).toEqual([
      expect.objectContaining({
        severity: 'critical',
        title: `Blast-radius budget used up (${limit}): report mode until ${WINDOW.end}`,
        resource: { type: 'security-group', id: group },
        details: expect.objectContaining({
          budget: expect.objectContaining({ exhausted: 'group' }),
          done: { total: 5, groups: { [group]: 5 } },
        }),
      }),
    ]);
    const held = findings.filter((finding) => finding.budget);
    expect(held).toHaveLength(3);
    for (const finding of held)
      expect(finding).toMatchObject({
        mode: 'report',
        outcome: 'would-act',
        budget: { exhausted: 'group', limit },
      });
    expect(heldBackLines()).toHaveLength(3);
  });

  it('holds back only that group: another group in the same window is still revoked', async () => {
    const [busy = '', quiet = ''] = protectedGroups(2);
    const events = await storm([busy], 7);
    const [other] = await storm([quiet], 1);
    if (!other) throw new Error('no event');

    const busyRun = await handleAll(events);
    const quietRun = await invoke(other);

    expect(busyRun.writes).toHaveLength(5);
    expect(quietRun.calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(quietRun.findings).toEqual([expect.objectContaining({ outcome: 'acted', mode: 'enforce' })]);
  });
});
