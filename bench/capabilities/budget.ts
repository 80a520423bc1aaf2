/**
 * What the blast-radius budget costs per event: the write gate (shared/safety/gate.ts) around one real
 * revoke on the simulated account, measured side by side with the state table's counter (one
 * conditional UpdateItem on dynalite, shared/aws/state-table/budget.ts) and with a counter that grants
 * without asking anything. The two run interleaved, event by event, so the machine's noise hits both
 * alike; the journal is left out of both (it is not the budget). The DynamoDB calls are counted at the
 * client, so the figure says how many it took, not only how long.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ec2SecurityGroups } from '../../shared/aws/ec2/security-groups';
import { stateTableBudget } from '../../shared/aws/state-table/budget';
import type { BudgetCounter } from '../../shared/safety/budget';
import { NO_JOURNAL, writeGate } from '../../shared/safety/gate';
import { consoleUser, createSimulatedAccount, GROUPS } from '../../simulated-account/index';
import { tcp } from '../../simulated-account/permissions';
import { median } from '../measure';
import { benchStateTable } from '../state-table';

/** Grants every charge and asks nothing: the gate as it would be without a budget. */
const UNCOUNTED: BudgetCounter = {
  charge: async () => ({ granted: true, usage: { total: 0, groups: {} } }),
  claimNotice: async () => false,
};

export interface BudgetBench {
  readonly events: number;
  /** Median time of one gated revoke, with and without the budget, and the difference. */
  readonly withBudgetMs: number;
  readonly withoutBudgetMs: number;
  readonly chargeMs: number;
  /** DynamoDB calls per event made by the charge (a granted charge: one UpdateItem). */
  readonly dynamoCallsPerEvent: number;
  readonly summary: string;
  readonly targets: Array<{ target: string; actual: string; pass: boolean }>;
}

export async function benchBudget(events = 200): Promise<BudgetBench> {
  const table = await benchStateTable();
  const sim = createSimulatedAccount();
  try {
    let dynamoCalls = 0;
    const counted = {
      send: ((command: Parameters<typeof table.client.send>[0]) => {
        dynamoCalls += 1;
        return table.client.send(command);
      }) as typeof table.client.send,
    } as typeof table.client;
    const sg = ec2SecurityGroups(new EC2Client({}));
    // Limits no event reaches: every charge is granted, as within a normal window.
    const limits = { windowMs: 600_000, perAccount: 1e9, perGroup: 1e9, perTargetGroup: 1e9 };
    const gate = (counter: BudgetCounter) =>
      writeGate({
        function: 'revert-sg-drift',
        stage: 'bench',
        counter,
        limits,
        journal: NO_JOURNAL,
        publish: async () => {},
        now: () => new Date(),
        warn: () => {},
        error: () => {},
      });
    const variants = {
      with: gate(stateTableBudget(counted, table.tableName)),
      without: gate(UNCOUNTED),
    };
    const ec2 = new EC2Client({});
    const alice = consoleUser('alice@example.com');
    const times: Record<keyof typeof variants, number[]> = { with: [], without: [] };
    let charged = 0;
    // Index -1 warms both up (the clients' first connection, the table's first item).
    for (let index = -1; index < events; index += 1) {
      for (const name of ['with', 'without'] as const) {
        const port = 20_000 + (index + 1) * 2 + (name === 'with' ? 0 : 1);
        const { result } = await sim.account.as(alice, () =>
          ec2.send(
            new AuthorizeSecurityGroupIngressCommand({
              GroupId: GROUPS.postgres,
              IpPermissions: [tcp(port, '203.0.113.0/24')],
            }),
          ),
        );
        const ruleId = result?.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
        const before = dynamoCalls;
        const start = process.hrtime.bigint();
        await variants[name].write(
          {
            scope: { account: '111122223333', group: GROUPS.postgres },
            eventId: `bench-${name}-${index}`,
            cause: 'bench',
            planned: [`RevokeSecurityGroupIngress ${GROUPS.postgres} ${ruleId}`],
          },
          async () => {
            await sg.revokeRules(GROUPS.postgres, 'ingress', [ruleId]);
            return { value: undefined, made: [], finding: { kind: 'sg.drift', title: 'bench' } };
          },
        );
        const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
        if (index < 0) continue;
        times[name].push(elapsed);
        if (name === 'with') charged += dynamoCalls - before;
      }
    }
    const withBudgetMs = median(times.with);
    const withoutBudgetMs = median(times.without);
    const chargeMs = Math.round((withBudgetMs - withoutBudgetMs) * 1000) / 1000;
    const dynamoCallsPerEvent = charged / events;
    const summary = `budget charge per event: ${chargeMs} ms, ${dynamoCallsPerEvent} conditional write${dynamoCallsPerEvent === 1 ? '' : 's'} (gated revoke ${withBudgetMs.toFixed(3)} ms with the budget, ${withoutBudgetMs.toFixed(3)} ms without; medians of ${events}, interleaved)`;
    return {
      events,
      withBudgetMs,
      withoutBudgetMs,
      chargeMs,
      dynamoCallsPerEvent,
      summary,
      targets: [
        {
          target: 'the budget costs one conditional write per event (issue 16)',
          actual: `${dynamoCallsPerEvent} DynamoDB call(s) per event, ${chargeMs} ms`,
          pass: dynamoCallsPerEvent === 1,
        },
      ],
    };
  } finally {
    sim.restore();
  }
}
