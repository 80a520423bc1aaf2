/**
 * The capabilities at the sizes issue 14 names, on the simulated account at the wire: revert-sg-drift on
 * one event that adds 1,000 rules, and expire-grants over 10,000 live grants read from the state table
 * (dynalite). Reads and writes are AWS calls from the account's call log (findings published to SNS
 * not counted); time is the handler or use case alone, one run each.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { grantStore } from '../../shared/aws/state-table/grants';
import { consoleUser, createSimulatedAccount, GROUPS, type Simulation } from '../../simulated-account/index';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { createStateTable } from '../../simulated-account/state-table';
import { grantDeps, seedGrants } from '../../test/helpers/grants';
import { benchStateTable } from '../state-table';

const DAY = 86_400_000;
const RULES_IN_ONE_EVENT = 1_000;
const LIVE_GRANTS = 10_000;

interface ScaleRow {
  readonly scenario: string;
  readonly reads: number;
  readonly writes: number;
  readonly ms: number;
  readonly outcome: string;
  /** What must hold at this size: every rule revoked; no EC2 read or write when no grant is due. */
  readonly holds: boolean;
}

async function measured(sim: Simulation, run: () => Promise<unknown>) {
  const mark = sim.account.calls.length;
  const start = process.hrtime.bigint();
  const result = await run();
  const ms = Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
  const calls = sim.account.calls.slice(mark).filter((call) => call.service !== 'SNS');
  return {
    result,
    ms,
    reads: calls.filter((call) => !call.write).length,
    writes: calls.filter((call) => call.write).length,
  };
}

/** One console call adding 1,000 rules (tcp 5432 from 1,000 /32s) to rds-postgres-sg, all drift. */
async function revertThousandRules(): Promise<ScaleRow> {
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
    const run = await measured(sim, () => handler(events[0], lambdaContext()));
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
async function expireOverTenThousandGrants(): Promise<ScaleRow> {
  const sim = createSimulatedAccount();
  try {
    const table = await benchStateTable();
    const store = grantStore(table.client, await createStateTable(table.client, 'netwarden-bench-scale'));
    await seedGrants(sim, store, { groups: 250, grants: LIVE_GRANTS, issuedAt: new Date(), ttlMs: DAY / 4 });
    const { expireGrants } = await import('../../functions/expire-grants/expire');
    const run = await measured(sim, () => expireGrants({ ...grantDeps(sim, store), now: () => new Date() }));
    return {
      scenario: `expire-grants: ${LIVE_GRANTS.toLocaleString('en')} live grants in the state table, none due`,
      reads: run.reads,
      writes: run.writes,
      ms: run.ms,
      outcome: 'nothing revoked',
      holds: run.reads === 0 && run.writes === 0,
    };
  } finally {
    sim.restore();
  }
}

export async function benchScale() {
  const rows = [await revertThousandRules(), await expireOverTenThousandGrants()];
  return {
    rows,
    targets: rows.map((row) => ({
      target: `${row.scenario}: reads, writes and time for the event`,
      actual: `${row.reads} reads, ${row.writes} writes, ${row.ms} ms; ${row.outcome}`,
      pass: row.holds,
    })),
  };
}
