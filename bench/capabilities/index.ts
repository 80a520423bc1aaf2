/** The capability benches `npm run bench` runs; each capability adds its own here. */

import { benchAudit } from './audit';
import { benchExpireGrants, benchExpiryScaling, benchGrantAccess } from './grants';
import { benchHealTargets } from './heal-targets';
import { benchRevertSgDrift } from './revert-sg-drift';
import type { CapabilityResult } from './types';

export const CAPABILITY_BENCHES: ReadonlyArray<{
  name: string;
  run: (events: number) => Promise<CapabilityResult>;
}> = [
  { name: 'revert-sg-drift', run: benchRevertSgDrift },
  { name: 'heal-targets', run: benchHealTargets },
  { name: 'grant-access', run: benchGrantAccess },
  { name: 'expire-grants', run: benchExpireGrants },
];

/** Benches that are not per-event (audit scale, Slack storms); each may return its own targets. */
export const EXTRA_BENCHES: ReadonlyArray<{ name: string; run: () => Promise<unknown> }> = [
  { name: 'expiryScaling', run: benchExpiryScaling },
  { name: 'weekly audit (2,500 groups x 60 rules)', run: benchAudit },
];
