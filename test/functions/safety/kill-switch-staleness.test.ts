/**
 * The kill switch's bound, for every function that writes to the estate on its own judgement: set
 * `/netwarden/<stage>/paused` while a container runs, and that container stops writing at most 60 s
 * after it last read the switch. Within those 60 s it does not read it again (one GetParameter a
 * minute, whatever the traffic: the value it holds may be up to 60 s old), at 60 s it reads it again and
 * holds every write from then on. Each function runs through its real handler on the simulated account
 * (SSM, EC2, ELBv2, SNS at the wire; the state table on dynalite); Date is faked, nothing sleeps.
 * expire-grants is not here by design: it keeps closing expired grants while paused (invariant 13).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { killSwitchParameter } from '../../../shared/safety/kill-switch';
import { GATEWAY_INSTANCES, GROUPS, stopInstance } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import { tcp } from '../../../simulated-account/permissions';
import { urlEvent } from '../../helpers/grants';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const PAUSED = killSwitchParameter('test');
const sim = useSimulation();
useStateTable();

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
/** A cold start of the function: its wiring (and its kill switch's cache) is new. */
async function coldStart(fn: 'revert-sg-drift' | 'heal-targets' | 'grant-access'): Promise<Handler> {
  vi.resetModules();
  const module = await import(`../../../functions/${fn}/handler.ts`);
  return module.handler as Handler;
}

let clock = 0;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  clock = sim.current.account.clock.now().getTime();
  vi.setSystemTime(clock);
});
afterEach(() => {
  vi.useRealTimers();
});
/** Moves the handlers' clock (Date) and the simulated account's together. */
function advance(ms: number): void {
  clock += ms;
  sim.current.account.clock.advance(ms);
  vi.setSystemTime(clock);
}

async function run(handler: Handler, event: unknown, name = 'netwarden-test-fn') {
  const mark = sim.current.account.calls.length;
  const published = sim.current.published.length;
  const result = await handler(event, lambdaContext(name));
  const calls = callsSince(sim.current, mark);
  return {
    result,
    writes: calls.writes,
    switchReads: calls.all.filter((call) => call.command === 'GetParameter').map((call) => call.input),
    findings: findingsOf(sim.current, published),
  };
}

describe('revert-sg-drift', () => {
  /** A console user opens a database port to the world: a guardrail breach revert-sg-drift revokes. */
  async function breach(port: number) {
    const { AuthorizeSecurityGroupIngressCommand, EC2Client } = await import('@aws-sdk/client-ec2');
    const ec2 = new EC2Client({});
    const { consoleUser } = await import('../../../simulated-account/index');
    const { events } = await sim.current.account.as(consoleUser('alice@example.com'), () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(port, '0.0.0.0/0')],
        }),
      ),
    );
    return events[0];
  }

  it('paused after its last read: still revokes until that read is 60 s old, then reads again and holds', async () => {
    const handler = await coldStart('revert-sg-drift');
    const running = await run(handler, await breach(5432));
    expect(running.switchReads).toEqual([{ Name: PAUSED }]);
    expect(running.writes).toEqual(['RevokeSecurityGroupIngress']);

    advance(1_000);
    sim.current.ssm.put(PAUSED, 'true', 'String');
    advance(58_999);
    // 59.999 s after the read: the container still holds "running" and does not ask SSM again.
    const stale = await run(handler, await breach(3306));
    expect(stale.switchReads).toEqual([]);
    expect(stale.writes).toEqual(['RevokeSecurityGroupIngress']);

    advance(1);
    const held = await run(handler, await breach(6379));
    expect(held.switchReads).toEqual([{ Name: PAUSED }]);
    expect(held.writes).toEqual([]);
    expect(held.findings).toMatchObject([
      {
        kind: 'sg.guardrail-breach',
        mode: 'report',
        outcome: 'would-act',
        paused: { because: 'switched-on' },
      },
    ]);
  });
});

describe('heal-targets', () => {
  const sweep = () => loadEvent('schedule/heal-targets-sweep.json');
  const name = 'netwarden-test-heal-targets';

  it('paused after its last read: the next sweep 60 s on reads the switch again and starts nothing', async () => {
    const handler = await coldStart('heal-targets');
    const first = await run(handler, sweep(), name);
    expect(first.switchReads).toEqual([{ Name: PAUSED }]);
    expect(first.writes).toEqual([]);

    sim.current.ssm.put(PAUSED, 'true', 'String');
    advance(59_999);
    const stale = await run(handler, sweep(), name);
    expect(stale.switchReads).toEqual([]);

    stopInstance(sim.current, GATEWAY_INSTANCES[1] ?? '');
    advance(1);
    const held = await run(handler, sweep(), name);
    expect(held.switchReads).toEqual([{ Name: PAUSED }]);
    expect(held.writes).toEqual([]);
    // Both groups behind the stopped instance say what they would do, and that the switch is why.
    const paused = {
      kind: 'targets.healing',
      mode: 'report',
      outcome: 'would-act',
      paused: { parameter: PAUSED, because: 'switched-on' },
    };
    expect(held.findings).toMatchObject([
      { ...paused, resource: { name: 'gateway-tg-https' } },
      { ...paused, resource: { name: 'gateway-tg-custom' } },
    ]);
  });

  it('running again: the same stopped instance is started once the paused value read is 60 s old', async () => {
    sim.current.ssm.put(PAUSED, 'true', 'String');
    stopInstance(sim.current, GATEWAY_INSTANCES[1] ?? '');
    const handler = await coldStart('heal-targets');
    expect((await run(handler, sweep(), name)).writes).toEqual([]);

    sim.current.ssm.put(PAUSED, 'false', 'String');
    advance(59_999);
    expect((await run(handler, sweep(), name)).writes).toEqual([]);
    advance(1);
    expect((await run(handler, sweep(), name)).writes).toEqual(['CreateTags', 'StartInstances']);
  });
});

describe('grant-access', () => {
  const grant = (cidr: string) =>
    urlEvent({ body: { group: GROUPS.postgres, port: 5432, cidr, ttl: '2h', reason: 'INC-4821' } });
  const name = 'netwarden-test-grant-access';

  it('paused after its last read: grants until that read is 60 s old, then refuses (503) and writes nothing', async () => {
    const handler = await coldStart('grant-access');
    const first = await run(handler, grant('203.0.113.7/32'), name);
    expect(first.result).toMatchObject({ statusCode: 201 });
    expect(first.switchReads).toEqual([{ Name: PAUSED }]);

    sim.current.ssm.put(PAUSED, 'true', 'String');
    advance(59_999);
    const stale = await run(handler, grant('203.0.113.8/32'), name);
    expect(stale.result).toMatchObject({ statusCode: 201 });
    expect(stale.switchReads).toEqual([]);

    advance(1);
    const held = await run(handler, grant('203.0.113.9/32'), name);
    expect(held.result).toMatchObject({ statusCode: 503 });
    expect(held.switchReads).toEqual([{ Name: PAUSED }]);
    expect(held.writes).toEqual([]);
    expect(held.findings).toMatchObject([{ kind: 'grant.rejected', paused: { because: 'switched-on' } }]);
  });
});
