/** daily-check and weekly-check on the simulated estate, through their handlers: calls and time per run. */

import { createSimulatedAccount } from '../../simulated-account/index';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { loadEvent } from '../../simulated-account/load-event';
import { perEvent } from '../measure';
import type { CapabilityResult } from './types';

async function benchCheck(check: 'daily' | 'weekly', events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    const { handler } =
      check === 'daily'
        ? await import('../../functions/daily-check/handler')
        : await import('../../functions/weekly-check/handler');
    const tick = loadEvent(`schedule/${check}-check.json`);
    const measured = await perEvent(
      sim.account,
      events,
      () => structuredClone(tick),
      (event) => handler(event, lambdaContext(`netwarden-bench-${check}-check`)),
    );
    return {
      capability: `${check}-check (the seed's estate)`,
      events,
      ...measured,
      note: 'read-only; one digest finding published per run',
    };
  } finally {
    sim.restore();
  }
}

export const benchDailyCheck = (events: number) => benchCheck('daily', Math.min(events, 200));
export const benchWeeklyCheck = (events: number) => benchCheck('weekly', Math.min(events, 200));
