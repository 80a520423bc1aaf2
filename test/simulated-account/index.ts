/**
 * createSimulatedAccount(): the seed estate behind the real SDK clients. Each capability adds its
 * services here (security groups and SNS for drift; load balancers, instances, SSM, CloudWatch … as
 * they land). Call `restore()` when done so later code talks to real clients again.
 */
import { SimulatedAccount } from './account';
import { type CheckServices, installCheckServices } from './checks';
import { seedSecurityGroups } from './estate';
import { installSecurityGroups, type SecurityGroupState } from './security-groups';
import { installSns, type PublishedMessage } from './sns';

export interface Simulation {
  readonly account: SimulatedAccount;
  readonly sg: SecurityGroupState;
  readonly published: PublishedMessage[];
  /** Load balancers, alarms, metrics, certificates, interfaces and the Terraform state (daily/weekly checks). */
  readonly checks: CheckServices;
  restore(): void;
}

export function createSimulatedAccount(options: { seed?: boolean } = {}): Simulation {
  const account = new SimulatedAccount();
  const sg = installSecurityGroups(account);
  const published = installSns(account);
  if (options.seed !== false) seedSecurityGroups(account, sg);
  const checks = installCheckServices(account, options.seed !== false);
  return { account, sg, published, checks, restore: () => account.restore() };
}

export { SimulatedAccount } from './account';
export * from './estate';
export * from './estate-load-balancers';
export * from './identities';
