/**
 * The daily review of security-group changes: who changed what, from where, and what netwarden did.
 *
 * "What netwarden did" is observed, not predicted: netwarden's own calls are in the same CloudTrail
 * window, so a hand-made rule that netwarden revoked shows up as a later Revoke by a netwarden role
 * naming that rule id, and a restored rule as a later Authorize by a netwarden role of the same access
 * on the same group. This says what really happened (including failures and report mode, where nothing
 * follows), which re-running decide() could only guess — it would not know the mode, the policy and the
 * group's rules as they were at the time.
 */

import { errorMessage } from '../errors';
import type { TrailRecord } from '../estate/monitoring';
import { CloudTrailDetail } from '../events/cloudtrail';
import { describePorts, peerKey, type Rule, sameAccess, summarise } from '../rules/rule';
import { describeActor, isSelf, matchesAny } from '../sg/actor';
import { type SgEvent, sgEventOf } from '../sg/change';
import { groupLabel } from './digest';

export interface ChangeReview {
  readonly time: Date;
  readonly eventId: string;
  /** `alice@example.com via role AWSReservedSSO_… in the console from 203.0.113.45` */
  readonly who: string;
  readonly eventName: string;
  /** The group id the call changed (from the request or, when it names only a name, the response); absent for a failed call. */
  readonly group?: string;
  /** `tcp 5432 from 0.0.0.0/0`, or `sgr-… now tcp 5432 10.0.0.0/8`, or `(failed: …)`. */
  readonly detail: string;
  /** What netwarden did about it, or why nothing. */
  readonly outcome: string;
  /** True when the change is still in place and nobody trusted made it. */
  readonly needsAttention: boolean;
}

export interface ReviewContext {
  readonly selfRoles: ReadonlyArray<string>;
  readonly trustedPrincipals: ReadonlyArray<string>;
  /** Formats a time for people, e.g. 09:12 in the check's time zone. */
  readonly clock: (time: Date) => string;
}

export interface ChangesReview {
  readonly changes: ChangeReview[];
  /** netwarden's own changes that answered no hand-made change in the window (grants, expiries …). */
  readonly own: ChangeReview[];
  readonly unreadable: string[];
}

interface Parsed {
  readonly event: SgEvent;
  readonly time: Date;
}

function parseRecord(record: TrailRecord): Parsed {
  const detail = CloudTrailDetail.parse(JSON.parse(record.cloudTrailEvent));
  const event = sgEventOf(detail);
  const time = new Date(detail.eventTime ?? record.eventTime ?? 0);
  return { event, time };
}

function whoOf(event: SgEvent): string {
  return describeActor(event.actor);
}

function rulesOf(event: SgEvent): Rule[] {
  const change = event.change;
  if (!change) return [];
  if (change.action === 'added') return change.created.length > 0 ? change.created : change.requested;
  if (change.action === 'removed') return change.removed;
  return [];
}

function whatOf(event: SgEvent): Pick<ChangeReview, 'eventName' | 'group' | 'detail'> {
  const change = event.change;
  const { eventName } = event;
  if (!change) return { eventName, detail: `(failed: ${event.errorCode})` };
  const group = change.group.groupId;
  if (change.action === 'modified') {
    // The event carries neither the direction nor the previous value: say what the rule became.
    const edits = change.modifications.map(
      (edit) =>
        `${edit.ruleId} now ${describePorts({ ...edit, groupId: group, direction: 'ingress', tags: {} })} ${peerKey(edit.peer)}`,
    );
    return { eventName, group, detail: edits.join(', ') };
  }
  const rules = rulesOf(event);
  const listed =
    rules.length > 0
      ? rules.map(summarise).join(', ')
      : change.action === 'removed'
        ? change.ruleIds.join(', ')
        : '';
  return { eventName, group, detail: listed };
}

/**
 * `AuthorizeSecurityGroupIngress rds-postgres-sg (sg-0db…): tcp 5432 from 0.0.0.0/0`. Names come from
 * a later lookup (the trail has ids only); without one the id stands alone.
 */
export function describeChange(
  change: Pick<ChangeReview, 'eventName' | 'group' | 'detail'>,
  names: ReadonlyMap<string, string> = new Map(),
): string {
  if (change.group === undefined) return `${change.eventName} ${change.detail}`;
  return `${change.eventName} ${groupLabel(change.group, names.get(change.group))}: ${change.detail}`;
}

/** Rule ids a netwarden Revoke removed. */
function revokedIds(event: SgEvent): Set<string> {
  const change = event.change;
  if (change?.action !== 'removed') return new Set();
  return new Set([
    ...change.ruleIds,
    ...change.removed.flatMap((rule) => (rule.ruleId ? [rule.ruleId] : [])),
  ]);
}

/** Rule ids a hand-made change touched: created or edited. */
function touchedIds(event: SgEvent): string[] {
  const change = event.change;
  if (change?.action === 'added') return change.created.flatMap((rule) => (rule.ruleId ? [rule.ruleId] : []));
  if (change?.action === 'modified') return change.modifications.map((edit) => edit.ruleId);
  return [];
}

function restoredAccess(own: SgEvent, removed: ReadonlyArray<Rule>): boolean {
  const change = own.change;
  if (change?.action !== 'added') return false;
  const restored = change.created.length > 0 ? change.created : change.requested;
  return removed.some((gone) => restored.some((rule) => sameAccess(rule, gone)));
}

export function reviewChanges(records: ReadonlyArray<TrailRecord>, context: ReviewContext): ChangesReview {
  const unreadable: string[] = [];
  const parsed: Parsed[] = [];
  for (const record of records) {
    try {
      parsed.push(parseRecord(record));
    } catch (error) {
      unreadable.push(`${record.eventName} ${record.eventId}: ${errorMessage(error).split('\n')[0]}`);
    }
  }
  parsed.sort((a, b) => a.time.getTime() - b.time.getTime());
  const own = parsed.filter(({ event }) => isSelf(event.actor, context.selfRoles) && !event.errorCode);
  const answered = new Set<Parsed>();

  const changes = parsed
    .filter((entry) => !isSelf(entry.event.actor, context.selfRoles))
    .map(({ event, time }): ChangeReview => {
      const base = { time, eventId: event.eventId, who: whoOf(event), ...whatOf(event) };
      if (event.errorCode)
        return { ...base, outcome: `failed with ${event.errorCode}: changed nothing`, needsAttention: false };
      const later = own.filter((entry) => entry.time.getTime() >= time.getTime());
      const ids = touchedIds(event);
      const revokes = later.filter((entry) => ids.some((id) => revokedIds(entry.event).has(id)));
      const change = event.change;
      const restores =
        change?.action === 'removed' || change?.action === 'modified'
          ? later.filter(
              (entry) =>
                entry.event.change?.group.groupId === change.group.groupId &&
                entry.event.change?.action === 'added' &&
                (change.action === 'modified' || restoredAccess(entry.event, change.removed)),
            )
          : [];
      for (const entry of [...revokes, ...restores]) answered.add(entry);
      const done = [
        ...revokes.slice(0, 1).map((entry) => `reverted by netwarden at ${context.clock(entry.time)}`),
        ...restores
          .slice(0, 1)
          .map((entry) => `approved rule restored by netwarden at ${context.clock(entry.time)}`),
      ];
      if (done.length > 0) return { ...base, outcome: done.join('; '), needsAttention: false };
      // A netwarden:ignore tag is no exception (anyone can tag): such a rule still needs attention.
      if (matchesAny(event.actor, context.trustedPrincipals))
        return { ...base, outcome: 'trusted principal: left in place', needsAttention: false };
      return {
        ...base,
        outcome: 'netwarden did not act (group not protected, approved, or report mode): still in place',
        needsAttention: true,
      };
    });

  const ownUnanswered = own
    .filter((entry) => !answered.has(entry))
    .map(
      ({ event, time }): ChangeReview => ({
        time,
        eventId: event.eventId,
        who: whoOf(event),
        ...whatOf(event),
        outcome: 'netwarden’s own change',
        needsAttention: false,
      }),
    );
  return { changes, own: ownUnanswered, unreadable };
}
