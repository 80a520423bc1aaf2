/** expire-grants runs on an EventBridge schedule: `detail-type: "Scheduled Event"`, `source: "aws.events"`. */
import * as z from 'zod';

export const ScheduledEvent = z.looseObject({
  id: z.string(),
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: z.string(),
  resources: z.array(z.string()),
});
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;
