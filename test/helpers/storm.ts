/**
 * A storm for the blast-radius budget's tests: protected groups added to the simulated account, and a
 * deploy role missing from trustedPrincipals adding rules to them, so that every change is drift
 * revert-sg-drift would revoke.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { CloudTrailEvent } from '../../simulated-account/account';
import {
  ACCOUNT_ID,
  assumedRole,
  type Identity,
  type Simulation,
  VPC_ID,
} from '../../simulated-account/index';
import { tcp } from '../../simulated-account/permissions';

/** A deploy role nobody added to trustedPrincipals: every rule it adds to a protected group is drift. */
export const untrustedDeployRole = assumedRole('deploy-pipeline', 'release-4711');

/** `count` groups tagged for protection (netwarden:protect=true), as the seed's are; no API call, no event. */
export function protectedGroups(sim: Simulation, count: number, first = 0): string[] {
  return Array.from({ length: count }, (_, offset) => {
    const index = first + offset;
    const id = `sg-${(0x5700000 + index).toString(16).padStart(17, '0')}`;
    sim.sg.groups.set(id, {
      GroupId: id,
      GroupName: `service-${index}`,
      Description: 'a service behind the gateway',
      VpcId: VPC_ID,
      OwnerId: ACCOUNT_ID,
      Tags: [{ Key: 'netwarden:protect', Value: 'true' }],
    });
    return id;
  });
}

/**
 * The deploy role adds one rule per change, change n on groups[n % groups.length]; returns the
 * CloudTrail events AWS delivers, in order.
 */
export async function stormEvents(
  actAs: (identity: Identity, act: () => Promise<unknown>) => Promise<CloudTrailEvent>,
  groups: ReadonlyArray<string>,
  changes: number,
  first = 0,
): Promise<CloudTrailEvent[]> {
  const ec2 = new EC2Client({});
  const events: CloudTrailEvent[] = [];
  for (let n = first; n < first + changes; n += 1) {
    const cidr = `10.${60 + Math.floor(n / 250)}.${n % 250}.0/24`;
    events.push(
      await actAs(untrustedDeployRole, () =>
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groups[n % groups.length],
            IpPermissions: [tcp(8443, cidr, `release 4711 change ${n}`)],
          }),
        ),
      ),
    );
  }
  return events;
}
