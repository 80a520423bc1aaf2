/** S3 GetObject for Terraform state; a missing object is NoSuchKey, a missing bucket NoSuchBucket. */
import { GetObjectCommand, type GetObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import type { SimulatedAccount } from './account';
import { awsError } from './errors';

/** `bucket/key` → object text. */
export type ObjectStore = Map<string, string>;

export function installS3(account: SimulatedAccount): ObjectStore {
  const objects: ObjectStore = new Map();
  account.handle(S3Client, GetObjectCommand, (input: GetObjectCommandInput) => {
    if (![...objects.keys()].some((name) => name.startsWith(`${input.Bucket}/`)))
      throw awsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    const text = objects.get(`${input.Bucket}/${input.Key}`);
    if (text === undefined) throw awsError('NoSuchKey', 'The specified key does not exist.', 404);
    return { ContentType: 'application/json', ContentLength: Buffer.byteLength(text), Body: text };
  });
  return objects;
}
