/**
 * revert-sg-drift on the simulated account: a console user adds a forbidden rule, the handler
 * revokes it. Calls per event come from the account's call log; time is the handler alone.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { lambdaContext } from '../../test/helpers/context';
import { consoleUser, createSimulatedAccount, GROUPS } from '../../test/simulated-account/index';
import { median } from '../measure';
import type { CapabilityResult } from './types';

export async function benchRevertSgDrift(events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    const { handler } = await import('../../functions/revert-sg-drift/handler');
    const ec2 = new EC2Client({});
    const alice = consoleUser('alice@example.com');
    const times: number[] = [];
    let reads = 0;
    let writes = 0;
    // One warm-up event fills the group-facts cache, as the first event after a cold start does.
    for (let index = -1; index < events; index += 1) {
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
      const mark = sim.account.calls.length;
      const start = process.hrtime.bigint();
      await handler(trail[0], lambdaContext());
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (index < 0) continue;
      times.push(elapsed);
      const calls = sim.account.calls.slice(mark).filter((call) => call.service !== 'SNS');
      reads += calls.filter((call) => !call.write).length;
      writes += calls.filter((call) => call.write).length;
    }
    return {
      capability: 'revert-sg-drift (added rule)',
      events,
      readsPerEvent: reads / events,
      writesPerEvent: writes / events,
      medianHandlerMs: median(times),
      note: 'warm: the group facts are cached after the first event (1 DescribeSecurityGroups per group per 5 min)',
    };
  } finally {
    sim.restore();
  }
}
