/**
 * The one middy pipeline: logger with Lambda context and a correlation id first, so that even an
 * event that fails parsing is logged with its context; then structured error logging; handler last.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger';

/** CloudTrail eventID, alarm name, SQS message id or the EventBridge id: whatever names this event. */
export function correlationIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const record = event as {
    id?: unknown;
    detail?: { eventID?: unknown; alarmName?: unknown };
    Records?: Array<{ messageId?: unknown }>;
  };
  const candidates = [
    record.detail?.eventID,
    record.detail?.alarmName,
    record.Records?.[0]?.messageId,
    record.id,
  ];
  const found = candidates.find((value) => typeof value === 'string');
  return typeof found === 'string' ? found : undefined;
}

export function lambda<TEvent, TResult>(core: (event: TEvent, context: Context) => Promise<TResult>) {
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      before: (request) => {
        const correlationId = correlationIdOf(request.event);
        if (correlationId) logger.appendKeys({ correlation_id: correlationId });
      },
      onError: (request) => {
        // Thrown errors are transient by contract: log them structurally and rethrow for retry/DLQ.
        // The logger formats `error` with its name, message, stack and cause; `message` is a key of
        // the log line itself (Powertools drops it with a warning), so it is never passed as data.
        logger.error('invocation failed', { error: request.error });
      },
    })
    .handler(core);
}
