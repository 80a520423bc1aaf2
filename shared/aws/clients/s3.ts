/** The S3 clients, one per region (module-level singletons; one module per service so a lazy adapter loads only its own). */
import { S3Client } from '@aws-sdk/client-s3';
import { BULK_READER_RETRIES } from './retries';

const s3ByRegion = new Map<string, S3Client>();

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
