/**
 * createSimulatedAccount(): the seed estate behind the real SDK clients. Each capability adds its
 * services here (security groups and SNS for drift; load balancers, instances, SSM, CloudWatch … as
 * they land). Call `restore()` when done so later code talks to real clients again.
 */
import { SimulatedAccount } from './account';
import { seedSecurityGroups } from './estate';
import { installSecurityGroups, type SecurityGroupState } from './security-groups';
import { installSns, type PublishedMessage } from './sns';
import { installSsm, type ParameterStore } from './ssm';

export interface Simulation {
  readonly account: SimulatedAccount;
  readonly sg: SecurityGroupState;
  readonly published: PublishedMessage[];
  readonly ssm: ParameterStore;
  restore(): void;
}

export function createSimulatedAccount(options: { seed?: boolean } = {}): Simulation {
  const account = new SimulatedAccount();
  const sg = installSecurityGroups(account);
  const published = installSns(account);
  const ssm = installSsm(account);
  if (options.seed !== false) seedSecurityGroups(account, sg);
  return { account, sg, published, ssm, restore: () => account.restore() };
}

export { SimulatedAccount } from './account';
export * from './estate';
export * from './identities';
