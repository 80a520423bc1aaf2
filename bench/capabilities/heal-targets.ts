/**
 * heal-targets on the simulated account: the 5-minute sweep over a healthy estate, its steady
 * state. Calls per sweep come from the account's call log; time is the handler alone.
 */
import { lambdaContext } from '../../test/helpers/context';
import { loadEvent } from '../../test/helpers/load-event';
import { createSimulatedAccount } from '../../test/simulated-account/index';
import { median } from '../measure';
import type { CapabilityResult } from './types';

export async function benchHealTargets(events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    const { handler } = await import('../../functions/heal-targets/handler');
    const sweep = loadEvent('schedule/heal-targets-sweep.json');
    const times: number[] = [];
    let reads = 0;
    let writes = 0;
    for (let index = -1; index < events; index += 1) {
      const mark = sim.account.calls.length;
      const start = process.hrtime.bigint();
      await handler(structuredClone(sweep), lambdaContext());
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (index < 0) continue;
      times.push(elapsed);
      const calls = sim.account.calls.slice(mark).filter((call) => call.service !== 'SNS');
      reads += calls.filter((call) => !call.write).length;
      writes += calls.filter((call) => call.write).length;
    }
    return {
      capability: 'heal-targets (sweep, healthy estate)',
      events,
      readsPerEvent: reads / events,
      writesPerEvent: writes / events,
      medianHandlerMs: median(times),
      note: 'two opted-in target groups, three instances; a sweep over a healthy estate writes nothing',
    };
  } finally {
    sim.restore();
  }
}
