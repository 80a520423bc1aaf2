/** Where the Terraform state objects come from (shared/aws/s3.ts); parsing them is shared/terraform/. */
import type { TerraformStateRef } from '../policy/schema';

export interface TerraformStateObjects {
  /** The text of a Terraform state object. */
  read(ref: TerraformStateRef): Promise<string>;
}
