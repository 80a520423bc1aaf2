/**
 * createSimulatedAccount(): the seed estate behind the real SDK clients. Each capability adds its
 * services here (security groups and SNS for drift; load balancers, instances, SSM, CloudWatch … as
 * they land). Call `restore()` when done so later code talks to real clients again.
 */
import { SimulatedAccount } from './account';
import { type AuditServices, installAuditServices } from './audit-services';
import { type InstanceState, installInstances } from './ec2-instances';
import { type Elbv2State, installElbv2 } from './elbv2';
import { seedSecurityGroups } from './estate';
import { seedTargets } from './estate-targets';
import { installSecurityGroups, type SecurityGroupState } from './security-groups';
import { installSns, type PublishedMessage } from './sns';
import { installSsm, type ParameterStore } from './ssm';
import { installSts } from './sts';

export interface Simulation {
  readonly account: SimulatedAccount;
  readonly sg: SecurityGroupState;
  readonly published: PublishedMessage[];
  readonly ssm: ParameterStore;
  readonly instances: InstanceState;
  readonly elbv2: Elbv2State;
  /** Load balancers, alarms, metrics, certificates, interfaces and the Terraform state (daily/weekly checks). */
  readonly checks: AuditServices;
  restore(): void;
}

export function createSimulatedAccount(options: { seed?: boolean; accountId?: string } = {}): Simulation {
  const account = new SimulatedAccount(options.accountId);
  const sg = installSecurityGroups(account);
  const published = installSns(account);
  const ssm = installSsm(account);
  installSts(account);
  const instances = installInstances(account);
  const elbv2 = installElbv2(account, instances, sg);
  if (options.seed !== false) {
    seedSecurityGroups(account, sg);
    seedTargets(account, instances, elbv2);
  }
  const checks = installAuditServices(account, { seed: options.seed !== false, instances, elbv2 });
  return { account, sg, published, ssm, instances, elbv2, checks, restore: () => account.restore() };
}

export { SimulatedAccount } from './account';
export * from './estate';
export * from './estate-load-balancers';
export * from './estate-targets';
export * from './identities';
