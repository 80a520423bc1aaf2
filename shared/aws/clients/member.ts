/**
 * SDK clients of member accounts of an organisation: one per service, role and session in a container
 * (module-level, like the central account's singletons), signing with the member role's credentials.
 * The STS client and the credential cache (../member-credentials.ts) load with the first member call,
 * so a single-account cold start never parses them.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { MemberAccess } from '../../policy/organization';

const clients = new Map<string, unknown>();

const credentialsOf = (access: MemberAccess) => (): Promise<AwsCredentialIdentity> =>
  import('../member-credentials').then(({ memberCredentials }) =>
    memberCredentials(access, () => new Date())(),
  );

/** The client `kind` makes for `access`, made once. */
export function clientAs<T>(
  kind: string,
  access: MemberAccess,
  make: (credentials: () => Promise<AwsCredentialIdentity>) => T,
): T {
  const key = `${kind}|${access.roleArn}|${access.sessionName}`;
  const known = clients.get(key) as T | undefined;
  if (known) return known;
  const client = make(credentialsOf(access));
  clients.set(key, client);
  return client;
}
