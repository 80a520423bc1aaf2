import { describe, expect, it } from 'vitest';
import { handler as dailyHandler } from '../../../functions/daily-check/handler';
import { handler as weeklyHandler } from '../../../functions/weekly-check/handler';
import type { Digest } from '../../../shared/audits/digest';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import { findingsOf, useSimulation } from '../../helpers/simulation';

const simulation = useSimulation();

describe('daily-check and weekly-check handlers', () => {
  it('run on the scheduled event and publish one digest finding each, for the time the schedule fired', async () => {
    const sim = simulation.current;
    expect(
      await dailyHandler(loadEvent('schedule/daily-check.json'), lambdaContext('netwarden-test-daily-check')),
    ).toEqual({
      status: 'published',
      title: expect.stringMatching(/^Daily check 2026-11-23: /),
    });
    await weeklyHandler(
      loadEvent('schedule/weekly-check.json'),
      lambdaContext('netwarden-test-weekly-check'),
    );
    const findings = findingsOf(sim);
    expect(findings.map((finding) => finding.kind)).toEqual(['check.daily', 'check.weekly']);
    expect((findings[1]?.details?.digest as Digest | undefined)?.title).toBe('Weekly check 2026-11-23');
    expect(sim.published.map((message) => message.attributes)).toEqual([
      { kind: 'check.daily', severity: 'critical' },
      { kind: 'check.weekly', severity: 'warning' },
    ]);
  });

  it('reports an event that is not a schedule as unprocessable and reads nothing', async () => {
    const sim = simulation.current;
    const event = {
      ...loadEvent<{ id: string }>('schedule/daily-check.json'),
      'detail-type': 'Object Created',
    };
    expect(await dailyHandler(event, lambdaContext())).toEqual({
      status: 'unprocessable',
      reason: 'not a scheduled event: event.detail-type: expected "Scheduled Event", found "Object Created"',
    });
    expect(findingsOf(sim)).toEqual([
      expect.objectContaining({
        kind: 'unprocessable',
        eventId: event.id,
        title: `daily-check could not judge event ${event.id}: nothing in it was checked or acted on`,
        why: expect.stringContaining('event.detail-type: expected "Scheduled Event"'),
      }),
    ]);
    expect(sim.account.reads()).toEqual([]);
  });
});
