/**
 * slack-interact's hand-off to itself (shared/grants/hand-off.ts): an async Invoke (InvocationType
 * Event) of its own function, which Lambda answers 202 once the event is queued. Its role may invoke
 * exactly its own ARN (serverless.yml, SelfInvokeForSlowWork).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { HandOff } from '../grants/hand-off';

/** Queues `payload` for `functionName` (InvocationType Event); anything but 202 Accepted is an error. */
export async function invokeEvent(
  client: Pick<LambdaClient, 'send'>,
  functionName: string,
  payload: unknown,
): Promise<void> {
  const output = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  if (output.StatusCode !== 202)
    throw new Error(`Lambda answered ${String(output.StatusCode)} instead of 202 Accepted`);
}

export function lambdaHandOff(client: Pick<LambdaClient, 'send'>, functionName: string): HandOff {
  return (work) => invokeEvent(client, functionName, work);
}
