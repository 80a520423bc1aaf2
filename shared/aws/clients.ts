/**
 * SDK clients: module-level singletons, created on first use so a function only pays for the
 * clients it calls (and esbuild drops the rest). Region comes from AWS_REGION as the SDK reads it.
 * Writers use standard retries; bulk readers (sweeps, audits) get more attempts because a daily
 * check paging through thousands of rules meets throttling as a matter of course.
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';

export const WRITER_RETRIES = { maxAttempts: 5, retryMode: 'standard' } as const;
export const BULK_READER_RETRIES = { maxAttempts: 10, retryMode: 'standard' } as const;

let ec2: EC2Client | undefined;
let ec2Bulk: EC2Client | undefined;
let elbv2: ElasticLoadBalancingV2Client | undefined;
let sns: SNSClient | undefined;
let ssm: SSMClient | undefined;

export const ec2Client = (): EC2Client => {
  ec2 ??= new EC2Client(WRITER_RETRIES);
  return ec2;
};
export const ec2BulkClient = (): EC2Client => {
  ec2Bulk ??= new EC2Client(BULK_READER_RETRIES);
  return ec2Bulk;
};
export const elbv2Client = (): ElasticLoadBalancingV2Client => {
  elbv2 ??= new ElasticLoadBalancingV2Client(WRITER_RETRIES);
  return elbv2;
};
export const snsClient = (): SNSClient => {
  sns ??= new SNSClient(WRITER_RETRIES);
  return sns;
};
export const ssmClient = (): SSMClient => {
  ssm ??= new SSMClient(WRITER_RETRIES);
  return ssm;
};
let dynamoDb: DynamoDBClient | undefined;
/** The state table (grants). The endpoint can be pointed elsewhere with AWS_ENDPOINT_URL_DYNAMODB. */
export const dynamoDbClient = (): DynamoDBClient => {
  dynamoDb ??= new DynamoDBClient(WRITER_RETRIES);
  return dynamoDb;
};

// The daily and weekly checks only read, in bulk: more retries, since LookupEvents allows 2 calls a second.
let cloudWatch: CloudWatchClient | undefined;
let cloudTrail: CloudTrailClient | undefined;
let acm: ACMClient | undefined;
let elbv2Bulk: ElasticLoadBalancingV2Client | undefined;
const s3ByRegion = new Map<string, S3Client>();

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
export const elbv2BulkClient = (): ElasticLoadBalancingV2Client => {
  elbv2Bulk ??= new ElasticLoadBalancingV2Client(BULK_READER_RETRIES);
  return elbv2Bulk;
};
/** The Terraform state bucket may live in another region than the function. */
export const s3Client = (region?: string): S3Client => {
  const key = region ?? '';
  let client = s3ByRegion.get(key);
  if (!client) {
    client = new S3Client({ ...BULK_READER_RETRIES, ...(region ? { region } : {}) });
    s3ByRegion.set(key, client);
  }
  return client;
};
