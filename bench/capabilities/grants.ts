/**
 * Grants on the simulated account: grant-access creating grants, and expire-grants sweeping a
 * large account. The scaling bench checks that expiry reads depend on the number of matching rules,
 * never on the number of groups.
 */
import { lambdaContext } from '../../test/helpers/context';
import { seedGrants } from '../../test/helpers/grants';
import { loadEvent } from '../../test/helpers/load-event';
import { createSimulatedAccount, GROUPS, type Simulation } from '../../test/simulated-account/index';
import { median } from '../measure';
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

export async function benchGrantAccess(events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    const { handler } = await import('../../functions/grant-access/handler');
    const template = loadEvent<Record<string, unknown>>('grant/grant-access.json');
    const samples = [];
    for (let index = -1; index < events; index += 1) {
      const n = index + 1;
      const request = {
        ...template,
        group: GROUPS.postgres,
        port: 5432,
        cidr: `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}/32`,
      };
      const sample = await timed(sim, () => handler(request, lambdaContext()));
      if (index >= 0) samples.push(sample);
      // Keep the group under AWS's rule limit: grants are removed again as expire-grants would.
      for (const [id, rule] of sim.sg.rules)
        if (rule.CidrIpv4?.startsWith('198.18.')) sim.sg.rules.delete(id);
    }
    return summary(
      'grant-access (new grant)',
      samples,
      'validates, then one Authorize call carrying the grant tags',
    );
  } finally {
    sim.restore();
  }
}

export async function benchExpireGrants(events: number): Promise<CapabilityResult> {
  const sim = createSimulatedAccount();
  try {
    seedGrants(sim, { groups: 2500, grants: 300, issuedAt: new Date(), ttlMs: 6 * 3_600_000 });
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
      'one tag-filtered DescribeSecurityGroupRules page per run',
    );
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
      seedGrants(sim, { ...shape, issuedAt: new Date(), ttlMs: DAY / 4 });
      const { expireGrants } = await import('../../functions/expire-grants/expire');
      const { grantDeps } = await import('../../test/helpers/grants');
      const { reads } = await timed(sim, () => expireGrants({ ...grantDeps(sim), now: () => new Date() }));
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
        target: 'expire-grants: reads = pages of matching rules, independent of the number of groups',
        actual: rows
          .map((row) => `${row.groups} groups/${row.grants} grants: ${row.describePages}`)
          .join('; '),
        pass: pages(250, 300) === 1 && pages(2500, 300) === 1 && pages(2500, 2500) === 3,
      },
    ],
  };
}
