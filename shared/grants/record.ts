/**
 * A grant is what grant-access recorded in netwarden's state table, nothing else. Anyone in the
 * account can tag a rule; only netwarden's own roles can write the table. The record is keyed by the
 * ACCESS (group, direction, protocol, ports, peer), not by the rule id: EC2 allows one rule per access,
 * so grant-access can write a `pending` record with a conditional put before it calls Authorize, and a
 * crash between the two still leaves a record for expire-grants to settle.
 */
import type { Direction, Peer, Rule } from '../rules/rule';
import { peerKey, sameAccess } from '../rules/rule';

export type GrantStatus = 'pending' | 'live' | 'closed';

export interface GrantRecord {
  readonly groupId: string;
  /**
   * The member account of an organisation the group is in. Absent: the central account (netwarden's
   * own), as every record written before organisations is.
   */
  readonly account?: string;
  /** The access granted, as a rule without id or tags. */
  readonly access: Rule;
  readonly status: GrantStatus;
  /** The sgr- id Authorize returned; absent while pending. */
  readonly ruleId?: string;
  /** The ARN of the principal the Function URL verified: never a field of a request body. */
  readonly owner: string;
  readonly reason: string;
  /** When the current expiry was set (creation or latest extension). */
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  /** The verified principal of the latest extension (may differ from the owner). */
  readonly extendedBy?: string;
  /** Set when the "expiring soon" finding was published for the current expiry. */
  readonly warnedAt?: Date;
  /** Bumped by every write: each write is conditional on the version it read. */
  readonly version: number;
}

/** The sort key of a grant: its access within the group. */
export function accessKey(
  rule: Pick<Rule, 'direction' | 'protocol' | 'fromPort' | 'toPort' | 'peer'>,
): string {
  return [rule.direction, rule.protocol, rule.fromPort, rule.toPort, peerKey(rule.peer)].join('|');
}

export function grantAccessRule(
  groupId: string,
  access: {
    direction: Direction;
    protocol: string;
    fromPort: number;
    toPort: number;
    peer: Peer;
  },
): Rule {
  return { groupId, ...access, tags: {} };
}

/**
 * True when `rule` is the rule this record granted: same access, and the recorded rule id (a pending
 * record has none yet: its access alone identifies the rule grant-access is creating).
 */
export function isRecordedRule(rule: Rule, record: GrantRecord | undefined): boolean {
  if (!record || record.status === 'closed') return false;
  if (!sameAccess(rule, record.access)) return false;
  if (record.ruleId === undefined) return record.status === 'pending';
  return record.ruleId === rule.ruleId;
}

/** The live and pending grants, looked up by access: what revert-sg-drift and grant-access read. */
export interface GrantRecordReader {
  /** `account`: a member account's grant; absent, the central account's. */
  get(groupId: string, access: string, account?: string): Promise<GrantRecord | undefined>;
}

export class GrantConflict extends Error {
  override readonly name = 'GrantConflict';
}

/**
 * netwarden's state table as the grant use cases see it. Every write is conditional: on the record
 * being absent (or closed) for a new grant, on the version read for every later change, so two
 * requests or two sweeps never overwrite each other. A failed condition throws GrantConflict.
 */
export interface GrantStore extends GrantRecordReader {
  /** A new grant, pending (no rule id yet). Replaces a closed record at the same access only. */
  putPending(
    record: Omit<GrantRecord, 'status' | 'version' | 'ruleId' | 'warnedAt'>,
    replacing?: GrantRecord,
  ): Promise<GrantRecord>;
  /** Authorize returned the rule id: the grant is live. */
  markLive(record: GrantRecord, ruleId: string): Promise<GrantRecord>;
  /** A new expiry (and reason) for a live grant; clears the warned marker. */
  extend(
    record: GrantRecord,
    change: { issuedAt: Date; expiresAt: Date; reason: string; extendedBy: string },
  ): Promise<GrantRecord>;
  markWarned(record: GrantRecord, at: Date): Promise<GrantRecord>;
  /** Ends a grant; the record stays (with a ttl) as an audit trail, out of the expiry index. */
  close(record: GrantRecord, how: { at: Date; why: string }): Promise<void>;
  /** Forgets a pending record whose Authorize failed: nothing was granted. */
  discard(record: GrantRecord): Promise<void>;
  /** Live and pending grants expiring at or before `time`, soonest first (a query of the expiry index). */
  expiringBy(time: Date): Promise<GrantRecord[]>;
  /** Every live and pending grant, soonest expiry first. */
  open(): Promise<GrantRecord[]>;
}

/**
 * The open grants of one account, for its digest: a member's by its id; the central account's
 * (`account` undefined) are the records without one, as every record written before organisations.
 */
export const openIn = (
  store: Pick<GrantStore, 'open'>,
  account: string | undefined,
): Pick<GrantStore, 'open'> => ({
  open: async () => (await store.open()).filter((record) => record.account === account),
});
