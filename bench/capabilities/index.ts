/** The capability benches `npm run bench` runs; each capability adds its own here. */

import { benchAudit } from './audit';
import { benchBudget } from './budget';
import { benchDailyCheck, benchWeeklyCheck } from './checks';
import { benchExpireGrants, benchExpiryScaling, benchGrantAccess } from './grants';
import { benchHealTargets } from './heal-targets';
import { benchNotifySlack, benchSlackStorm } from './notify-slack';
import { benchRevertSgDrift } from './revert-sg-drift';
import { benchScale } from './scale';
import type { CapabilityResult } from './types';

export const CAPABILITY_BENCHES: ReadonlyArray<{
  name: string;
  run: (events: number) => Promise<CapabilityResult>;
}> = [
  { name: 'revert-sg-drift', run: benchRevertSgDrift },
  { name: 'heal-targets', run: benchHealTargets },
  { name: 'grant-access', run: benchGrantAccess },
  { name: 'expire-grants', run: benchExpireGrants },
  { name: 'notify-slack', run: benchNotifySlack },
  { name: 'daily-check', run: benchDailyCheck },
  { name: 'weekly-check', run: benchWeeklyCheck },
];

/** Benches that are not per-event (audit scale, Slack storms); each may return its own targets. */
export const EXTRA_BENCHES: ReadonlyArray<{ name: string; run: () => Promise<unknown> }> = [
  { name: 'expiryScaling', run: benchExpiryScaling },
  { name: 'audit', run: benchAudit },
  { name: 'slackStorm', run: benchSlackStorm },
  { name: 'scale', run: benchScale },
  { name: 'budget', run: () => benchBudget() },
];
