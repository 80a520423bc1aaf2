/**
 * revert-sg-drift and grants, end to end on the simulated account with a real state table (dynalite).
 * A grant is what grant-access recorded; the `netwarden:grant-*` tags are a label. Tagging a rule
 * as a grant is reported as grant.forged (critical on a guarded port) and never leads to a revoke
 * by expire-grants; a hand-made rule carrying grant tags is judged like any other rule; a recorded
 * grant edited without changing its access is still approved access.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { expireGrants } from '../../../functions/expire-grants/expire';
import { handleGrantCall } from '../../../functions/grant-access/http';
import { accessKey } from '../../../shared/grants/record';
import { consoleUser, GROUPS, netwardenRole, terraform } from '../../../simulated-account/index';
import { grantDeps, ONCALL_ALICE, urlEvent } from '../../helpers/grants';
import { useRevertHandler } from '../../helpers/revert';
import { callsSince, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const sim = useSimulation();
// Before the handler loads: it reads STATE_TABLE_NAME at cold start.
const table = useStateTable();
const { actAs, invoke } = useRevertHandler(sim);
const ec2 = () => new EC2Client({});
const mallory = consoleUser('mallory@example.com');
const FORGED_TAGS = [
  { Key: 'netwarden:grant-expires-at', Value: '2026-11-23T00:00:00Z' },
  { Key: 'netwarden:grant-owner', Value: 'alice@example.com' },
];

const approvedGatewayRule = () =>
  [...sim.current.sg.rules.values()].find(
    (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
  );

async function grant(): Promise<{ ruleId: string; event: unknown }> {
  const { result, events } = await sim.current.account.as(netwardenRole('grant-access', 'test'), () =>
    handleGrantCall(
      urlEvent({
        body: { group: GROUPS.postgres, port: 5432, cidr: '203.0.113.7/32', ttl: '1h', reason: 'INC-1' },
      }),
      grantDeps(sim.current, table.current.store),
    ),
  );
  const ruleId = (JSON.parse(result?.body ?? '{}') as { ruleId?: string }).ruleId;
  if (!ruleId) throw new Error(`grant failed: ${result?.body}`);
  return { ruleId, event: events[0] };
}

describe('CreateTags of grant tags on a rule', () => {
  it('on the approved gateway→PostgreSQL rule: grant.forged (critical), nothing changed, and expire-grants never revokes it', async () => {
    const id = approvedGatewayRule()?.SecurityGroupRuleId ?? '';
    const event = await actAs(mallory, () =>
      ec2().send(new CreateTagsCommand({ Resources: [id], Tags: FORGED_TAGS })),
    );

    const { result, calls, findings } = await invoke(event);
    sim.current.account.clock.advance(24 * 3_600_000);
    const mark = sim.current.account.calls.length;
    await expireGrants(grantDeps(sim.current, table.current.store));

    expect(result).toEqual({ status: 'tags', decisions: ['report:grant-forged'] });
    expect(calls.writes).toEqual([]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'grant.forged',
        severity: 'critical',
        outcome: 'no-action',
        rules: [{ summary: `tcp 5432 from ${GROUPS.gateway}`, ruleId: id }],
        why: expect.stringContaining('no grant for this rule is recorded'),
        actor: expect.objectContaining({ display: expect.stringContaining('mallory@example.com') }),
      }),
    ]);
    expect(callsSince(sim.current, mark).all.filter((call) => call.service === 'EC2')).toEqual([]);
    expect(sim.current.sg.rules.has(id)).toBe(true);
  });

  it('on two rules, one revoked since: the other is still reported as forged', async () => {
    const approved = approvedGatewayRule()?.SecurityGroupRuleId ?? '';
    const egress = [...sim.current.sg.rules.values()].find((rule) => rule.IsEgress);
    const gone = egress?.SecurityGroupRuleId ?? '';
    const event = await actAs(mallory, () =>
      ec2().send(new CreateTagsCommand({ Resources: [approved, gone], Tags: FORGED_TAGS })),
    );
    sim.current.sg.rules.delete(gone);

    const { findings } = await invoke(event);

    expect(findings.map((finding) => [finding.kind, finding.rules?.[0]?.ruleId])).toEqual([
      ['grant.forged', approved],
    ]);
  });

  it('on an egress rule: grant.forged too, whoever tags it (a trusted principal included)', async () => {
    const egress = [...sim.current.sg.rules.values()].find((rule) => rule.IsEgress);
    const id = egress?.SecurityGroupRuleId ?? '';
    const event = await actAs(terraform(), () =>
      ec2().send(new CreateTagsCommand({ Resources: [id], Tags: FORGED_TAGS })),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['report:grant-forged']);
    expect(calls.writes).toEqual([]);
    expect(findings.map((finding) => finding.kind)).toEqual(['grant.forged']);
  });

  it("on a real grant (rewriting its expiry and owner): grant.label-edited; the record's owner and expiry stand", async () => {
    const { ruleId } = await grant();
    const event = await actAs(mallory, () =>
      ec2().send(
        new CreateTagsCommand({
          Resources: [ruleId],
          Tags: [
            { Key: 'netwarden:grant-expires-at', Value: '2026-11-23T23:30:00Z' },
            { Key: 'netwarden:grant-owner', Value: 'mallory@example.com' },
          ],
        }),
      ),
    );

    const { result, findings } = await invoke(event);

    expect(result.decisions).toEqual(['report:grant-label-edited']);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'grant.label-edited',
        details: expect.objectContaining({ owner: ONCALL_ALICE, expiresAt: '2026-11-23T01:00:00Z' }),
      }),
    ]);
  });
});

describe('rules added or changed with grant tags', () => {
  it("ignores grant-access's own Authorize event: the grant stays", async () => {
    const { ruleId, event } = await grant();

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['ignore:self']);
    expect(calls.all).toEqual([]);
    expect(sim.current.sg.rules.has(ruleId)).toBe(true);
  });

  it('a console rule with valid-looking grant tags is judged like any rule (drift, revoked) and reported as forged', async () => {
    const event = await actAs(mallory, () =>
      ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '198.51.100.9/32' }] },
          ],
          TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: FORGED_TAGS }],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:drift']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(findings.map((finding) => [finding.kind, finding.severity])).toEqual([
      ['grant.forged', 'critical'],
      ['sg.drift', 'warning'],
    ]);
  });

  it('an egress rule added with grant tags on an unprotected group is still reported as forged', async () => {
    const event = await actAs(mallory, () =>
      ec2().send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: GROUPS.legacyApp,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '198.51.100.9/32' }] },
          ],
          TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: FORGED_TAGS }],
        }),
      ),
    );

    const { findings } = await invoke(event);

    expect(findings).toEqual([expect.objectContaining({ kind: 'grant.forged', severity: 'warning' })]);
  });

  it('a recorded grant whose description someone edits stays: the record, not the tags, makes it approved', async () => {
    const { ruleId } = await grant();
    const event = await actAs(mallory, () =>
      ec2().send(
        new ModifySecurityGroupRulesCommand({
          GroupId: GROUPS.postgres,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: ruleId,
              SecurityGroupRule: {
                IpProtocol: 'tcp',
                FromPort: 5432,
                ToPort: 5432,
                CidrIpv4: '203.0.113.7/32',
                Description: 'mine now',
              },
            },
          ],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['ignore:approved']);
    expect(calls.writes).toEqual([]);
    expect(findings).toEqual([]);
    expect(
      await table.current.store.get(
        GROUPS.postgres,
        accessKey({
          direction: 'ingress',
          protocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          peer: { type: 'ipv4', cidr: '203.0.113.7/32' },
        }),
      ),
    ).toMatchObject({ ruleId, status: 'live' });
  });

  /** ModifySecurityGroupRules keeps the rule id and changes the access it allows. */
  const modifyAccess = (ruleId: string, access: { CidrIpv4?: string; ReferencedGroupId?: string }) =>
    actAs(mallory, () =>
      ec2().send(
        new ModifySecurityGroupRulesCommand({
          GroupId: GROUPS.postgres,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: ruleId,
              SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, ...access },
            },
          ],
        }),
      ),
    );

  it('a recorded grant modified to other access is no longer the grant: it is judged like any rule', async () => {
    const { ruleId } = await grant();
    const event = await modifyAccess(ruleId, { CidrIpv4: '198.51.100.0/24' });

    const { result } = await invoke(event);

    expect(result.decisions).not.toContain('ignore:approved');
    expect(result.decisions).not.toContain('ignore:grant');
    expect(sim.current.sg.rules.has(ruleId)).toBe(false);
  });

  it('moved onto the approved gateway→PostgreSQL access, it is not revoked at expiry: the gateway keeps PostgreSQL', async () => {
    const { ruleId } = await grant();
    const baselineId = approvedGatewayRule()?.SecurityGroupRuleId ?? '';
    const dropped = await actAs(mallory, () =>
      ec2().send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          SecurityGroupRuleIds: [baselineId],
        }),
      ),
    );
    const moved = await modifyAccess(ruleId, { ReferencedGroupId: GROUPS.gateway });
    await invoke(dropped);
    await invoke(moved);
    const gatewayRules = () =>
      [...sim.current.sg.rules.values()].filter(
        (rule) => rule.GroupId === GROUPS.postgres && rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
      );
    expect(gatewayRules()).toHaveLength(1);

    sim.current.account.clock.advance(61 * 60_000);
    const { result: outcome, events } = await sim.current.account.as(
      netwardenRole('expire-grants', 'test'),
      () => expireGrants(grantDeps(sim.current, table.current.store)),
    );
    for (const event of events) await invoke(event);

    // Old code: netwarden itself revoked the id, and revert-sg-drift ignored its own revoke.
    expect(outcome?.moved).toEqual([ruleId]);
    expect(gatewayRules()).toHaveLength(1);
    expect(await table.current.store.open()).toEqual([]);
  });
});
