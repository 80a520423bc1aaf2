/** Reads a Terraform state object from its S3 backend (the bucket may be in another region). */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TerraformStateObjects } from '../estate/terraform-state';

export function s3TerraformStateObjects(clientFor: (region?: string) => S3Client): TerraformStateObjects {
  return {
    async read(ref) {
      const output = await clientFor(ref.region).send(
        new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }),
      );
      if (!output.Body) throw new Error(`s3://${ref.bucket}/${ref.key} has no body`);
      return output.Body.transformToString('utf-8');
    },
  };
}
