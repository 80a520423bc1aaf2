/**
 * grant-access while the kill switch is on (docs/operations.md): a new grant is refused with 503 and a
 * grant.rejected finding that names the switch, and nothing is written; listing still works. The
 * switch is the real one, read from the simulated account's Parameter Store.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { handleGrantCall } from '../../../functions/grant-access/http';
import { readStringParameter } from '../../../shared/aws/ssm';
import { accessKey } from '../../../shared/grants/record';
import type { Rule } from '../../../shared/rules/rule';
import { cachedKillSwitch, killSwitchParameter } from '../../../shared/safety/kill-switch';
import { GROUPS } from '../../../simulated-account/index';
import { grantDeps, urlEvent } from '../../helpers/grants';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const PAUSED = killSwitchParameter('test');
const body = { group: GROUPS.postgres, port: 5432, cidr: '203.0.113.7/32', ttl: '2h', reason: 'INC-4821' };

const deps = () => ({
  ...grantDeps(sim.current, table.current.store),
  killSwitch: cachedKillSwitch((name) => readStringParameter(new SSMClient({}), name), PAUSED, {
    now: sim.current.account.clock.now,
  }),
});

describe('grant-access while paused', () => {
  it('refuses a new grant with 503, writes nothing, and its finding says paused', async () => {
    sim.current.ssm.put(PAUSED, 'true', 'String');
    const mark = sim.current.account.calls.length;

    const response = await handleGrantCall(urlEvent({ body }), deps());

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({
      status: 'paused',
      problems: [
        `netwarden is paused (its kill switch ${PAUSED} is on): no grant is created until it is resumed; ask on-call`,
      ],
    });
    expect(callsSince(sim.current, mark).writes.filter((name) => name !== 'Publish')).toEqual([]);
    const access: Rule = {
      groupId: GROUPS.postgres,
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      peer: { type: 'ipv4', cidr: '203.0.113.7/32' },
      tags: {},
    };
    expect(await table.current.store.get(GROUPS.postgres, accessKey(access))).toBeUndefined();
    expect(findingsOf(sim.current)).toMatchObject([
      { kind: 'grant.rejected', mode: 'report', paused: { parameter: PAUSED, because: 'switched-on' } },
    ]);
  });

  it('still lists grants, and grants again once the switch is off', async () => {
    sim.current.ssm.put(PAUSED, 'true', 'String');
    const listing = await handleGrantCall(urlEvent({ method: 'GET' }), deps());
    expect(listing.statusCode).toBe(200);

    sim.current.ssm.put(PAUSED, 'false', 'String');
    const granted = await handleGrantCall(urlEvent({ body }), deps());
    expect(granted.statusCode).toBe(201);
  });
});
