/**
 * Credentials for a member account of an organisation: sts:AssumeRole of the member role with the
 * policy's external id, cached per role until five minutes before they expire, so a warm container
 * assumes each member's role about once an hour however many events it handles. One AssumeRole is in
 * flight per role at a time: concurrent calls wait for it instead of assuming the role again.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { MemberRoleRefused } from '../errors';
import type { MemberAccess } from '../policy/organization';
import { stsClient } from './clients/sts';

/** Refresh this long before expiry: a call signed with credentials about to expire may arrive after it. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

export { MemberRoleRefused };

type Provider = () => Promise<AwsCredentialIdentity>;
const providers = new Map<string, Provider>();

/** The credential provider for `access` (one per role, session and external id in this container). */
export function memberCredentials(
  access: MemberAccess,
  now: () => Date,
  sts: () => STSClient = stsClient,
): Provider {
  const key = `${access.roleArn}|${access.sessionName}|${access.externalId}`;
  const known = providers.get(key);
  if (known) return known;
  let current: AwsCredentialIdentity | undefined;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;
  const fresh = () =>
    current?.expiration !== undefined && current.expiration.getTime() - now().getTime() > REFRESH_BEFORE_MS;
  const provider: Provider = async () => {
    if (current && fresh()) return current;
    inFlight ??= assume(sts(), access).finally(() => {
      inFlight = undefined;
    });
    current = await inFlight;
    return current;
  };
  providers.set(key, provider);
  return provider;
}

async function assume(sts: STSClient, access: MemberAccess): Promise<AwsCredentialIdentity> {
  try {
    const { Credentials: credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: access.roleArn,
        RoleSessionName: access.sessionName,
        ExternalId: access.externalId,
      }),
    );
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken)
      throw new Error('AssumeRole returned no credentials');
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    };
  } catch (error) {
    const code = error instanceof Error ? error.name : 'Error';
    // Only a refusal is reported as the member being unreachable (and the event answered): a throttle,
    // an STS outage or a lost connection is thrown as it is, so that Lambda retries the event and a
    // passing failure does not drop a member's remediation for good.
    if (REFUSALS.has(code)) throw new MemberRoleRefused(access, code, error);
    throw error;
  }
}

/**
 * AssumeRole's answers that retrying cannot change (STS API reference): the role does not exist, does
 * not trust the caller or wants another external id (all `AccessDenied`), or STS is not activated in
 * the region.
 */
const REFUSALS = new Set(['AccessDenied', 'RegionDisabledException']);
