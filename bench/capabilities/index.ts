/** The capability benches `npm run bench` runs; each capability adds its own here. */
import { benchAudit } from './audit';
import { benchRevertSgDrift } from './revert-sg-drift';
import type { CapabilityResult } from './types';

export const CAPABILITY_BENCHES: ReadonlyArray<{
  name: string;
  run: (events: number) => Promise<CapabilityResult>;
}> = [{ name: 'revert-sg-drift', run: benchRevertSgDrift }];

/** Benches that are not per-event (audit scale, Slack storms); each may return its own targets. */
export const EXTRA_BENCHES: ReadonlyArray<{ name: string; run: () => Promise<unknown> }> = [
  { name: 'weekly audit (2,500 groups x 60 rules)', run: benchAudit },
];
