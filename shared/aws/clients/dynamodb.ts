/** The DynamoDB client (a module-level singleton; one module per service so a lazy adapter loads only its own). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WRITER_RETRIES } from './retries';

let dynamoDb: DynamoDBClient | undefined;

/** The state table. The endpoint can be pointed elsewhere with AWS_ENDPOINT_URL_DYNAMODB. */
export const dynamoDbClient = (): DynamoDBClient => {
  dynamoDb ??= new DynamoDBClient(WRITER_RETRIES);
  return dynamoDb;
};
