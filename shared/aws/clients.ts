/**
 * SDK clients: module-level singletons, created on first use so a function only pays for the
 * clients it calls (and esbuild drops the rest). Region comes from AWS_REGION as the SDK reads it.
 * The lazy adapters (ports.ts) import the per-service modules under clients/ instead: a dynamic
 * import keeps every export of its target, so importing this module lazily would load every client.
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import { BULK_READER_RETRIES, WRITER_RETRIES } from './clients/retries';

export { dynamoDbClient } from './clients/dynamodb';
export { ec2BulkClient, ec2Client } from './clients/ec2';
export { elbv2BulkClient, elbv2Client } from './clients/elbv2';
export { BULK_READER_RETRIES, WRITER_RETRIES } from './clients/retries';
export { s3Client } from './clients/s3';
export { snsClient } from './clients/sns';

let ssm: SSMClient | undefined;

export const ssmClient = (): SSMClient => {
  ssm ??= new SSMClient(WRITER_RETRIES);
  return ssm;
};

// The daily and weekly checks only read, in bulk: more retries, since LookupEvents allows 2 calls a second.
let cloudWatch: CloudWatchClient | undefined;
let cloudTrail: CloudTrailClient | undefined;
let acm: ACMClient | undefined;

export const cloudWatchClient = (): CloudWatchClient => {
  cloudWatch ??= new CloudWatchClient(BULK_READER_RETRIES);
  return cloudWatch;
};
export const cloudTrailClient = (): CloudTrailClient => {
  cloudTrail ??= new CloudTrailClient(BULK_READER_RETRIES);
  return cloudTrail;
};
export const acmClient = (): ACMClient => {
  acm ??= new ACMClient(BULK_READER_RETRIES);
  return acm;
};
