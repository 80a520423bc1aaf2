/**
 * Everything the daily and weekly checks read, installed together: the seed's old NLB (added to the
 * load-balancing simulation of elbv2.ts),
 * CloudWatch, CloudTrail, ACM, S3 (the Terraform state object) and network interfaces.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulatedAccount } from './account';
import { installAcm } from './acm';
import type { LoadBalancingEstate } from './audit-state';
import { installCloudTrail } from './cloudtrail';
import { installCloudWatch } from './cloudwatch';
import type { InstanceState } from './ec2-instances';
import { installNetwork, type NetworkState } from './ec2-network';
import type { Elbv2State } from './elbv2';
import { estateLoadBalancers, seedOldLoadBalancer, TERRAFORM_STATE } from './estate-load-balancers';
import { installS3, type ObjectStore } from './s3';

export interface AuditServices {
  readonly estate: LoadBalancingEstate;
  readonly network: NetworkState;
  readonly objects: ObjectStore;
}

export const TERRAFORM_STATE_FIXTURE = join(import.meta.dirname, 'terraform.tfstate.json');

export function installAuditServices(
  account: SimulatedAccount,
  options: { seed: boolean; instances: InstanceState; elbv2: Elbv2State },
): AuditServices {
  const { seed } = options;
  const empty: LoadBalancingEstate = {
    certificates: [],
    interfaces: [],
    metrics: [],
    alarms: [],
  };
  // The state objects are mutable so tests and stories can break or mend the estate in place.
  const estate = seed ? estateLoadBalancers(account.clock.now()) : empty;
  const network: NetworkState = { interfaces: estate.interfaces, stale: new Map() };
  if (seed) seedOldLoadBalancer(account.clock.now(), options.instances, options.elbv2);
  installCloudWatch(account, estate);
  installCloudTrail(account);
  installAcm(account, estate.certificates);
  installNetwork(account, network);
  const objects = installS3(account);
  if (seed)
    objects.set(
      `${TERRAFORM_STATE.bucket}/${TERRAFORM_STATE.key}`,
      readFileSync(TERRAFORM_STATE_FIXTURE, 'utf8'),
    );
  return { estate, network, objects };
}
