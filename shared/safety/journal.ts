/**
 * The journal: one entry per write netwarden makes to the estate (revoke, restore, start, reboot,
 * re-register, grant, expiry, tag), kept in netwarden's state table with who or what caused it, the
 * event, the finding, and the exact call that reverses it. `netwarden history` lists it and
 * `netwarden undo` reverses entries through the same guardrail checks as any other write.
 *
 * This module is the contract between the functions that write (they record) and the store and the
 * CLI (they read); it holds no AWS code.
 */

/** One AWS call, exactly as made: the service, the API operation and its input. */
export interface AwsCall {
  readonly service: 'ec2' | 'elbv2';
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export type JournalAction =
  | 'revoke'
  | 'restore'
  | 'start'
  | 'reboot'
  | 'register'
  | 'deregister'
  | 'grant'
  | 'expire'
  | 'tag'
  | 'untag';

export interface JournalEntry {
  /** Unique and sortable by time: `<ISO time>#<random>`. */
  readonly id: string;
  /** When the write was made (ISO 8601). */
  readonly at: string;
  readonly account: string;
  readonly region: string;
  /** The netwarden function that made the write. */
  readonly function: string;
  readonly action: JournalAction;
  /** The security group id or target group ARN the write changed. */
  readonly resource: string;
  /** Who or what caused it, as verified: the CloudTrail actor's ARN, the alarm, the schedule, the grant's requester. */
  readonly cause: string;
  /** The event that caused it (the event id every finding carries). */
  readonly eventId: string;
  /**
   * The finding that reported it: its kind and title, and its id (`<eventId>/<random>`, the finding's
   * `id` field) when it was recorded with one, so `netwarden undo <finding id>` finds it.
   */
  readonly finding: { readonly kind: string; readonly title: string; readonly id?: string };
  /** The call made. */
  readonly call: AwsCall;
  /** The call that reverses it, or why there is none (a reboot cannot be undone). */
  readonly inverse: AwsCall | { readonly irreversible: string };
}

/**
 * A finding's id: the event's id, a slash, and a random part. Its writes are journaled under the event,
 * so the id alone leads to them (one query by event), with no index of its own.
 */
export function findingIdOf(eventId: string, random: string): string {
  return `${eventId}/${random}`;
}

/** The event a finding id names, or undefined when `id` is no finding id (an event id has no `/`). */
export function eventOfFindingId(id: string): string | undefined {
  const slash = id.lastIndexOf('/');
  return slash > 0 && slash < id.length - 1 ? id.slice(0, slash) : undefined;
}

/** Where the functions record their writes. Recording happens after the write succeeded. */
export interface Journal {
  record(entry: JournalEntry): Promise<void>;
}

/**
 * Who wrote a journal record, as the state table's keys prove it (serverless.yml's table policy):
 * `netwarden` for `journal#…` items, which only netwarden's own roles may put; `operator` for an undo's
 * reversal (`undo#…`), which `netwarden undo` records with the operator's own credentials and which only
 * the roles the stack's `undoOperatorArns` names may put. Only a
 * netwarden record's inverse is ever carried out; an operator's record can only say "already reversed".
 */
export type RecordedBy = 'netwarden' | 'operator';

/** An entry as read back, with who wrote it; a reversal names the entry it reversed. */
export interface JournalRecord {
  readonly entry: JournalEntry;
  readonly recordedBy: RecordedBy;
  /** Set on a reversal made by `netwarden undo`: the id of the entry it reversed. */
  readonly reverses?: string;
}

/** A page of records, newest first; `next` continues where this one stopped. */
export interface JournalPage {
  readonly records: JournalRecord[];
  readonly next?: string;
}

export interface JournalWindow {
  readonly since: Date;
  readonly until: Date;
  /** Only records of this security group id or target group ARN. */
  readonly resource?: string;
}

/** What `netwarden history` and `netwarden undo` read, and where undo records its reversals. */
export interface JournalReader {
  /** Every record of one event (its entries and any reversal of them), newest first. */
  byEvent(eventId: string): Promise<JournalRecord[]>;
  /** Records made in the window, newest first, at most `limit` a page (default 100). */
  page(
    window: JournalWindow,
    options?: { readonly limit?: number; readonly cursor?: string },
  ): Promise<JournalPage>;
  /** A reversal made by `netwarden undo`: `entry` is the reversal, `reverses` the entry it undid. */
  recordReversal(entry: JournalEntry, reverses: JournalEntry): Promise<void>;
}
