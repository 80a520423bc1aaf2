/**
 * The time zones whose offsets were computed when the bundle was built (shared/audits/zone-offsets.ts).
 * Outside a bundle there are none and shared/audits/time.ts asks Intl; in a bundle
 * tools/zone-offsets-plugin.cjs replaces this module with the table of the policy's `checks.timezone`.
 */
import type { ZoneOffsets } from './zone-offsets';

export const BUILT_ZONES: ReadonlyArray<ZoneOffsets> = [];
