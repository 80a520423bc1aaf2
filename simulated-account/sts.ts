import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { SimulatedAccount } from './account';

/**
 * STS GetCallerIdentity: who the caller is, as AWS verified it (the principal `account.as` runs as;
 * netwarden's own role otherwise). The CLI asks it to name who paused netwarden.
 */
export function installSts(account: SimulatedAccount): void {
  account.handle(STSClient, GetCallerIdentityCommand, () => {
    const identity = account.caller.userIdentity;
    return {
      UserId: String(identity.principalId ?? ''),
      Account: String(identity.accountId ?? account.accountId),
      Arn: String(identity.arn ?? ''),
    };
  });
}
