/**
 * CloudTrail LookupEvents for the daily check. LookupEvents takes one attribute per query, so each
 * security-group API is one query, paginated with NextToken (at most 50 events a page). The account
 * may make 2 LookupEvents calls a second: the client retries throttling with backoff.
 */
import { type CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import type { SecurityGroupTrail, TrailRecord } from '../estate/monitoring';
import { SG_EVENT_NAMES } from '../events/cloudtrail';

export function cloudTrailSecurityGroupCalls(
  client: CloudTrailClient,
  options: { pageSize?: number } = {},
): SecurityGroupTrail {
  return {
    async securityGroupEvents(window) {
      const records: TrailRecord[] = [];
      for (const eventName of SG_EVENT_NAMES) {
        for await (const page of paginateLookupEvents(
          { client, pageSize: options.pageSize ?? 50 },
          {
            LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
            StartTime: window.start,
            EndTime: window.end,
          },
        )) {
          for (const event of page.Events ?? []) {
            if (!event.CloudTrailEvent) continue;
            records.push({
              eventId: event.EventId ?? '?',
              eventName: event.EventName ?? eventName,
              ...(event.EventTime ? { eventTime: new Date(event.EventTime) } : {}),
              cloudTrailEvent: event.CloudTrailEvent,
            });
          }
        }
      }
      return records;
    },
  };
}
