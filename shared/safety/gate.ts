/**
 * The write gate: every write netwarden makes to the estate passes here, and only here.
 *
 * 1. BEFORE the write, it charges the blast-radius budget (shared/safety/budget.ts): one conditional
 *    update in the state table. Refused, the write is not made: the caller reports its decision as
 *    would-act with the `budget` note, the first refusal of the account's window publishes the one
 *    `safety.budget-exhausted` finding, and every refusal raises the operations alarm (a CloudWatch
 *    metric in the log, embedded metric format; serverless.yml's WritesHeldBack alarm watches it).
 * 2. AFTER the write succeeded, it records each call made with its exact inverse in the journal
 *    (shared/safety/journal.ts), so `netwarden undo` can reverse it.
 *
 * Report mode never reaches the gate: a use case in report mode makes no write, so it charges nothing
 * either (the budget counts what was changed, not what was judged; see docs/operations.md).
 */
import { randomUUID } from 'node:crypto';
import { authorizeRulesCall, revokeRulesCall } from '../aws/calls';
import type { FindingKind, Publish } from '../findings/finding';
import type { Direction, Rule } from '../rules/rule';
import {
  type BudgetCounter,
  type BudgetLimits,
  type BudgetScope,
  budgetExhaustedFinding,
  type HeldBack,
  heldBack,
  windowOf,
} from './budget';
import { type AwsCall, findingIdOf, type Journal, type JournalAction, type JournalEntry } from './journal';

/** One call made, with what reverses it. */
export interface Made {
  readonly action: JournalAction;
  /** The security group id, instance id or target group ARN the call changed. */
  readonly resource: string;
  readonly call: AwsCall;
  readonly inverse: JournalEntry['inverse'];
}

/**
 * What revoking rules made, for the journal: nothing when none of them was there any more, else the
 * revoke, reversed by authorizing `restores` again (the access the revoked rule gave).
 */
export function revokeMade(
  action: Extract<JournalAction, 'revoke' | 'expire'>,
  groupId: string,
  direction: Direction,
  revoked: ReadonlyArray<string>,
  restores: ReadonlyArray<Rule>,
): Made[] {
  if (revoked.length === 0) return [];
  return [
    {
      action,
      resource: groupId,
      call: revokeRulesCall(groupId, direction, revoked),
      inverse: authorizeRulesCall(groupId, direction, restores),
    },
  ];
}

/** What a write did: its result for the caller, the calls made (none when all was already done), the finding. */
export interface Written<T> {
  readonly value: T;
  readonly made: ReadonlyArray<Made>;
  readonly finding: { readonly kind: FindingKind; readonly title: string };
}

export interface WriteRequest {
  /** What the budget charges: the account and the group (security group or target group). */
  readonly scope: BudgetScope;
  readonly region?: string;
  /** The event that caused the write (every finding carries it). */
  readonly eventId: string;
  /** Who or what caused it, as verified: the CloudTrail actor's ARN, the alarm, the schedule, the requester. */
  readonly cause: string;
  /** The calls in words, as the finding's `actions` would say them: named in the budget finding if held back. */
  readonly planned: ReadonlyArray<string>;
  /**
   * Set on a write that only narrows access (closing an expired or revoked grant): not charged, since
   * holding it back would leave access open longer, but journaled like every other write.
   */
  readonly exempt?: string;
  /**
   * The id of the finding that will report this write (shared/safety/journal.ts findingIdOf): a caller
   * whose one finding reports several writes passes the same id to each. Absent, the gate makes one.
   */
  readonly findingId?: string;
}

export type GateOutcome<T> =
  | {
      readonly status: 'written';
      readonly value: T;
      /** The finding id the journal recorded the calls under; absent when no call was made. */
      readonly findingId?: string;
    }
  | { readonly status: 'held'; readonly held: HeldBack };

export interface WriteGate {
  write<T>(request: WriteRequest, perform: () => Promise<Written<T>>): Promise<GateOutcome<T>>;
}

/** The alarm's metric, as CloudWatch reads it from a log line (embedded metric format). */
export const HELD_BACK_METRIC = {
  namespace: 'netwarden',
  name: 'WritesHeldBack',
  dimension: 'Stage',
} as const;

/** The log line's fields that make CloudWatch count one held-back write for `stage`. */
export function heldBackMetric(stage: string, now: Date): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: HELD_BACK_METRIC.namespace,
          Dimensions: [[HELD_BACK_METRIC.dimension]],
          Metrics: [{ Name: HELD_BACK_METRIC.name, Unit: 'Count' }],
        },
      ],
    },
    [HELD_BACK_METRIC.dimension]: stage,
    [HELD_BACK_METRIC.name]: 1,
  };
}

/** The journal until the state-table store is wired: it keeps nothing. */
export const NO_JOURNAL: Journal = { record: async () => {} };

export interface WriteGateOptions {
  readonly function: string;
  readonly stage: string;
  readonly counter: BudgetCounter;
  readonly limits: BudgetLimits;
  readonly journal: Journal;
  /** Where the window's `safety.budget-exhausted` finding goes (the findings topic). */
  readonly publish: Publish;
  readonly now: () => Date;
  /** The log at warning and error level: the alarm's metric line, a journal entry that could not be kept. */
  readonly warn: (message: string, data: Record<string, unknown>) => void;
  readonly error: (message: string, data: Record<string, unknown>) => void;
}

export function writeGate(options: WriteGateOptions): WriteGate {
  async function charge(request: WriteRequest): Promise<HeldBack | undefined> {
    if (request.exempt) return undefined;
    const now = options.now();
    const window = windowOf(now, options.limits.windowMs);
    const charged = await options.counter.charge(request.scope, window, options.limits);
    if (charged.granted) return undefined;
    const held = heldBack(charged, request.scope, options.limits, window);
    options.warn('write held back: blast-radius budget used up', {
      eventId: request.eventId,
      scope: request.scope,
      limit: held.limit,
      planned: request.planned,
      ...heldBackMetric(options.stage, now),
    });
    if (await options.counter.claimNotice(request.scope.account, window)) {
      await options.publish(
        budgetExhaustedFinding({
          scope: request.scope,
          charge: charged,
          limits: options.limits,
          window,
          heldBack: request.planned,
          eventId: request.eventId,
          ...(request.region ? { region: request.region } : {}),
          now,
        }),
      );
    }
    return held;
  }

  async function record(request: WriteRequest, written: Written<unknown>, findingId: string): Promise<void> {
    const at = options.now().toISOString();
    for (const made of written.made) {
      const entry: JournalEntry = {
        id: `${at}#${randomUUID()}`,
        at,
        account: request.scope.account,
        region: request.region ?? '',
        function: options.function,
        action: made.action,
        resource: made.resource,
        cause: request.cause,
        eventId: request.eventId,
        finding: { ...written.finding, id: findingId },
        call: made.call,
        inverse: made.inverse,
      };
      try {
        await options.journal.record(entry);
      } catch (error) {
        // The write is made and stays made: throwing would retry an event whose write is already done
        // (and found "already done", journaled by nobody). The entry goes to the log whole instead.
        options.error('journal entry not recorded: the write is made, its inverse is here', {
          entry,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  return {
    async write(request, perform) {
      const held = await charge(request);
      if (held) return { status: 'held', held };
      const written = await perform();
      if (written.made.length === 0) return { status: 'written', value: written.value };
      const findingId = request.findingId ?? newFindingId(request.eventId);
      await record(request, written, findingId);
      return { status: 'written', value: written.value, findingId };
    },
  };
}

/** A fresh finding id for `eventId`: the event's id and a random part. */
export const newFindingId = (eventId: string): string => findingIdOf(eventId, randomUUID().slice(0, 8));

/** The finding with the id its writes were journaled under (absent when nothing was written). */
export function withFindingId<F extends { readonly id?: string }>(
  finding: F,
  findingId: string | undefined,
): F {
  return findingId ? { ...finding, id: findingId } : finding;
}

/** For use cases run without wiring (unit tests with plain fakes): writes pass, nothing is charged or kept. */
export const UNGATED: WriteGate = {
  async write(_request, perform) {
    return { status: 'written', value: (await perform()).value };
  },
};
