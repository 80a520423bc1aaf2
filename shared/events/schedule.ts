/** EventBridge scheduled events ("Scheduled Event" from aws.events; `time` is when the rule fired). */
import * as z from 'zod';
import { eventSchema } from './event-schema';

export const ScheduledEvent = z.object({
  version: z.string().optional(),
  id: z.string().min(1),
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  account: z.string().optional(),
  time: z.iso.datetime({ offset: true }),
  region: z.string().optional(),
  resources: z.array(z.string()).default([]),
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;

/** A scheduled function's way in: the schedule's event, whose `time` fixes the window even on a retry. */
export const ScheduleTrigger = eventSchema(
  ScheduledEvent,
  (problems) => `not a scheduled event: ${problems}`,
);
