/**
 * `netwarden status`'s account of the blast-radius budget (shared/safety/budget.ts), pure: the writes
 * used in the current window against the limits, and which groups are held back (report mode) for the
 * rest of it.
 */
import { formatDuration } from '../policy/duration';
import type { BudgetLimits, BudgetUsage, BudgetWindow } from './budget';

/** The groups held back: all of them once the account's limit is reached, else those at their own. */
export function heldBackGroups(usage: BudgetUsage, limits: BudgetLimits): 'all' | string[] {
  if (usage.total >= limits.perAccount) return 'all';
  return Object.entries(usage.groups)
    .filter(([, writes]) => writes >= limits.perGroup)
    .map(([group]) => group)
    .sort();
}

/** One heading line for the window, then one line per account. */
export function budgetStatusLines(
  window: BudgetWindow,
  limits: BudgetLimits,
  accounts: ReadonlyArray<{ readonly account: string; readonly usage: BudgetUsage }>,
): string[] {
  const lines = [
    `budget: window ${window.start.toISOString()} to ${window.end.toISOString()} (${limits.perAccount} writes per ${formatDuration(limits.windowMs)} per account, ${limits.perGroup} per group)`,
  ];
  for (const { account, usage } of accounts) {
    const held = heldBackGroups(usage, limits);
    const busiest = Object.entries(usage.groups)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([group, writes]) => `${group} ${writes}`);
    lines.push(
      `  account ${account}: ${usage.total} of ${limits.perAccount} writes used${busiest.length > 0 ? ` (${busiest.join(', ')})` : ''}; ${
        held === 'all'
          ? 'held back: every group (the account limit is reached), report mode until the window ends'
          : held.length > 0
            ? `held back: ${held.join(', ')} (at ${limits.perGroup}), report mode until the window ends`
            : 'nothing held back'
      }`,
    );
  }
  return lines;
}
