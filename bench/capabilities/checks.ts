/** daily-check and weekly-check on the simulated estate, through their handlers: calls and time per run. */
import { lambdaContext } from '../../test/helpers/context';
import { loadEvent } from '../../test/helpers/load-event';
import { createSimulatedAccount } from '../../test/simulated-account/index';
import { median } from '../measure';
import type { CapabilityResult } from './types';

async function benchCheck(check: 'daily' | 'weekly', events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    const { handler } =
      check === 'daily'
        ? await import('../../functions/daily-check/handler')
        : await import('../../functions/weekly-check/handler');
    const tick = loadEvent(`schedule/${check}-check.json`);
    const times: number[] = [];
    let reads = 0;
    let writes = 0;
    for (let index = -1; index < events; index += 1) {
      const mark = sim.account.calls.length;
      const start = process.hrtime.bigint();
      await handler(structuredClone(tick), lambdaContext(`netwarden-bench-${check}-check`));
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (index < 0) continue;
      times.push(elapsed);
      const calls = sim.account.calls.slice(mark).filter((call) => call.service !== 'SNS');
      reads += calls.filter((call) => !call.write).length;
      writes += calls.filter((call) => call.write).length;
    }
    return {
      capability: `${check}-check (the seed's estate)`,
      events,
      readsPerEvent: reads / events,
      writesPerEvent: writes / events,
      medianHandlerMs: median(times),
      note: 'read-only; one digest finding published per run',
    };
  } finally {
    sim.restore();
  }
}

export const benchDailyCheck = (events: number) => benchCheck('daily', Math.min(events, 200));
export const benchWeeklyCheck = (events: number) => benchCheck('weekly', Math.min(events, 200));
