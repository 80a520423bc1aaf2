/**
 * Exactly-once handling of an event across retries, redeliveries and containers: a record per event
 * in netwarden's state table (shared/aws/state-table/event-ledger.ts). The first attempt claims the event, then
 * records what it decided — the findings to publish — before publishing them one by one. A retry
 * after a publish failure publishes the recorded findings it has not yet published (the original
 * "acted" finding, not a new "already done" one); a redelivery after that does nothing.
 */
import type { Finding } from './finding';

export type Claim =
  /** Nobody handled this event (or an earlier attempt died and its claim lapsed): act on it. */
  | { readonly state: 'claimed' }
  /** Another invocation holds the claim right now. */
  | { readonly state: 'in-progress' }
  /** Decided and acted on; `published` of the recorded findings have been published. */
  | { readonly state: 'decided'; readonly findings: Finding[]; readonly published: number };

export interface EventLedger {
  /** Claims the event until `until` (the invocation's deadline), or says who has it. */
  claim(eventId: string, now: Date, until: Date): Promise<Claim>;
  /** The outcome, recorded before anything is published. */
  decided(eventId: string, findings: ReadonlyArray<Finding>): Promise<void>;
  /** The first `count` recorded findings are published. */
  published(eventId: string, count: number): Promise<void>;
  /** The attempt failed before deciding: a retry may claim the event at once. */
  release(eventId: string): Promise<void>;
}

/** Thrown while another invocation holds the event: transient, so the platform retries it later. */
export class EventInProgress extends Error {
  override readonly name = 'EventInProgress';
}
