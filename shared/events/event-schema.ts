/**
 * A function's trigger as the middleware reads it: either the typed event, or why it is not one, in
 * words that name the field and the value (`event.detail.eventName: expected one of …, found "X"`).
 * Most triggers are a zod schema (eventSchema); one that must look inside the event to decide what it
 * is (heal-targets' alarm dimension) implements safeParse itself.
 */
import type * as z from 'zod';
import { formatIssues } from './issues';

export type EventParse<TEvent> =
  | { readonly success: true; readonly data: TEvent }
  | { readonly success: false; readonly reason: string };

export interface EventSchema<TEvent> {
  safeParse(raw: unknown): EventParse<TEvent>;
}

/** A zod schema as a trigger; `what` says what the event was expected to be (`not a CloudTrail event`). */
export function eventSchema<S extends z.ZodType>(
  schema: S,
  what: (problems: string) => string,
): EventSchema<z.output<S>> {
  return {
    safeParse(raw) {
      const parsed = schema.safeParse(raw);
      return parsed.success
        ? { success: true, data: parsed.data }
        : { success: false, reason: what(formatIssues(parsed.error.issues, raw, 'event')) };
    },
  };
}
