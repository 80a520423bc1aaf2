import type { Context } from 'aws-lambda';

/**
 * The time an invocation has left, as this context reports it: Lambda's longest timeout (15 minutes).
 * middy ends an invocation with a TimeoutError when this has passed in real time, so a shorter one made
 * it a speed target: at 30 s, 60 events handled at once timed out on a loaded 2-core machine
 * (test/functions/safety/budget-concurrency.test.ts). A test that means to run out of time says so
 * with its own context.
 */
export const REMAINING_TIME_MS = 15 * 60_000;

/** A Lambda context good enough for the middleware stack. */
export function lambdaContext(functionName = 'netwarden-test-fn'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-2:111122223333:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/23/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => REMAINING_TIME_MS,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
