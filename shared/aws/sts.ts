/**
 * Who the caller is, as AWS verified the request's signature (STS GetCallerIdentity, which needs no
 * permission). The CLI records it with what it does, e.g. who paused netwarden.
 */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

export interface CallerIdentity {
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`, `arn:aws:iam::<account>:user/<name>` … */
  readonly arn: string;
  readonly account: string;
}

export async function callerIdentity(client: Pick<STSClient, 'send'>): Promise<CallerIdentity> {
  const output = await client.send(new GetCallerIdentityCommand({}));
  if (!output.Arn || !output.Account)
    throw new Error('STS GetCallerIdentity answered without Arn or Account');
  return { arn: output.Arn, account: output.Account };
}
