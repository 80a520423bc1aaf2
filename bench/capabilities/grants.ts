/**
 * Grants on the simulated account with the state table on dynalite: grant-access creating grants
 * through its Function URL, and expire-grants sweeping a large account. The scaling bench checks
 * that finding due grants costs no EC2 read at all, whatever the number of groups or grants: they
 * come from one query of the state table.
 */

import { grantStore } from '../../shared/aws/state-table/grants';
import { functionUrlEvent } from '../../simulated-account/function-url';
import { createSimulatedAccount, GROUPS, type Simulation } from '../../simulated-account/index';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { loadEvent } from '../../simulated-account/load-event';
import { createStateTable } from '../../simulated-account/state-table';
import { seedGrants } from '../../test/helpers/grants';
import { median } from '../measure';
import { benchStateTable } from '../state-table';
import type { CapabilityResult } from './types';

const DAY = 86_400_000;

async function timed(sim: Simulation, run: () => Promise<unknown>) {
  const mark = sim.account.calls.length;
  const start = process.hrtime.bigint();
  await run();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  const calls = sim.account.calls.slice(mark).filter((call) => call.service !== 'SNS');
  return {
    elapsed,
    reads: calls.filter((call) => !call.write).length,
    writes: calls.filter((call) => call.write).length,
  };
}

async function withStateTable<T>(run: (table: Awaited<ReturnType<typeof benchStateTable>>) => Promise<T>) {
  return run(await benchStateTable());
}

export async function benchGrantAccess(events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    return await withStateTable(async () => {
      const { handler } = await import('../../functions/grant-access/handler');
      const samples = [];
      for (let index = -1; index < events; index += 1) {
        const n = index + 1;
        const request = functionUrlEvent({
          method: 'POST',
          path: '/grants',
          arn: 'arn:aws:sts::111122223333:assumed-role/db-oncall/bench',
          body: {
            group: GROUPS.postgres,
            port: 5432,
            cidr: `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}/32`,
            reason: 'bench grant',
          },
        });
        const sample = await timed(sim, () => handler(request, lambdaContext()));
        if (index >= 0) samples.push(sample);
        // Keep the group under AWS's rule limit: grants are removed again as expire-grants would.
        for (const [id, rule] of sim.sg.rules)
          if (rule.CidrIpv4?.startsWith('198.18.')) sim.sg.rules.delete(id);
      }
      return summary(
        'grant-access (new grant)',
        samples,
        'validates, records the grant (conditional put), one Authorize call carrying the label, marks it live',
      );
    });
  } finally {
    sim.restore();
  }
}

export async function benchExpireGrants(events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    return await withStateTable(async (table) => {
      await seedGrants(sim, table.store, {
        groups: 2500,
        grants: 300,
        issuedAt: new Date(),
        ttlMs: 6 * 3_600_000,
      });
      const { handler } = await import('../../functions/expire-grants/handler');
      const tick = loadEvent('schedule/expire-grants.json');
      const samples = [];
      for (let index = -1; index < events; index += 1) {
        const sample = await timed(sim, () => handler(structuredClone(tick), lambdaContext()));
        if (index >= 0) samples.push(sample);
      }
      return summary(
        'expire-grants (2,500 groups, 300 live grants)',
        samples,
        'one query of the state table per run; no EC2 read until a grant is due',
      );
    });
  } finally {
    sim.restore();
  }
}

function summary(
  capability: string,
  samples: Array<{ elapsed: number; reads: number; writes: number }>,
  note: string,
): CapabilityResult {
  const total = (key: 'reads' | 'writes') => samples.reduce((sum, sample) => sum + sample[key], 0);
  return {
    capability,
    events: samples.length,
    readsPerEvent: total('reads') / samples.length,
    writesPerEvent: total('writes') / samples.length,
    medianHandlerMs: median(samples.map((sample) => sample.elapsed)),
    note,
  };
}

/** Reads per expire-grants run as the account grows: they follow matching rules, not groups. */
export async function benchExpiryScaling() {
  const cases = [
    { groups: 250, grants: 300 },
    { groups: 2500, grants: 300 },
    { groups: 2500, grants: 2500 },
  ];
  const rows: Array<{ groups: number; grants: number; describePages: number }> = [];
  for (const shape of cases) {
    const sim = createSimulatedAccount();
    try {
      const reads = await withStateTable(async (table) => {
        // A fresh table per case: each seeds the same groups and sources, which one table holds once.
        const store = grantStore(
          table.client,
          await createStateTable(table.client, 'netwarden-bench-scaling'),
        );
        await seedGrants(sim, store, { ...shape, issuedAt: new Date(), ttlMs: DAY / 4 });
        const { expireGrants } = await import('../../functions/expire-grants/expire');
        const { grantDeps } = await import('../../test/helpers/grants');
        return (await timed(sim, () => expireGrants({ ...grantDeps(sim, store), now: () => new Date() })))
          .reads;
      });
      rows.push({ ...shape, describePages: reads });
    } finally {
      sim.restore();
    }
  }
  const pages = (groups: number, grants: number) =>
    rows.find((row) => row.groups === groups && row.grants === grants)?.describePages;
  return {
    rows,
    targets: [
      {
        target:
          'expire-grants: EC2 reads per run = 0, whatever the number of groups or grants (one state-table query)',
        actual: rows
          .map((row) => `${row.groups} groups/${row.grants} grants: ${row.describePages}`)
          .join('; '),
        pass: pages(250, 300) === 0 && pages(2500, 300) === 0 && pages(2500, 2500) === 0,
      },
    ],
  };
}
