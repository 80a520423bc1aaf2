/**
 * revert-sg-drift on the simulated account: a console user adds a forbidden rule, the handler
 * revokes it. Calls per event come from the account's call log; time is the handler alone.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { consoleUser, createSimulatedAccount, GROUPS } from '../../simulated-account/index';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { perEvent } from '../measure';
import type { CapabilityResult } from './types';

export async function benchRevertSgDrift(events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    const { handler } = await import('../../functions/revert-sg-drift/handler');
    const ec2 = new EC2Client({});
    const alice = consoleUser('alice@example.com');
    // The warm-up event (index -1) fills the group-facts cache, as the first event after a cold start does.
    const measured = await perEvent(
      sim.account,
      events,
      async (index) => {
        const port = 1024 + (index + 1);
        const { events: trail } = await sim.account.as(alice, () =>
          ec2.send(
            new AuthorizeSecurityGroupIngressCommand({
              GroupId: GROUPS.postgres,
              IpPermissions: [
                { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '203.0.113.0/24' }] },
              ],
            }),
          ),
        );
        return trail[0];
      },
      (event) => handler(event, lambdaContext()),
    );
    return {
      capability: 'revert-sg-drift (added rule)',
      events,
      ...measured,
      note: 'warm: the group facts are cached after the first event (1 DescribeSecurityGroups per group per 5 min)',
    };
  } finally {
    sim.restore();
  }
}
