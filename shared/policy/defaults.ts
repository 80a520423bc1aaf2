/**
 * Numbers the policy schema (shared/policy/schema.ts) uses as defaults and limits that code also reads
 * at run time. They live apart, without zod, so that reading one does not load the schema at cold start.
 */

/** The blast-radius budget's defaults (BudgetPolicy): 20 writes per 10 minutes per account, 5 per group. */
export const BUDGET_DEFAULTS = {
  window: 10 * 60_000,
  perAccount: 20,
  perGroup: 5,
  perTargetGroup: 5,
} as const;

/** The longest grants.approval.timeout the policy accepts. */
export const MAX_APPROVAL_TIMEOUT_MS = 24 * 3_600_000;
