/**
 * `--simulated`: grant-access's own code (handleGrantCall) in process, against the simulated account
 * and a local state table (dynalite on 127.0.0.1), as a stated simulated identity — the principal a
 * real Function URL would have verified. No credentials, no network beyond 127.0.0.1.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { handleGrantCall } from '../functions/grant-access/http';
import { ec2SecurityGroups } from '../shared/aws/ec2/security-groups';
import { ruleTagger } from '../shared/aws/ec2/tags';
import { snsPublisher } from '../shared/aws/sns';
import type { GrantStore } from '../shared/grants/record';
import { loadPolicy } from '../shared/policy/load';
import { functionUrlEvent } from '../simulated-account/function-url';
import { ACCOUNT_ID, createSimulatedAccount, type Simulation } from '../simulated-account/index';
import { startStateTable } from '../simulated-account/state-table';
import type { GrantTransport } from './grant-client';

const SIMULATED_TOPIC = 'arn:aws:sns:ap-northeast-2:111122223333:netwarden-simulated-findings';

export interface SimulatedGrants {
  /** The principal every simulated request is made as. */
  readonly identity: string;
  readonly send: GrantTransport;
  readonly now: () => Date;
  readonly store: GrantStore;
  close(): Promise<void>;
}

/** The db-oncall role's session for $USER: a requester the shipped policy lists. */
export const simulatedIdentity = (user = process.env.USER ?? 'you') =>
  `arn:aws:sts::${ACCOUNT_ID}:assumed-role/db-oncall/${user}`;

export async function simulatedGrantAccess(
  existing?: Simulation,
  options: { identity?: string; store?: GrantStore; policyPath?: string } = {},
): Promise<SimulatedGrants> {
  process.env.AWS_REGION ??= 'ap-northeast-2';
  process.env.AWS_ACCESS_KEY_ID ??= 'simulated';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'simulated';
  const sim = existing ?? createSimulatedAccount();
  const table = options.store ? undefined : await startStateTable('netwarden-simulated-state');
  const store = options.store ?? table?.store;
  if (!store) throw new Error('no state table');
  const ec2 = new EC2Client({});
  const identity = options.identity ?? simulatedIdentity();
  const deps = {
    sg: ec2SecurityGroups(ec2),
    tagger: ruleTagger(ec2),
    store,
    publish: snsPublisher(new SNSClient({}), SIMULATED_TOPIC),
    now: sim.account.clock.now,
    policy: loadPolicy(options.policyPath ?? process.env.POLICY_PATH ?? 'netwarden.policy.yml'),
  };
  return {
    identity,
    now: sim.account.clock.now,
    store,
    send: async (call) => {
      const response = await handleGrantCall(
        functionUrlEvent({ ...call, arn: identity, now: sim.account.clock.now() }),
        deps,
      );
      return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
    },
    close: async () => {
      await table?.stop();
      if (!existing) sim.restore();
    },
  };
}
