/**
 * A finding is one decision, acted on or not, as published to the findings topic and rendered in
 * Slack. `kind` is stable: subscribers filter on it. docs/findings.md describes every kind (its
 * severity, its fields and when it is sent); a test holds that document equal to FINDING_KINDS.
 */
import * as z from 'zod';

/** Every kind netwarden publishes. Adding one means a Slack layout (shared/slack/format.ts) and a doc entry. */
export const FINDING_KINDS = [
  // revert-sg-drift: hand-made security-group changes
  'sg.guardrail-breach',
  'sg.drift',
  'sg.duplicate',
  'sg.baseline-restored',
  'sg.baseline-forbidden',
  'sg.exception',
  'sg.exception-expired',
  'sg.ignore-tag',
  'sg.unverified-change',
  'sg.unverified-peer',
  'sg.group-gone',
  'sg.protection-removed',
  'sg.protection-restored',
  'sg.foreign-event',
  // grant-access, expire-grants, and revert-sg-drift on grant tags
  'grant.created',
  'grant.extended',
  'grant.rejected',
  'grant.expiring',
  'grant.expired',
  'grant.revoked',
  'grant.gone',
  'grant.moved',
  'grant.forged',
  'grant.label-edited',
  // heal-targets
  'targets.systemic',
  'targets.healing',
  'targets.human-needed',
  'targets.waiting',
  'targets.recovered',
  'targets.healthy',
  'targets.group-missing',
  'targets.foreign-event',
  // daily-check, weekly-check
  'check.daily',
  'check.weekly',
  // any function that writes: the blast-radius budget is used up (shared/safety/budget.ts)
  'safety.budget-exhausted',
  // netwarden undo: one per reversal of a journal entry
  'safety.undone',
  // slack-interact: a button pressed in Slack by a listed person, or refused
  'slack.pressed',
  'slack.refused',
  // revert-sg-drift, heal-targets: a member account's role could not be assumed
  'organization.unreachable',
  // any function, for an event it could not read
  'unprocessable',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];

export const Finding = z.object({
  // A kind outside the list is a message from another sender or version: reported, never rendered.
  // (The reason names the value found: shared/events/issues.ts adds it.)
  kind: z.enum(FINDING_KINDS, {
    error: (issue) =>
      typeof issue.input === 'string'
        ? `unknown finding kind ${JSON.stringify(issue.input)}`
        : 'expected a finding kind',
  }),
  severity: z.enum(['critical', 'warning', 'info']),
  title: z.string(),
  mode: z.enum(['enforce', 'report']),
  /** acted: netwarden changed something; already-done: it was done before; would-act: report mode. */
  outcome: z.enum(['acted', 'already-done', 'would-act', 'no-action', 'failed']),
  time: z.string(),
  account: z.string().optional(),
  /** With an organization: the account's name in the policy (organization.accounts[].name, or `central`). */
  accountName: z.string().optional(),
  region: z.string().optional(),
  eventId: z.string().optional(),
  /**
   * Set on a finding whose writes the journal holds (`<eventId>/<random>`): `netwarden undo <id>`
   * reverses exactly those writes, `netwarden undo <eventId>` every write of the event.
   */
  id: z.string().optional(),
  actor: z
    .object({
      arn: z.string().optional(),
      display: z.string(),
      sourceIp: z.string().optional(),
      viaConsole: z.boolean(),
      userAgent: z.string().optional(),
    })
    .optional(),
  resource: z.object({ type: z.string(), id: z.string(), name: z.string().optional() }).optional(),
  rules: z.array(z.object({ summary: z.string(), ruleId: z.string().optional() })).optional(),
  /** Rules of the same event netwarden left as they are, each with the reason (multi-rule events). */
  left: z.array(z.object({ summary: z.string(), ruleId: z.string().optional(), why: z.string() })).optional(),
  why: z.string(),
  /** The AWS calls made, or in report mode the calls that would have been made. */
  actions: z.array(z.string()),
  details: z.record(z.string(), z.unknown()).optional(),
  /** Set on every finding made while the kill switch held netwarden (shared/safety/kill-switch.ts). */
  paused: z
    .object({
      parameter: z.string(),
      /** switched-on: the parameter says "true"; unreadable: it could not be read, so netwarden held itself. */
      because: z.enum(['switched-on', 'unreadable']),
      error: z.string().optional(),
      note: z.string(),
    })
    .optional(),
  /** Set on a decision the blast-radius budget held back (shared/safety/budget.ts): report mode for it. */
  budget: z
    .object({
      exhausted: z.enum(['account', 'group']),
      limit: z.string(),
      until: z.string(),
      note: z.string(),
    })
    .optional(),
});

/** A finding of the kinds K: builders name the kinds they make, so a misspelt kind does not compile. */
export type Finding<K extends FindingKind = FindingKind> = Omit<z.infer<typeof Finding>, 'kind'> & {
  kind: K;
};

export type Publish = (finding: Finding) => Promise<void>;
