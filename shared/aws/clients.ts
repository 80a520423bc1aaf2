/**
 * SDK clients: module-level singletons, created on first use, one module per service under
 * clients/. The lazy adapters (lazy-adapters.ts) import those per-service modules, never this one:
 * a dynamic import keeps every export of its target, so importing this module lazily would load
 * every client. Static callers (the CLI's credential check, cli/aws-caller.ts) may use this barrel.
 */
export { acmClient } from './clients/acm';
export { cloudTrailClient } from './clients/cloudtrail';
export { cloudWatchClient } from './clients/cloudwatch';
export { dynamoDbClient } from './clients/dynamodb';
export { ec2BulkClient, ec2Client } from './clients/ec2';
export { elbv2BulkClient, elbv2Client } from './clients/elbv2';
export { lambdaClient } from './clients/lambda';
export { BULK_READER_RETRIES, WRITER_RETRIES } from './clients/retries';
export { s3Client } from './clients/s3';
export { snsClient } from './clients/sns';
export { sqsClient } from './clients/sqs';
export { ssmClient } from './clients/ssm';
