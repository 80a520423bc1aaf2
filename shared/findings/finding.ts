/**
 * A finding is one decision, acted on or not, as published to the findings topic and rendered in
 * Slack. `kind` is stable: subscribers filter on it.
 */
import * as z from 'zod';

export const Finding = z.object({
  kind: z.string().regex(/^[a-z-]+(\.[a-z-]+)*$/),
  severity: z.enum(['critical', 'warning', 'info']),
  title: z.string(),
  mode: z.enum(['enforce', 'report']),
  /** acted: netwarden changed something; already-done: it was done before; would-act: report mode. */
  outcome: z.enum(['acted', 'already-done', 'would-act', 'no-action', 'failed']),
  time: z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
  eventId: z.string().optional(),
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
});
export type Finding = z.infer<typeof Finding>;

export type Publish = (finding: Finding) => Promise<void>;
