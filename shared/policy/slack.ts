/**
 * The policy's `slack` section: where app mode posts (shared/slack/routes.ts decides). Routes are read
 * in order and the first whose `match` fits a message wins; the last route must match everything, so
 * no message is ever left without a channel. Channels and mentions are Slack ids, never names: a
 * channel can be renamed and a name can be taken by someone else, an id cannot.
 */
import * as z from 'zod';
import { FINDING_KINDS } from '../findings/finding';
import { IanaTimezone } from './timezone';

const KIND_FAMILIES = [...new Set(FINDING_KINDS.map((kind) => kind.split('.')[0]))];

/** A finding kind (`sg.drift`), a family of them (`sg.*`), or `alarm` (CloudWatch alarms). */
const kindPattern = z
  .string()
  .refine(
    (text) =>
      text === 'alarm' ||
      (FINDING_KINDS as ReadonlyArray<string>).includes(text) ||
      (text.endsWith('.*') && KIND_FAMILIES.includes(text.slice(0, -2))),
    {
      message: `expected alarm, a finding kind (docs/findings.md) or a family of them: ${KIND_FAMILIES.filter(
        (f) => f !== 'unprocessable',
      )
        .map((f) => `${f}.*`)
        .join(', ')}`,
    },
  );

const channelId = z.string().regex(/^[CG][A-Z0-9]{8,}$/, {
  message: 'expected a Slack channel id like C0123ABCDEF (a name can change hands; an id cannot)',
});

/** `here`, `channel`, `none`, or Slack ids: users (U…/W…) and user groups (S…). */
const mention = z.union([
  z.enum(['here', 'channel', 'none']),
  z
    .array(
      z.string().regex(/^[UWS][A-Z0-9]{8,}$/, {
        message: 'expected a Slack user id (U…) or user group id (S…)',
      }),
    )
    .min(1),
]);

export const SlackRoute = z
  .object({
    name: z.string().min(1),
    match: z
      .object({
        kinds: z.array(kindPattern).min(1).optional(),
        severities: z
          .array(z.enum(['critical', 'warning', 'info']))
          .min(1)
          .optional(),
        accounts: z
          .array(z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' }))
          .min(1)
          .optional(),
        groups: z
          .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, { message: 'expected a security group id (sg-…)' }))
          .min(1)
          .optional(),
      })
      .strict()
      .optional(),
    channel: channelId,
    /** Said where a message must wake someone (critical findings, alarms in ALARM); `here` if absent. */
    mention: mention.default('here'),
  })
  .strict();
export type SlackRoute = z.infer<typeof SlackRoute>;

export const SlackPolicy = z
  .object({
    /** Times in messages are shown in this zone. */
    timezone: IanaTimezone.default('UTC'),
    routes: z
      .array(SlackRoute)
      .min(1, { message: 'expected at least one route' })
      .superRefine((routes, ctx) => {
        const last = routes.at(-1);
        if (last?.match)
          ctx.addIssue({
            code: 'custom',
            path: [routes.length - 1, 'match'],
            message: `expected the last route ("${last.name}") to match everything (no match), so that no message goes unposted`,
          });
      }),
  })
  .strict();
export type SlackPolicy = z.infer<typeof SlackPolicy>;
