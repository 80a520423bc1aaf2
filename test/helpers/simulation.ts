/** Scenario-test helpers: a fresh simulated account per test, and the findings it received. */
import { afterEach, beforeEach } from 'vitest';
import type { Finding } from '../../shared/findings/finding';
import { createSimulatedAccount, type Simulation } from '../../simulated-account/index';

export function useSimulation(): { readonly current: Simulation } {
  const holder: { current?: Simulation } = {};
  beforeEach(() => {
    holder.current = createSimulatedAccount();
  });
  afterEach(() => {
    holder.current?.restore();
  });
  return {
    get current(): Simulation {
      if (!holder.current) throw new Error('useSimulation() is only available inside a test');
      return holder.current;
    },
  };
}

/** The findings published, from the `from`-th on (a storm's invocations each parse only their own). */
export function findingsOf(sim: Simulation, from = 0): Finding[] {
  return sim.published.slice(from).map((message) => JSON.parse(message.message) as Finding);
}

/** The calls made after `mark`, as `Command` names, reads and writes separately. */
export function callsSince(sim: Simulation, mark: number) {
  const calls = sim.account.calls.slice(mark);
  return {
    reads: calls.filter((call) => !call.write).map((call) => call.command),
    writes: calls.filter((call) => call.write && call.service !== 'SNS').map((call) => call.command),
    all: calls,
  };
}
