/**
 * The blast-radius budget: how many writes netwarden may make to the estate in one window, per account
 * and per group (a security group, or a target group for healing). Within it netwarden acts as the
 * policy says; past it, the rest of the window is report mode for that account or group: each held-back
 * decision is published as would-act with a `budget` note, and one critical `safety.budget-exhausted`
 * finding per account and window says what was done and what is being held back (the operations alarm
 * goes off with it).
 *
 * The count lives in netwarden's state table (shared/aws/state-table/budget.ts): one conditional
 * update per write, charged before the write, so it holds across containers and concurrent
 * invocations. This module is the pure part: windows, limits, what a charge answered, the wording.
 */

import type { Finding } from '../findings/finding';
import { formatDuration } from '../policy/duration';
import type { BudgetPolicy } from '../policy/schema';

export interface BudgetLimits {
  /** The window's length in ms; windows are aligned to the epoch (10 minutes: :00, :10, :20 …). */
  readonly windowMs: number;
  readonly perAccount: number;
  /** Writes per window on one security group. */
  readonly perGroup: number;
  /** Writes (heals) per window on one target group; never more than half its targets either (healCap). */
  readonly perTargetGroup: number;
}

/** The limits the policy's `budget:` section sets. */
export const budgetLimits = (budget: BudgetPolicy): BudgetLimits => ({
  windowMs: budget.window,
  perAccount: budget.perAccount,
  perGroup: budget.perGroup,
  perTargetGroup: budget.perTargetGroup,
});

/** What one write is charged to: the account and the group it changes. */
export interface BudgetScope {
  readonly account: string;
  /** A security group id (sg-…) or a target group ARN. */
  readonly group: string;
  /** A target group's targets (draining ones excepted), when known: its limit is also half of them. */
  readonly targets?: number;
}

/** A target group ARN (healing), as opposed to a security group id. */
export const isTargetGroup = (group: string): boolean =>
  group.startsWith('arn:') && group.includes(':targetgroup/');

/**
 * How many of a target group's `targets` netwarden may heal in one run, and in one window: never more
 * than half of them (at least one), and never more than `perTargetGroup`. An NLB fails open: healing
 * most of a group at once could take its last healthy targets (docs/heal-targets.md). One number for
 * both, so diagnose's cap per run (shared/targets/diagnose.ts) and the budget's per window agree.
 */
export function healCap(targets: number, limits: Pick<BudgetLimits, 'perTargetGroup'>): number {
  return Math.min(limits.perTargetGroup, Math.max(1, Math.floor(targets / 2)));
}

/** The writes one group may take in a window: a security group's `perGroup`, a target group's heal cap. */
export function groupLimit(scope: Pick<BudgetScope, 'group' | 'targets'>, limits: BudgetLimits): number {
  if (!isTargetGroup(scope.group)) return limits.perGroup;
  return scope.targets === undefined ? limits.perTargetGroup : healCap(scope.targets, limits);
}

export interface BudgetWindow {
  readonly start: Date;
  readonly end: Date;
}

/** The window `now` falls in. */
export function windowOf(now: Date, windowMs: number): BudgetWindow {
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  return { start: new Date(start), end: new Date(start + windowMs) };
}

/** The writes counted in one window, as the state table holds them. */
export interface BudgetUsage {
  readonly total: number;
  /** Writes per group in this window. */
  readonly groups: Readonly<Record<string, number>>;
}

export type Charge =
  | { readonly granted: true; readonly usage: BudgetUsage }
  | {
      readonly granted: false;
      /** Which limit is reached: the account's, or this group's. */
      readonly exhausted: 'account' | 'group';
      /** The window's writes as read after the refused charge (what was done). */
      readonly usage: BudgetUsage;
    };

/** Where the count lives. One conditional write per charge; the only state the budget has. */
export interface BudgetCounter {
  /** Counts one write in `scope` unless a limit is reached; refused, says which and what was done. */
  charge(scope: BudgetScope, window: BudgetWindow, limits: BudgetLimits): Promise<Charge>;
  /**
   * True exactly once per account and window, for whichever invocation asks first (a conditional
   * write): only that one publishes the `safety.budget-exhausted` finding and raises the alarm.
   */
  claimNotice(account: string, window: BudgetWindow): Promise<boolean>;
}

/**
 * Which limit `exhausted` names, in words: "20 writes per 10m in account 111122223333", "5 writes per
 * 10m on sg-…", "1 write per 10m on arn:…:targetgroup/… (half of its 3 targets)".
 */
export function describeLimit(
  exhausted: 'account' | 'group',
  scope: BudgetScope,
  limits: BudgetLimits,
): string {
  const per = formatDuration(limits.windowMs);
  if (exhausted === 'account') return `${limits.perAccount} writes per ${per} in account ${scope.account}`;
  const limit = groupLimit(scope, limits);
  // A target group held to half its targets says so: the number alone would look like a typo.
  const half =
    isTargetGroup(scope.group) && scope.targets !== undefined && limit < limits.perTargetGroup
      ? ` (half of its ${scope.targets} targets)`
      : '';
  return `${limit} write${limit === 1 ? '' : 's'} per ${per} on ${scope.group}${half}`;
}

/** What a held-back decision's finding carries: which budget and until when. */
export interface HeldBack {
  readonly exhausted: 'account' | 'group';
  readonly limit: string;
  readonly until: string;
  readonly note: string;
}

export function heldBack(
  charge: Extract<Charge, { granted: false }>,
  scope: BudgetScope,
  limits: BudgetLimits,
  window: BudgetWindow,
): HeldBack {
  const limit = describeLimit(charge.exhausted, scope, limits);
  const until = window.end.toISOString();
  return {
    exhausted: charge.exhausted,
    limit,
    until,
    note: `Held back: the blast-radius budget (${limit}) is used up, so this is report mode until ${until}. Nothing was changed.`,
  };
}

/** A held-back decision's finding: report mode, would-act, and the `budget` note saying why. */
export function markHeldBack<F extends Finding>(finding: F, held: HeldBack): F {
  return { ...finding, mode: 'report', outcome: 'would-act', budget: held };
}

/**
 * The one critical finding of an account's window: the budget, what was done in the window (per
 * group), what was held back first (every later decision is held back too, each with its own finding).
 */
export function budgetExhaustedFinding(args: {
  readonly scope: BudgetScope;
  readonly charge: Extract<Charge, { granted: false }>;
  readonly limits: BudgetLimits;
  readonly window: BudgetWindow;
  /** The first write held back, as its finding's actions say it (`RevokeSecurityGroupIngress sg-… sgr-…`). */
  readonly heldBack: ReadonlyArray<string>;
  readonly eventId?: string;
  readonly region?: string;
  readonly now: Date;
}): Finding<'safety.budget-exhausted'> {
  const { scope, charge, limits, window } = args;
  const limit = describeLimit(charge.exhausted, scope, limits);
  const done = Object.entries(charge.usage.groups)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, writes]) => `${group}: ${writes}`);
  const until = window.end.toISOString();
  return {
    kind: 'safety.budget-exhausted',
    severity: 'critical',
    title: `Blast-radius budget used up (${limit}): report mode until ${until}`,
    mode: 'report',
    outcome: 'no-action',
    time: args.now.toISOString(),
    account: scope.account,
    ...(args.region ? { region: args.region } : {}),
    ...(args.eventId ? { eventId: args.eventId } : {}),
    resource:
      charge.exhausted === 'account'
        ? { type: 'account', id: scope.account }
        : { type: scope.group.startsWith('arn:') ? 'target-group' : 'security-group', id: scope.group },
    why: `netwarden made ${charge.usage.total} write${charge.usage.total === 1 ? '' : 's'} in account ${scope.account} since ${window.start.toISOString()} (${done.join(', ') || 'none'}), and the budget allows ${limit}. So many changes at once are more likely a mistake (a deploy role missing from trustedPrincipals, a policy edit) than drift: the rest of the window is report mode for ${charge.exhausted === 'account' ? 'the account' : scope.group}. Held back first: ${args.heldBack.join('; ') || 'a write'}; every later one is reported as would-act with a budget note. Check the findings of this window before raising the budget (docs/operations.md).`,
    actions: [],
    details: {
      budget: {
        exhausted: charge.exhausted,
        windowStart: window.start.toISOString(),
        windowEnd: until,
        perAccount: limits.perAccount,
        perGroup: limits.perGroup,
        perTargetGroup: limits.perTargetGroup,
        ...(charge.exhausted === 'group' ? { groupLimit: groupLimit(scope, limits) } : {}),
      },
      done: { total: charge.usage.total, groups: charge.usage.groups },
      heldBack: args.heldBack,
    },
  };
}
