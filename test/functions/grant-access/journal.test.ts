/**
 * Every write of grant-access and expire-grants is journaled with its exact call and inverse, through
 * the write gate on the state table (dynalite), on the simulated account; `netwarden undo` of a grant
 * revokes its rule, and refuses to re-open a grant revoked now or expired.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { useUndoDeps } from '../../../cli/undo';
import { expireGrants } from '../../../functions/expire-grants/expire';
import { handleGrantCall } from '../../../functions/grant-access/http';
import { ec2Client, elbv2Client } from '../../../shared/aws/clients';
import { ec2SecurityGroups } from '../../../shared/aws/ec2/security-groups';
import { elbv2LoadBalancing } from '../../../shared/aws/elbv2';
import { stateTableBudget } from '../../../shared/aws/state-table/budget';
import { journalReader, stateTableJournal } from '../../../shared/aws/state-table/journal';
import type { Finding } from '../../../shared/findings/finding';
import { writeGate } from '../../../shared/safety/gate';
import type { JournalEntry } from '../../../shared/safety/journal';
import { ACCOUNT_ID, GROUPS } from '../../../simulated-account/index';
import { grantDeps, ONCALL_ALICE, urlEvent } from '../../helpers/grants';
import { findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const REQUEST_ID = '6f1e2d3c-4b5a-4978-8a1b-2c3d4e5f6a7b';
const REGION = 'ap-northeast-2';
const body = { group: GROUPS.postgres, port: 5432, cidr: '203.0.113.7/32', ttl: '2h', reason: 'INC-4821' };
const PERMISSION = {
  IpProtocol: 'tcp',
  FromPort: 5432,
  ToPort: 5432,
  IpRanges: [{ CidrIp: '203.0.113.7/32' }],
};

function gateFor(fn: 'grant-access' | 'expire-grants') {
  const { client, tableName } = table.current;
  return writeGate({
    function: fn,
    stage: 'prod',
    counter: stateTableBudget(client, tableName),
    limits: { windowMs: 600_000, perAccount: 20, perGroup: 5, perTargetGroup: 5 },
    journal: stateTableJournal(client, tableName),
    publish: async () => {},
    now: sim.current.account.clock.now,
    warn: () => {},
    error: () => {},
  });
}
const deps = () => ({
  ...grantDeps(sim.current, table.current.store),
  gate: gateFor('grant-access'),
  region: REGION,
});

beforeEach(() => {
  const { client, tableName } = table.current;
  useUndoDeps({
    reader: journalReader(client, tableName),
    sg: ec2SecurityGroups(ec2Client()),
    lb: elbv2LoadBalancing(elbv2Client()),
    now: sim.current.account.clock.now,
    region: REGION,
    policyPath: 'netwarden.policy.yml',
  });
});
afterEach(() => useUndoDeps(undefined));

async function entriesOf(eventId: string): Promise<JournalEntry[]> {
  const records = await journalReader(table.current.client, table.current.tableName).byEvent(eventId);
  return records.filter((record) => record.recordedBy === 'netwarden').map((record) => record.entry);
}
function captured() {
  const out: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => out.push(line) }, out };
}
const writesSince = (mark: number) =>
  sim.current.account.calls
    .slice(mark)
    .filter((call) => call.write && call.command !== 'Publish')
    .map((call) => [call.command, call.input]);

/** A grant made through the Function URL: its rule id and its finding. */
async function grant(): Promise<{ ruleId: string; finding: Finding }> {
  const published = sim.current.published.length;
  const response = await handleGrantCall(urlEvent({ body }), deps());
  const { ruleId } = JSON.parse(response.body) as { ruleId: string };
  const finding = findingsOf(sim.current, published)[0] as Finding;
  return { ruleId, finding };
}

describe('grant-access journal', () => {
  it('a grant: its Authorize with the label, and the revoke by id that reverses it; undo revokes the grant', async () => {
    const { ruleId, finding } = await grant();

    expect(finding).toMatchObject({ kind: 'grant.created', eventId: REQUEST_ID });
    expect(finding.id).toMatch(new RegExp(`^${REQUEST_ID}/`));
    const [entry, ...more] = await entriesOf(REQUEST_ID);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      function: 'grant-access',
      action: 'grant',
      account: ACCOUNT_ID,
      region: REGION,
      resource: GROUPS.postgres,
      cause: ONCALL_ALICE,
      eventId: REQUEST_ID,
      finding: { kind: 'grant.created', title: finding.title, id: finding.id },
      call: {
        service: 'ec2',
        operation: 'AuthorizeSecurityGroupIngress',
        input: { GroupId: GROUPS.postgres, IpPermissions: [PERMISSION] },
      },
      inverse: {
        service: 'ec2',
        operation: 'RevokeSecurityGroupIngress',
        input: { GroupId: GROUPS.postgres, SecurityGroupRuleIds: [ruleId] },
      },
    });
    expect(entry?.call.input.TagSpecifications).toMatchObject([
      {
        ResourceType: 'security-group-rule',
        Tags: expect.arrayContaining([{ Key: 'netwarden:grant-expires-at', Value: '2026-11-23T02:00:00Z' }]),
      },
    ]);

    const run = captured();
    const mark = sim.current.account.calls.length;
    expect(await main(['undo', finding.id ?? '', '--stage', 'prod', '--yes'], run.io)).toBe(0);
    expect(writesSince(mark)).toEqual([
      ['RevokeSecurityGroupIngress', { GroupId: GROUPS.postgres, SecurityGroupRuleIds: [ruleId] }],
    ]);
    expect(sim.current.sg.rules.has(ruleId)).toBe(false);
  });

  it('a revoke now: journaled with the Authorize that would re-open it, which undo refuses', async () => {
    const { ruleId } = await grant();
    const event = urlEvent({ method: 'DELETE', path: `/grants/${ruleId}` }) as ReturnType<typeof urlEvent> & {
      requestContext: { requestId: string };
    };
    event.requestContext.requestId = 'req-revoke-1';
    await handleGrantCall(event, deps());

    expect(await entriesOf('req-revoke-1')).toMatchObject([
      {
        function: 'grant-access',
        action: 'revoke',
        cause: ONCALL_ALICE,
        finding: { kind: 'grant.revoked' },
        call: {
          operation: 'RevokeSecurityGroupIngress',
          input: { GroupId: GROUPS.postgres, SecurityGroupRuleIds: [ruleId] },
        },
        inverse: {
          operation: 'AuthorizeSecurityGroupIngress',
          input: { GroupId: GROUPS.postgres, IpPermissions: [PERMISSION] },
        },
      },
    ]);
    const run = captured();
    const mark = sim.current.account.calls.length;
    expect(await main(['undo', 'req-revoke-1', '--stage', 'prod', '--yes'], run.io)).toBe(0);
    expect(writesSince(mark)).toEqual([]);
    expect(run.out.join('\n')).toContain(
      'refused: a grant revoked before its expiry is not re-opened by undo',
    );
  });

  it('an expiry: journaled under the schedule event with its inverse; undo refuses to re-open it', async () => {
    const { ruleId } = await grant();
    sim.current.account.clock.advance(3 * 3_600_000);
    const run = { eventId: 'schedule-ev-1', account: ACCOUNT_ID, region: REGION };
    await expireGrants({
      ...grantDeps(sim.current, table.current.store),
      gate: gateFor('expire-grants'),
      run,
    });

    expect(await entriesOf('schedule-ev-1')).toMatchObject([
      {
        function: 'expire-grants',
        action: 'expire',
        cause: `schedule (expire-grants): the grant of ${ONCALL_ALICE} expired at 2026-11-23T02:00:00Z`,
        finding: { kind: 'grant.expired' },
        call: {
          operation: 'RevokeSecurityGroupIngress',
          input: { GroupId: GROUPS.postgres, SecurityGroupRuleIds: [ruleId] },
        },
        inverse: {
          operation: 'AuthorizeSecurityGroupIngress',
          input: { GroupId: GROUPS.postgres, IpPermissions: [PERMISSION] },
        },
      },
    ]);
    const out = captured();
    const mark = sim.current.account.calls.length;
    expect(await main(['undo', 'schedule-ev-1', '--stage', 'prod', '--yes'], out.io)).toBe(0);
    expect(writesSince(mark)).toEqual([]);
    expect(out.out.join('\n')).toContain('refused: an expired grant is not re-opened by undo');
  });
});
