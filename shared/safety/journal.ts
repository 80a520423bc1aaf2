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
  /** The finding that reported it: its kind and title. */
  readonly finding: { readonly kind: string; readonly title: string };
  /** The call made. */
  readonly call: AwsCall;
  /** The call that reverses it, or why there is none (a reboot cannot be undone). */
  readonly inverse: AwsCall | { readonly irreversible: string };
}

/** Where the functions record their writes. Recording happens after the write succeeded. */
export interface Journal {
  record(entry: JournalEntry): Promise<void>;
}
