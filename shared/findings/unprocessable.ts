/**
 * The finding for an event a function could not read: published by the way in (shared/wiring.ts) for
 * an event its schema refuses, and by a use case for one whose parts prove unreadable later. Every
 * function that publishes findings sends it, so it belongs to no one domain.
 */
import type { Mode } from '../policy/schema';
import type { Finding } from './finding';

/**
 * `mode` is the mode in force for the function (the policy's, with the stage's override folded in):
 * nothing was acted on either way, but on-call must not read "report mode" from an enforcing stage.
 */
export function unprocessableFinding(
  reason: string,
  now: Date,
  source: { eventId?: string; function: string; mode: Mode },
): Finding<'unprocessable'> {
  return {
    kind: 'unprocessable',
    severity: 'warning',
    // Say plainly that nothing was judged: an unprocessable event may record a breach left open.
    title: source.eventId
      ? `${source.function} could not judge event ${source.eventId}: nothing in it was checked or acted on`
      : `${source.function} could not process an event`,
    mode: source.mode,
    outcome: 'no-action',
    time: now.toISOString(),
    ...(source.eventId ? { eventId: source.eventId } : {}),
    why: reason,
    actions: [],
  };
}
