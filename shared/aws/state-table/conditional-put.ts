/**
 * The state table's one way to say "write this unless someone was first": a PutItem with a condition,
 * where DynamoDB's ConditionalCheckFailedException is an answer (the condition did not hold: another
 * invocation, press or retry got there first), not a failure. Every other error is thrown as it came,
 * so a throttle or an outage still fails the invocation and is retried.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';

/** The item is new: nothing has that key yet (every state-table item has a `pk`). */
export const ABSENT = 'attribute_not_exists(pk)';

/**
 * Puts `input.Item` if `input.ConditionExpression` holds: true when written, false when it did not
 * hold. The condition is required, so no caller overwrites by accident.
 */
export async function conditionalPut(
  client: Pick<DynamoDBClient, 'send'>,
  input: PutItemCommandInput & { readonly ConditionExpression: string },
): Promise<boolean> {
  try {
    await client.send(new PutItemCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
