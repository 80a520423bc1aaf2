/**
 * The one way in. The middy pipeline puts the logger with the Lambda context and a correlation id
 * first, so that even an event that fails parsing is logged with its context; then structured error
 * logging; then the function's schema reads the event, and only a typed event reaches the use case.
 *
 * Failure semantics: an event the schema refuses is bad input, and retrying cannot make it readable,
 * so it is answered by the function's `unprocessable` (by default one `unprocessable` finding,
 * published) and the invocation RETURNS. Anything thrown is transient: logged and rethrown, so the
 * platform retries and finally dead-letters it.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { correlationIdOf, eventIdOf } from './events/event-id';
import type { EventSchema } from './events/event-schema';
import { logger } from './logger';

export { correlationIdOf } from './events/event-id';

/** A refused event: why (naming the field and the value) and its id when it has a readable one. */
export interface Refusal {
  readonly reason: string;
  readonly eventId?: string;
}

export interface WayIn<TEvent, TRefused, TContext = Context> {
  /** The function's trigger. */
  readonly schema: EventSchema<TEvent>;
  /** Reports a refused event and says what the invocation returns; throws only when reporting fails. */
  readonly unprocessable: (refusal: Refusal, context: TContext) => Promise<TRefused>;
}

/**
 * The schema reads the raw event; the use case sees only what it accepted. The pipeline below runs
 * every invocation through it; in-process callers (the demo, the bench) use it to enter the same way.
 */
export function admit<TEvent, TRefused, TResult, TContext = Context>(
  wayIn: WayIn<TEvent, TRefused, TContext>,
  core: (event: TEvent, context: TContext) => Promise<TResult>,
): (raw: unknown, context: TContext) => Promise<TResult | TRefused> {
  return async (raw, context) => {
    const parsed = wayIn.schema.safeParse(raw);
    if (parsed.success) return core(parsed.data, context);
    const eventId = eventIdOf(raw);
    logger.warn('unprocessable event', { reason: parsed.reason, eventId });
    return wayIn.unprocessable({ reason: parsed.reason, ...(eventId ? { eventId } : {}) }, context);
  };
}

export function lambda<TEvent, TRefused>(wayIn: WayIn<TEvent, TRefused>) {
  return {
    handler: <TResult>(core: (event: TEvent, context: Context) => Promise<TResult>) =>
      middy<unknown, TResult | TRefused>()
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
        .handler(admit(wayIn, core)),
  };
}
