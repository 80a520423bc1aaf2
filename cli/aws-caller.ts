/**
 * Before a command calls AWS with the caller's own identity: is there a region, are there
 * credentials? Resolved by the SDK's own chains (environment, profile, SSO, instance role), so the
 * answer is the one the command's calls would get, given as one line that says what to set.
 */
import { ec2Client } from '../shared/aws/clients';
import { errorMessage } from '../shared/errors';
import { CliError } from './io';

export async function requireAwsCaller(needs: { readonly region: boolean }): Promise<void> {
  const { config } = ec2Client();
  if (needs.region) {
    try {
      await config.region();
    } catch {
      throw new CliError(
        'no AWS region: set AWS_REGION (e.g. export AWS_REGION=ap-northeast-2) or a region in your AWS profile',
      );
    }
  }
  try {
    await config.credentials();
  } catch (error) {
    throw new CliError(
      `no AWS credentials (${errorMessage(error).split('\n')[0]}): set AWS_PROFILE (after aws sso login or aws configure), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
}
