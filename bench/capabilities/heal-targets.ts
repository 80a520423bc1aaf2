/**
 * heal-targets on the simulated account: the 5-minute sweep over a healthy estate, its steady
 * state. Calls per sweep come from the account's call log; time is the handler alone.
 */

import { createSimulatedAccount } from '../../simulated-account/index';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { loadEvent } from '../../simulated-account/load-event';
import { perEvent } from '../measure';
import type { CapabilityResult } from './types';

export async function benchHealTargets(events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    const { handler } = await import('../../functions/heal-targets/handler');
    const sweep = loadEvent('schedule/heal-targets-sweep.json');
    const measured = await perEvent(
      sim.account,
      events,
      () => structuredClone(sweep),
      (event) => handler(event, lambdaContext()),
    );
    return {
      capability: 'heal-targets (sweep, healthy estate)',
      events,
      ...measured,
      note: 'two opted-in target groups, three instances; a sweep over a healthy estate writes nothing',
    };
  } finally {
    sim.restore();
  }
}
