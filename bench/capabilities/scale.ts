/**
 * The capabilities at the sizes issue 14 names, on the simulated account at the wire: revert-sg-drift on
 * one event that adds 1,000 rules, expire-grants over 10,000 live grants read from the state table
 * (dynalite), and the heal-targets sweep over 200 opted-in target groups of 20 targets each (healthy,
 * then with one of the 20 instances stopped). Reads and writes are AWS calls from the account's call log (findings published to SNS
 * not counted); time is the handler or use case alone, one run each.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { grantStore } from '../../shared/aws/state-table/grants';
import {
  consoleUser,
  createSimulatedAccount,
  elbArn,
  GROUPS,
  NLB_ARN,
  type Simulation,
  SUBNETS,
  simInstance,
  simTargetGroup,
  stopInstance,
} from '../../simulated-account/index';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { loadEvent } from '../../simulated-account/load-event';
import { createStateTable } from '../../simulated-account/state-table';
import { grantDeps, seedGrants } from '../../test/helpers/grants';
import { benchStateTable } from '../state-table';

const DAY = 86_400_000;
const RULES_IN_ONE_EVENT = 1_000;
const LIVE_GRANTS = 10_000;
const SWEPT_GROUPS = 200;
const TARGETS_PER_GROUP = 20;

interface ScaleRow {
  readonly scenario: string;
  readonly reads: number;
  readonly writes: number;
  readonly ms: number;
  readonly outcome: string;
  /** Requests to the state table (dynalite) by command, where the scenario reads it: not AWS calls above. */
  readonly stateTable?: string;
  /** What must hold at this size: every rule revoked; no EC2 read or write when no grant is due. */
  readonly holds: boolean;
}

/**
 * A context with the function's deployed timeout (serverless.yml), not the tests' fixed 30 s: on a
 * shared machine a sweep can take longer than 30 s of wall time, and middy answers it as timed out.
 */
const deployedContext = (timeoutSeconds: number) => ({
  ...lambdaContext(),
  getRemainingTimeInMillis: () => timeoutSeconds * 1000,
});

async function measured(sim: Simulation, run: () => Promise<unknown>) {
  const mark = sim.account.calls.length;
  const start = process.hrtime.bigint();
  const result = await run();
  const ms = Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
  const calls = sim.account.calls.slice(mark).filter((call) => call.service !== 'SNS');
  const count = (list: typeof calls) => {
    const byCommand = new Map<string, number>();
    for (const call of list) byCommand.set(call.command, (byCommand.get(call.command) ?? 0) + 1);
    return [...byCommand].map(([command, n]) => `${n} ${command}`).join(', ');
  };
  return {
    result,
    ms,
    /** The calls by command (`200 DescribeTargetHealth, …`): where the reads go at this size. */
    readsByCommand: count(calls.filter((call) => !call.write)),
    writesByCommand: count(calls.filter((call) => call.write)),
    reads: calls.filter((call) => !call.write).length,
    writes: calls.filter((call) => call.write).length,
  };
}

/** One console call adding 1,000 rules (tcp 5432 from 1,000 /32s) to rds-postgres-sg, all drift. */
/** Exported for a one-off run of this row alone. */
export async function revertThousandRules(): Promise<ScaleRow> {
  const sim = createSimulatedAccount();
  try {
    // AWS lets the rules-per-group quota be raised to 1,000; the simulated account defaults to 60.
    sim.sg.rulesPerGroupLimit = RULES_IN_ONE_EVENT + 60;
    const { handler } = await import('../../functions/revert-sg-drift/handler');
    const ranges = Array.from({ length: RULES_IN_ONE_EVENT }, (_, index) => ({
      CidrIp: `198.19.${Math.floor(index / 250)}.${(index % 250) + 1}/32`,
    }));
    const { events } = await sim.account.as(consoleUser('alice@example.com'), () =>
      new EC2Client({}).send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: ranges }],
        }),
      ),
    );
    const run = await measured(sim, () => handler(events[0], deployedContext(60)));
    const left = [...sim.sg.rules.values()].filter((rule) => rule.CidrIpv4?.startsWith('198.19.')).length;
    return {
      scenario: `revert-sg-drift: one event adding ${RULES_IN_ONE_EVENT.toLocaleString('en')} rules`,
      reads: run.reads,
      writes: run.writes,
      ms: run.ms,
      outcome: `${RULES_IN_ONE_EVENT - left} of ${RULES_IN_ONE_EVENT} rules revoked`,
      holds: left === 0,
    };
  } finally {
    sim.restore();
  }
}

/** The expiry schedule over 10,000 live grants (none due) across 250 groups, read from the state table. */
/** Exported for a one-off run of this row alone. */
export async function expireOverTenThousandGrants(): Promise<ScaleRow> {
  const sim = createSimulatedAccount();
  try {
    const table = await benchStateTable();
    const store = grantStore(table.client, await createStateTable(table.client, 'netwarden-bench-scale'));
    await seedGrants(sim, store, { groups: 250, grants: LIVE_GRANTS, issuedAt: new Date(), ttlMs: DAY / 4 });
    const { expireGrants } = await import('../../functions/expire-grants/expire');
    // The schedule's reads go to the state table, not to EC2: count them by command too.
    const stateTable = new Map<string, number>();
    table.client.middlewareStack.add(
      (next, context) => (args) => {
        const command = (context.commandName ?? '?').replace(/Command$/, '');
        stateTable.set(command, (stateTable.get(command) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'benchStateTableCount' },
    );
    let run: Awaited<ReturnType<typeof measured>>;
    try {
      run = await measured(sim, () => expireGrants({ ...grantDeps(sim, store), now: () => new Date() }));
    } finally {
      table.client.middlewareStack.remove('benchStateTableCount');
    }
    return {
      scenario: `expire-grants: ${LIVE_GRANTS.toLocaleString('en')} live grants in the state table, none due`,
      reads: run.reads,
      writes: run.writes,
      ms: run.ms,
      outcome: 'nothing revoked',
      stateTable: [...stateTable].map(([command, n]) => `${n} ${command}`).join(', '),
      holds: run.reads === 0 && run.writes === 0,
    };
  } finally {
    sim.restore();
  }
}

/**
 * 200 opted-in target groups (tag netwarden:heal=true) of the same 20 gateway instances, half on port 80
 * and half on 9995 (what gateway-instance-sg admits from the NLB's subnets), each behind a listener of
 * gateway-nlb: the estate of a large tenant, swept once. `stopped`: one instance is stopped, so every
 * group has one unhealthy target of 20 and the sweep should start that instance, once.
 */
export async function sweepTwoHundredGroups(stopped: boolean): Promise<ScaleRow> {
  const sim = createSimulatedAccount();
  try {
    const upSince = sim.account.clock.now().getTime() - DAY;
    const instanceIds = Array.from({ length: TARGETS_PER_GROUP }, (_, index) => {
      const instanceId = `i-0be${'0'.repeat(10)}${index.toString(16).padStart(4, '0')}`;
      const subnet = SUBNETS[index % SUBNETS.length] ?? SUBNETS[0];
      sim.instances.instances.set(
        instanceId,
        simInstance({
          instanceId,
          subnet,
          host: 100 + index,
          tags: [{ Key: 'Name', Value: `bench-gateway-${index + 1}` }],
          listensOn: [80, 9995],
          upSince,
        }),
      );
      return instanceId;
    });
    for (let index = 0; index < SWEPT_GROUPS; index += 1) {
      const port = index % 2 === 0 ? 80 : 9995;
      const suffix = String(index).padStart(16, '0');
      const arn = elbArn(`targetgroup/bench-tg-${index}/${suffix}`);
      sim.elbv2.targetGroups.set(
        arn,
        simTargetGroup({
          arn,
          name: `bench-tg-${index}`,
          port,
          tags: [{ Key: 'netwarden:heal', Value: 'true' }],
          registrations: instanceIds.map((id) => ({ id, port, registeredAt: upSince })),
        }),
      );
      const listener = elbArn(`listener/net/gateway-nlb/5f3c2a1b0e9d8c7a/${suffix}`);
      sim.elbv2.listeners.set(listener, {
        arn: listener,
        loadBalancerArn: NLB_ARN,
        port: 20_000 + index,
        protocol: 'TCP',
        targetGroupArn: arn,
      });
    }
    const victim = instanceIds[0] ?? '';
    if (stopped) stopInstance(sim, victim);
    const { handler } = await import('../../functions/heal-targets/handler');
    const run = await measured(sim, () =>
      handler(loadEvent('schedule/heal-targets-sweep.json'), deployedContext(120)),
    );
    const started = sim.instances.instances.get(victim)?.state !== 'stopped';
    const groups = SWEPT_GROUPS + 2;
    return {
      scenario: `heal-targets: one sweep over ${groups} opted-in target groups (${SWEPT_GROUPS} of ${TARGETS_PER_GROUP} targets, the seed's 2 of 3)${stopped ? ', one of the 20 instances stopped' : ', all healthy'}`,
      reads: run.reads,
      writes: run.writes,
      ms: run.ms,
      outcome: `${stopped ? `the stopped instance ${started ? 'started' : 'left stopped'}` : 'nothing to heal'}; reads: ${run.readsByCommand}${run.writes > 0 ? `; writes: ${run.writesByCommand}` : ''}`,
      holds: stopped ? started : run.writes === 0,
    };
  } finally {
    sim.restore();
  }
}

export async function benchScale() {
  const rows = [
    await revertThousandRules(),
    await expireOverTenThousandGrants(),
    await sweepTwoHundredGroups(false),
    await sweepTwoHundredGroups(true),
  ];
  return {
    rows,
    targets: rows.map((row) => ({
      target: `${row.scenario}: reads, writes and time for the event`,
      actual: `${row.reads} reads, ${row.writes} writes${row.stateTable ? ` (state table: ${row.stateTable})` : ''}, ${row.ms} ms; ${row.outcome}`,
      pass: row.holds,
    })),
  };
}
