/**
 * Grant requests asked for in Slack (`/netwarden grant`) and their answers. Pure: the states, who may
 * answer, and when a request needs an answer at all. The store (shared/aws/state-table/grant-requests.ts)
 * makes each transition a conditional write, so two approvers at once, a double press or Slack's retry
 * move a request once.
 *
 *   pending ─approve→ approved ─issued→ granted ─its grant ends→ expired
 *      │                  └─not issued→ failed
 *      ├─deny→ denied
 *      ├─its channel message could not be recorded→ failed
 *      └─no answer within grants.approval.timeout→ timed-out
 *
 * `approved` lasts only while the grant is being made (the approver's press): it is what lets exactly
 * one press make the grant. Without approval required a request goes pending → approved at once.
 */
import { formatDuration, parseDuration } from '../policy/duration';
import { personOf } from '../policy/people';
import type { GrantPolicy, Policy } from '../policy/schema';
import { peerKey, type Rule } from '../rules/rule';
import { validateGrantRequest } from './request';

export const REQUEST_STATES = [
  'pending',
  'approved',
  'granted',
  'denied',
  'timed-out',
  'failed',
  'expired',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** A person as the policy lists them and Slack vouched for them. */
export interface SlackPerson {
  readonly name: string;
  readonly slack: string;
}

export interface GrantRequestRecord {
  /** Opaque and netwarden's own: the buttons carry it, nothing else of the payload is trusted. */
  readonly id: string;
  readonly state: RequestState;
  readonly requester: SlackPerson;
  /** The ingress rule asked for, validated (request.ts). */
  readonly access: Rule;
  readonly ttlMs: number;
  readonly reason: string;
  readonly requestedAt: Date;
  /** When an unanswered request is denied (requestedAt + grants.approval.timeout). */
  readonly answerBy: Date;
  /** The channel message showing the request (updated in place at every state change). */
  readonly message?: { readonly channel: string; readonly ts: string };
  /** Who approved or denied it (or `timeout`). */
  readonly answeredBy?: SlackPerson;
  readonly answeredAt?: Date;
  /** The grant once made: its rule id and expiry. */
  readonly ruleId?: string;
  readonly expiresAt?: Date;
  /** Set once the requester was told the grant is about to expire. */
  readonly warnedAt?: Date;
  /**
   * Set by the one worker that took the approved request to make its grant (a conditional write, so a
   * replayed or duplicated hand-off finds it set and does nothing): shared/grants/hand-off.ts.
   */
  readonly workTakenAt?: Date;
  /** Why it failed, was denied or timed out, in words. */
  readonly why?: string;
  /** Bumped by every write: each is conditional on the version read. */
  readonly version: number;
}

/** Transitions allowed, from → to: anything else is a bug, refused before any write. */
const NEXT: Record<RequestState, ReadonlyArray<RequestState>> = {
  // pending → failed: the request could not be shown for approval (its message ref was not kept).
  pending: ['approved', 'denied', 'timed-out', 'failed'],
  approved: ['granted', 'failed'],
  granted: ['expired'],
  denied: [],
  'timed-out': [],
  failed: [],
  expired: [],
};

export const canMove = (from: RequestState, to: RequestState): boolean => NEXT[from].includes(to);

/** Whether a grant of `groupId` waits for another person's approval (grants.approval). */
export function needsApproval(policy: GrantPolicy, groupId: string): boolean {
  const approval = policy.approval;
  if (!approval) return false;
  return approval.required || approval.groups.ids.includes(groupId);
}

/** How long a request waits for an answer. */
export const approvalTimeout = (policy: GrantPolicy): number => policy.approval?.timeout ?? 30 * 60_000;

/**
 * Why `person` may not answer `request` (Approve or Deny), or undefined when they may: they must be
 * listed with `approve`, must not be the requester (two people), and the request must still wait.
 */
export function answerProblem(
  request: GrantRequestRecord,
  person: SlackPerson & { may: ReadonlyArray<string> },
  now: Date,
): string | undefined {
  if (!person.may.includes('approve'))
    return `${person.name} may ${person.may.join(', ')} from Slack, not approve (policy people)`;
  if (person.slack === request.requester.slack)
    return `${person.name} asked for this grant: another person must approve or deny it`;
  if (request.state !== 'pending') return `the request is already ${request.state}`;
  if (now.getTime() >= request.answerBy.getTime())
    return `the request waited past its approval timeout (${request.answerBy.toISOString()}): it is denied`;
  return undefined;
}

/** The grant record's owner for a request's requester: what the grant records and Extend compares. */
export const slackOwner = (person: SlackPerson): string => `slack:${person.name} (${person.slack})`;

/** How many requests one person may have waiting for an answer at once: more are refused. */
export const MAX_PENDING_PER_REQUESTER = 3;

/**
 * Why a request recorded earlier may not be granted under the policy as it is NOW, or [] when it may:
 * the policy may have changed while the request waited (a port no longer grantable, a lower maxTtl,
 * the requester no longer listed or no longer allowed to request, approval now required for a group
 * that needed none, the approver no longer listed or no longer allowed to approve). The stored fields
 * are read back into the same GrantRequest a slash command carries and pass the same validation.
 */
export function recheckProblems(request: GrantRequestRecord, policy: Policy, now: Date): string[] {
  const person = personOf(policy.people, request.requester.slack);
  if (!person) return [`${request.requester.name} is no longer one of the policy's people`];
  if (!person.may.includes('request'))
    return [`${person.name} may no longer request grants (policy people: may ${person.may.join(', ')})`];
  const { access } = request;
  // Approved without an approver (no approval was needed when asked): the policy may require one now.
  const approver = request.answeredBy;
  if (!approver && policy.grants && needsApproval(policy.grants, access.groupId))
    return [
      `grants.approval now requires another person's approval for ${access.groupId}, and nobody approved this request: ask again`,
    ];
  if (approver) {
    // The approval counts only while its approver still may give it (two people, both listed now).
    const listed = personOf(policy.people, approver.slack);
    if (!listed) return [`the approver ${approver.name} is no longer one of the policy's people`];
    if (!listed.may.includes('approve'))
      return [
        `the approver ${listed.name} may no longer approve (policy people: may ${listed.may.join(', ')})`,
      ];
    if (listed.slack === request.requester.slack)
      return [`${listed.name} asked for this grant: another person must approve it`];
  }
  const source =
    access.peer.type === 'security-group'
      ? { sourceGroup: access.peer.groupId }
      : { cidr: peerKey(access.peer) };
  // ttlMs came from a parsed duration (whole seconds): read back exactly, shown as the requester wrote it.
  const shown = formatDuration(request.ttlMs);
  const ttl = parseDuration(shown) === request.ttlMs ? shown : `${Math.round(request.ttlMs / 1000)}s`;
  const validation = validateGrantRequest(
    {
      group: access.groupId,
      port: access.fromPort,
      ...source,
      ttl,
      reason: request.reason,
    },
    policy.grants,
    now,
    slackOwner(request.requester),
  );
  return validation.ok ? [] : validation.problems;
}

/** Pending requests whose answer is overdue: denied as timed out. */
export const overdue = (requests: ReadonlyArray<GrantRequestRecord>, now: Date): GrantRequestRecord[] =>
  requests.filter((request) => request.state === 'pending' && request.answerBy.getTime() <= now.getTime());

/**
 * An approved request is being granted by the approver's press or by slack-interact's async hand-off
 * (its timeout is 10 s; Lambda delivers an async event in seconds, and a worker finding the request no
 * longer approved, or approved GRANT_WORK_WINDOW_MS ago or more, does nothing: shared/grants/hand-off.ts);
 * one still approved after this was interrupted, its hand-off lost or refused in report mode, and
 * expire-grants settles it from the grant record.
 */
export const APPROVED_STUCK_AFTER_MS = 5 * 60_000;

/** How long before a granted request's expiry its requester is told (once). */
export const DM_BEFORE_EXPIRY_MS = 10 * 60_000;

/** Another write moved the request first (a conditional write failed): this one did nothing. */
export class RequestConflict extends Error {
  override readonly name = 'RequestConflict';
}

/** The grant requests in netwarden's state table: every write conditional on the version read. */
export interface GrantRequestStore {
  /** A new request (version 0); refused (RequestConflict) when the id exists. */
  create(record: Omit<GrantRequestRecord, 'version'>): Promise<GrantRequestRecord>;
  get(id: string): Promise<GrantRequestRecord | undefined>;
  /** Moves the request to `to` (canMove), with `changes`, if nobody moved it since it was read. */
  move(
    record: GrantRequestRecord,
    to: RequestState,
    changes?: Partial<Omit<GrantRequestRecord, 'id' | 'state' | 'version'>>,
  ): Promise<GrantRequestRecord>;
  /** Changes fields without a state change (the message's ref, the expiry warning), conditionally. */
  update(
    record: GrantRequestRecord,
    changes: Partial<Omit<GrantRequestRecord, 'id' | 'state' | 'version'>>,
  ): Promise<GrantRequestRecord>;
  /**
   * Pending requests to be answered by `by`, approved ones approved by `by`, or granted ones expiring
   * by `by`, soonest first.
   */
  due(state: 'pending' | 'approved' | 'granted', by: Date): Promise<GrantRequestRecord[]>;
}
