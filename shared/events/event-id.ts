/**
 * The one place that reads what names a raw, not yet parsed, event: an unprocessable event is still
 * reported with its id, and every log line of an invocation carries one correlation id.
 */

interface Names {
  /** CloudTrail's `detail.eventID`: the id on-call looks up in CloudTrail. */
  readonly cloudTrailId?: string;
  /** The alarm of a "CloudWatch Alarm State Change". */
  readonly alarmName?: string;
  /** The first SQS record's `messageId`. */
  readonly messageId?: string;
  /** The EventBridge envelope's `id`. */
  readonly eventBridgeId?: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function namesOf(raw: unknown): Names {
  if (typeof raw !== 'object' || raw === null) return {};
  const event = raw as {
    id?: unknown;
    detail?: { eventID?: unknown; alarmName?: unknown } | null;
    Records?: unknown;
  };
  const firstRecord = Array.isArray(event.Records)
    ? (event.Records[0] as { messageId?: unknown })
    : undefined;
  const names = {
    cloudTrailId: text(event.detail?.eventID),
    alarmName: text(event.detail?.alarmName),
    messageId: text(firstRecord?.messageId),
    eventBridgeId: text(event.id),
  };
  return Object.fromEntries(Object.entries(names).filter(([, value]) => value !== undefined));
}

/**
 * The id of an event: CloudTrail's eventID for an API call (the EventBridge id of its envelope names
 * only the delivery), else the EventBridge id, else the SQS message id.
 */
export function eventIdOf(raw: unknown): string | undefined {
  const names = namesOf(raw);
  return names.cloudTrailId ?? names.eventBridgeId ?? names.messageId;
}

/**
 * The log lines' correlation id: as eventIdOf, except that an alarm's name is preferred to the
 * EventBridge id, because on-call searches the logs by the alarm they were paged for.
 */
export function correlationIdOf(raw: unknown): string | undefined {
  const names = namesOf(raw);
  return names.cloudTrailId ?? names.alarmName ?? names.messageId ?? names.eventBridgeId;
}
