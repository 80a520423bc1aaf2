/**
 * CloudTrail LookupEvents over the account's recorded trail: one lookup attribute at most, StartTime /
 * EndTime, newest first, MaxResults 1–50, NextToken; each event's record is the JSON string AWS returns.
 */
import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import type { SimulatedAccount } from './account';
import { awsError } from './errors';
import { page } from './paging';

export function installCloudTrail(account: SimulatedAccount): void {
  account.handle(CloudTrailClient, LookupEventsCommand, (input: LookupEventsCommandInput) => {
    const attributes = input.LookupAttributes ?? [];
    if (attributes.length > 1)
      throw awsError(
        'InvalidLookupAttributesException',
        'You cannot specify more than one lookup attribute.',
      );
    const [attribute] = attributes;
    const start = input.StartTime ? new Date(input.StartTime).getTime() : 0;
    const end = input.EndTime ? new Date(input.EndTime).getTime() : Number.POSITIVE_INFINITY;
    const events = account.trail
      .map(
        (event) =>
          event.detail as Record<string, unknown> & { eventTime: string; eventName: string; eventID: string },
      )
      .filter((detail) => {
        const time = Date.parse(detail.eventTime);
        if (time < start || time > end) return false;
        if (!attribute) return true;
        const field = {
          EventName: detail.eventName,
          EventId: detail.eventID,
          EventSource: detail.eventSource,
        }[attribute.AttributeKey as 'EventName' | 'EventId' | 'EventSource'];
        if (field === undefined)
          throw awsError(
            'InvalidLookupAttributesException',
            `Unsupported attribute ${attribute.AttributeKey}`,
          );
        return field === attribute.AttributeValue;
      })
      .sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime));
    const result = page(events, input, { min: 1, max: 50, default: 50 });
    return {
      Events: result.items.map((detail) => {
        const identity = detail.userIdentity as { userName?: string; arn?: string };
        return {
          EventId: detail.eventID,
          EventName: detail.eventName,
          ReadOnly: 'false',
          EventTime: new Date(detail.eventTime),
          EventSource: String(detail.eventSource),
          Username: identity.userName ?? identity.arn?.split('/').pop(),
          Resources: [],
          CloudTrailEvent: JSON.stringify(detail),
        };
      }),
      ...(result.NextToken ? { NextToken: result.NextToken } : {}),
    };
  });
}
