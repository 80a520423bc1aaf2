/**
 * The interaction function's trigger: a Function URL request (payload 2.0) with auth NONE, as Slack
 * sends interactions and slash commands. Only the envelope is read here (headers, the body as a string,
 * whether AWS base64-encoded it): the body itself is not parsed before its signature is verified
 * (functions/slack-interact/interact.ts).
 */
import * as z from 'zod';
import { eventSchema } from '../../shared/events/event-schema';
import { GrantWork } from '../../shared/grants/hand-off';

export const SlackRequest = z.object({
  version: z.literal('2.0'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().default(false),
  /** Set by AWS, not by the caller: the account the Function URL is in (the budget charges it). */
  requestContext: z.object({ accountId: z.string().optional() }).optional(),
});
export type SlackRequest = z.infer<typeof SlackRequest>;

export const SlackRequestEvent = eventSchema(
  SlackRequest,
  (problems) => `not a Function URL request, so nothing was done (${problems})`,
);

/**
 * What the function is invoked with: Slack's request through its Function URL, or its own async
 * hand-off of a slash grant's slow half (shared/grants/hand-off.ts), which carries a request id only.
 */
export const SlackInteractEvent = eventSchema(
  z.union([GrantWork, SlackRequest]),
  (problems) =>
    `neither a Function URL request nor netwarden's own hand-off, so nothing was done (${problems})`,
);
