/**
 * `netwarden undo` of a write netwarden made in a member account of an organisation: the journal is the
 * central state table's, the reversal is made in the member the entry names (with the operator's
 * `--member-profile` of that account), and never in another account; without credentials of the
 * member, the entry is left with the reason and nothing is written anywhere.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { type UndoDeps, useUndoDeps } from '../../cli/undo';
import { ec2Client, elbv2Client } from '../../shared/aws/clients';
import { ec2SecurityGroups } from '../../shared/aws/ec2/security-groups';
import { elbv2LoadBalancing } from '../../shared/aws/elbv2';
import { journalReader, stateTableJournal } from '../../shared/aws/state-table/journal';
import type { Finding } from '../../shared/findings/finding';
import { ACCOUNT_ID, GROUPS, type Simulation } from '../../simulated-account/index';
import {
  createSimulatedOrganization,
  type SimulatedOrganization,
} from '../../simulated-account/organization';
import { REGION, revokeEntry } from '../helpers/journal';
import { stackSetRoles } from '../helpers/organization';
import { useStateTable } from '../helpers/state-table';

const B = '222233334444';
const DB = GROUPS.postgres;
const table = useStateTable();
let org: SimulatedOrganization;
let policyPath: string;
const clock = new Date();

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

beforeEach(() => {
  org = createSimulatedOrganization({
    members: [{ id: B, roles: stackSetRoles(B) }],
  });
  policyPath = join(mkdtempSync(join(tmpdir(), 'netwarden-policy-')), 'netwarden.policy.yml');
  writeFileSync(
    policyPath,
    `${readFileSync('netwarden.policy.yml', 'utf8')}
organization:
  id: o-abc123def4
  externalId: netwarden-o-abc123def4
  accounts:
    - { id: '${B}', name: gateway-prod }
`,
  );
});
afterEach(() => {
  useUndoDeps(undefined);
  org.restore();
});

/** B's own keys, as an operator's AWS profile of B would sign. */
const asB = { credentials: { accessKeyId: '', secretAccessKey: 'x' } };
function depsWith(member: boolean, published: Finding[]): UndoDeps {
  const { client, tableName } = table.current;
  asB.credentials.accessKeyId = org.accessKeyOf(B);
  return {
    reader: journalReader(client, tableName),
    sg: ec2SecurityGroups(ec2Client()),
    lb: elbv2LoadBalancing(elbv2Client()),
    now: () => clock,
    region: REGION,
    policyPath,
    account: ACCOUNT_ID,
    publish: async (finding) => {
      published.push(finding);
    },
    ...(member
      ? {
          member: {
            account: B,
            sg: ec2SecurityGroups(new EC2Client(asB)),
            lb: elbv2LoadBalancing(new ElasticLoadBalancingV2Client(asB)),
          },
        }
      : {}),
  };
}

/** netwarden revoked a deploy's 5432 rule in B (through B's member role) and journaled it centrally. */
async function revokedInB(): Promise<string> {
  const sgOfB = ec2SecurityGroups(
    new EC2Client({ credentials: { accessKeyId: org.accessKeyOf(B), secretAccessKey: 'x' } }),
  );
  const spec = { port: 5432, cidr: '10.40.7.0/24', description: 'deploy 7' };
  const added = await sgOfB.authorizeRules(DB, 'ingress', [
    {
      groupId: DB,
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      peer: { type: 'ipv4', cidr: spec.cidr },
      description: spec.description,
      tags: {},
    },
  ]);
  const ruleId = added.created?.[0]?.ruleId ?? '';
  await sgOfB.revokeRules(DB, 'ingress', [ruleId]);
  const journal = stateTableJournal(table.current.client, table.current.tableName);
  const at = new Date(clock.getTime() - 1000).toISOString();
  await journal.record({
    ...revokeEntry({ at, eventId: 'ev-in-b', groupId: DB, ruleId, rule: spec }),
    account: B,
  });
  return ruleId;
}

const deployRule = (sim: Simulation) =>
  [...sim.sg.rules.values()].filter((rule) => rule.GroupId === DB && rule.CidrIpv4 === '10.40.7.0/24');
const ec2Writes = (sim: Simulation) =>
  sim.account
    .writes()
    .filter((call) => call.service === 'EC2')
    .map((call) => call.command);

describe('netwarden undo of a member account’s write', () => {
  it('re-creates the rule in B, with B’s credentials, and nothing in the central account', async () => {
    await revokedInB();
    const published: Finding[] = [];
    useUndoDeps(depsWith(true, published));
    const writesInB = ec2Writes(org.member(B)).length;
    const run = captured();

    expect(await main(['undo', 'ev-in-b', '--stage', 'prod', '--yes'], run.io)).toBe(0);

    expect(run.out[0]).toBe('undo of event ev-in-b: 1 to reverse, 0 left as they are (newest first)');
    expect(ec2Writes(org.member(B)).slice(writesInB)).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(deployRule(org.member(B))).toHaveLength(1);
    expect(ec2Writes(org.central)).toEqual([]);
    expect(deployRule(org.central)).toEqual([]);
    expect(published).toEqual([expect.objectContaining({ kind: 'safety.undone', outcome: 'acted' })]);
  });

  it('without credentials of B, leaves the entry, says how to reach B, and writes nowhere', async () => {
    await revokedInB();
    const published: Finding[] = [];
    useUndoDeps(depsWith(false, published));
    const writesInB = ec2Writes(org.member(B)).length;
    const run = captured();

    expect(await main(['undo', 'ev-in-b', '--stage', 'prod', '--yes'], run.io)).toBe(0);

    expect(run.out.join('\n')).toContain(
      `unsupported: made in account ${B}: this run acts in ${ACCOUNT_ID}; run netwarden undo again with --member-profile naming an AWS profile of ${B}`,
    );
    expect(ec2Writes(org.member(B)).slice(writesInB)).toEqual([]);
    expect(ec2Writes(org.central)).toEqual([]);
    expect(published).toEqual([]);
  });
});
