/**
 * revert-sg-drift end to end on the simulated account: real SDK clients, the real handler, events
 * produced by the account itself for each principal. Each test asserts the decision, the exact AWS
 * calls made (and not made) and the finding.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  type IpPermission,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it, vi } from 'vitest';
import type { CloudTrailEvent } from '../../../simulated-account/account';
import {
  consoleUser,
  GROUPS,
  type Identity,
  iamUser,
  netwardenRole,
  terraform,
} from '../../../simulated-account/index';
import { loadEvent } from '../../../simulated-account/load-event';
import { tcp } from '../../../simulated-account/permissions';
import { revertEvent, SIMULATED_HOME, useRevertHandler } from '../../helpers/revert';
import { callsSince, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const ec2 = new EC2Client({});
const sim = useSimulation();
// The event ledger (exactly-once per event) lives in the state table.
useStateTable();
const { actAs, invoke, reload } = useRevertHandler(sim);
const alice = consoleUser('alice@example.com');

/** A principal adds one ingress permission; returns the CloudTrail event AWS would deliver. */
function authorize(identity: Identity, groupId: string, permission: IpPermission): Promise<CloudTrailEvent> {
  return actAs(identity, () =>
    ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] })),
  );
}

function rulesOf(groupId: string) {
  return [...sim.current.sg.rules.values()].filter((rule) => rule.GroupId === groupId);
}

describe('added rules', () => {
  it('revokes a console rule opening 5432 to the world by its rule id, and says who did it', async () => {
    const event = await authorize(alice, GROUPS.postgres, tcp(5432, '0.0.0.0/0'));
    const added = rulesOf(GROUPS.postgres).find((rule) => rule.CidrIpv4 === '0.0.0.0/0');

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.postgres,
      SecurityGroupRuleIds: [added?.SecurityGroupRuleId],
    });
    expect(rulesOf(GROUPS.postgres).some((rule) => rule.CidrIpv4 === '0.0.0.0/0')).toBe(false);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'sg.guardrail-breach',
      severity: 'critical',
      outcome: 'acted',
      mode: 'enforce',
      eventId: (event.detail as { eventID: string }).eventID,
      actor: {
        viaConsole: true,
        sourceIp: '203.0.113.45',
        display: expect.stringContaining('alice@example.com'),
      },
      rules: [{ summary: 'tcp 5432 from 0.0.0.0/0', ruleId: added?.SecurityGroupRuleId }],
    });
  });

  it('needs no read beyond the cached group facts: a second event on the same group costs 0 reads and 1 write', async () => {
    const first = await authorize(alice, GROUPS.postgres, tcp(5432, '0.0.0.0/0'));
    await invoke(first);
    const second = await authorize(alice, GROUPS.postgres, tcp(6379, '0.0.0.0/0'));

    const { calls } = await invoke(second);

    expect(calls.reads).toEqual([]);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
  });

  it('reads the legacy flat request form (top-level cidrIp/ipProtocol) as well as the nested one', async () => {
    const event = await actAs(iamUser('legacy-script'), () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIp: '0.0.0.0/0',
        }),
      ),
    );
    expect((event.detail as { requestParameters: Record<string, unknown> }).requestParameters).toMatchObject({
      cidrIp: '0.0.0.0/0',
      ipPermissions: {},
    });

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(findings[0]?.rules).toEqual([
      { summary: 'tcp 22 from 0.0.0.0/0', ruleId: expect.stringMatching(/^sgr-/) },
    ]);
  });

  it('matches a non-canonical CIDR such as 10.1.2.3/0 as the world it is', async () => {
    const event = await authorize(alice, GROUPS.mysql, tcp(3306, '10.1.2.3/0'));

    const { result, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(findings[0]?.rules?.[0]?.summary).toBe('tcp 3306 from 0.0.0.0/0');
  });

  it('calls a rule covered by a wider approved CIDR on the same ports a duplicate', async () => {
    const event = await authorize(consoleUser('bob@example.com'), GROUPS.mysql, tcp(3306, '10.20.8.0/22'));

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:duplicate']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(findings[0]).toMatchObject({
      kind: 'sg.duplicate',
      why: expect.stringContaining('already allowed by tcp 3306 from 10.20.0.0/16'),
    });
  });

  it('revokes an unapproved narrow rule from a person as drift, not as a duplicate, when nothing covers it', async () => {
    const event = await authorize(alice, GROUPS.mysql, tcp(3306, '172.16.5.0/24'));

    const { result } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:drift']);
  });

  it('handles IPv6, prefix-list and security-group sources in one call, each as its own rule', async () => {
    const event = await actAs(iamUser('ops-admin'), () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.gateway,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 8443,
              ToPort: 8443,
              Ipv6Ranges: [{ CidrIpv6: '2001:db8:1234::/48' }],
              PrefixListIds: [{ PrefixListId: 'pl-0abc1234def567890' }],
              UserIdGroupPairs: [{ GroupId: GROUPS.legacyApp }],
            },
          ],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:drift']);
    const revoke = calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress');
    expect(
      (revoke?.input as { SecurityGroupRuleIds?: string[] } | undefined)?.SecurityGroupRuleIds,
    ).toHaveLength(3);
    expect(findings[0]?.rules?.map((rule) => rule.summary)).toEqual([
      'tcp 8443 from 2001:db8:1234::/48',
      'tcp 8443 from pl-0abc1234def567890',
      `tcp 8443 from ${GROUPS.legacyApp}`,
    ]);
    expect(rulesOf(GROUPS.gateway).filter((rule) => rule.FromPort === 8443)).toEqual([]);
  });

  it('revokes an IPv6 world rule on any port through the ::/0 guardrail', async () => {
    const event = await actAs(alice, () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.nlb,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          ],
        }),
      ),
    );

    const { result, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(findings[0]?.rules?.[0]?.summary).toBe('tcp 443 from ::/0');
  });

  it('revokes an egress all-traffic rule (protocol -1) with the egress API', async () => {
    const event = await actAs(consoleUser('dave@example.com'), () =>
      ec2.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: GROUPS.gateway,
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:drift']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupEgress']);
    expect(findings[0]?.rules?.[0]?.summary).toBe('all traffic to 0.0.0.0/0');
  });

  it('takes a group named only by groupName from the response, never by name, though another VPC has a group of that name', async () => {
    const lookAlike = 'sg-0bad0000000005432';
    sim.current.sg.groups.set(lookAlike, {
      GroupId: lookAlike,
      GroupName: 'rds-postgres-sg',
      Description: 'a group of the same name in another VPC',
      VpcId: 'vpc-0ther000000000001',
      OwnerId: sim.current.account.accountId,
      Tags: [],
    });
    const event = await actAs(alice, () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupName: 'rds-postgres-sg',
          IpPermissions: [tcp(5432, '0.0.0.0/0')],
        }),
      ),
    );
    expect(
      (event.detail as { requestParameters: Record<string, unknown> }).requestParameters,
    ).not.toHaveProperty('groupId');
    const created = rulesOf(GROUPS.postgres).find((rule) => rule.CidrIpv4 === '0.0.0.0/0');

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    // The kill switch (absent: not paused), then the group's facts by id only: no describe by name, no
    // rule read, and no Terraform state (a guardrail revokes the rule whatever the baseline says).
    expect(calls.reads).toEqual(['GetParameter', 'DescribeSecurityGroups']);
    expect(calls.all[0]?.input).toEqual({ Name: '/netwarden/test/paused' });
    expect(calls.all[1]?.input).toMatchObject({ GroupIds: [GROUPS.postgres] });
    expect(calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.postgres,
      SecurityGroupRuleIds: [created?.SecurityGroupRuleId],
    });
  });

  it('decides from responseElements when CloudTrail dropped requestParameters: revoked with 0 reads', async () => {
    await invoke(await authorize(alice, GROUPS.postgres, tcp(6379, '0.0.0.0/0')));
    const event = await authorize(alice, GROUPS.postgres, tcp(5432, '0.0.0.0/0'));
    // CloudTrail omits requestParameters above 100 KB; the response still lists the created rules.
    delete (event.detail as { requestParameters?: unknown }).requestParameters;
    const created = rulesOf(GROUPS.postgres).find(
      (rule) => rule.CidrIpv4 === '0.0.0.0/0' && rule.FromPort === 5432,
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(calls.reads).toEqual([]);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.postgres,
      SecurityGroupRuleIds: [created?.SecurityGroupRuleId],
    });
    expect(findings[0]).toMatchObject({
      kind: 'sg.guardrail-breach',
      rules: [{ summary: 'tcp 5432 from 0.0.0.0/0', ruleId: created?.SecurityGroupRuleId }],
    });
    expect(rulesOf(GROUPS.postgres).some((rule) => rule.CidrIpv4 === '0.0.0.0/0')).toBe(false);
  });

  it('revokes a world-open 22 the response names by id, though another item of the same call names its source group by name only', async () => {
    const event = await actAs(iamUser('mallory'), () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.legacyApp,
          IpPermissions: [tcp(22, '0.0.0.0/0'), tcp(80, { group: GROUPS.gateway })],
        }),
      ),
    );
    // What CloudTrail records when the CLI names the source group by name (default VPC): no groupId in
    // the request item. The response still names every created rule with its id, group and peer.
    const request = event.detail.requestParameters as {
      ipPermissions: { items: Array<{ groups?: unknown }> };
    };
    const byName = request.ipPermissions.items[1];
    if (!byName) throw new Error('expected two permissions in the request');
    byName.groups = { items: [{ groupName: 'default', userId: sim.current.account.accountId }] };
    const worldOpen = rulesOf(GROUPS.legacyApp).find((rule) => rule.CidrIpv4 === '0.0.0.0/0');

    const { result, calls, findings } = await invoke(event);

    expect(result.status).toBe('decided');
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(calls.all.find((call) => call.command === 'RevokeSecurityGroupIngress')?.input).toMatchObject({
      GroupId: GROUPS.legacyApp,
      SecurityGroupRuleIds: expect.arrayContaining([worldOpen?.SecurityGroupRuleId]),
    });
    expect(rulesOf(GROUPS.legacyApp).some((rule) => rule.CidrIpv4 === '0.0.0.0/0')).toBe(false);
    expect(findings.map((finding) => finding.kind)).not.toContain('unprocessable');
  });

  it('stays unprocessable, naming the field, when the request is unreadable and the response names no rule', async () => {
    const event = await authorize(iamUser('mallory'), GROUPS.legacyApp, tcp(80, { group: GROUPS.gateway }));
    const request = event.detail.requestParameters as {
      ipPermissions: { items: Array<{ groups?: unknown }> };
    };
    const [byName] = request.ipPermissions.items;
    if (!byName) throw new Error('expected one permission in the request');
    byName.groups = { items: [{ groupName: 'default' }] };
    (event.detail as { responseElements: unknown }).responseElements = { _return: true };

    const { result, calls, findings } = await invoke(event);

    expect(result.status).toBe('unprocessable');
    expect(calls.writes).toEqual([]);
    expect(findings[0]?.why).toContain(
      'requestParameters.ipPermissions.items[0].groups[0]: expected a groupId, found {"groupName":"default"}',
    );
  });

  it('revokes a world-open 5432 that a non-trusted user tagged netwarden:ignore in the same call, and reports the tag', async () => {
    const event = await actAs(alice, () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '0.0.0.0/0')],
          TagSpecifications: [
            {
              ResourceType: 'security-group-rule',
              Tags: [{ Key: 'netwarden:ignore', Value: 'INC-4711 vendor migration' }],
            },
          ],
        }),
      ),
    );
    const created = rulesOf(GROUPS.postgres).find((rule) => rule.CidrIpv4 === '0.0.0.0/0');

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail', 'report:ignore-tag']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(rulesOf(GROUPS.postgres).some((rule) => rule.CidrIpv4 === '0.0.0.0/0')).toBe(false);
    expect(findings).toMatchObject([
      { kind: 'sg.guardrail-breach', severity: 'critical', outcome: 'acted' },
      {
        kind: 'sg.ignore-tag',
        severity: 'warning',
        outcome: 'no-action',
        actions: [],
        rules: [{ summary: 'tcp 5432 from 0.0.0.0/0', ruleId: created?.SecurityGroupRuleId }],
        why: expect.stringContaining(
          'carries the tag netwarden:ignore = "INC-4711 vendor migration", which exempts nothing',
        ),
      },
    ]);
  });

  it('in report mode, reports the same world-open tagged rule as would-revoke, plus the tag, and writes nothing', async () => {
    vi.stubEnv('NETWARDEN_MODE', 'report');
    await reload();
    const event = await actAs(alice, () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '0.0.0.0/0')],
          TagSpecifications: [
            { ResourceType: 'security-group-rule', Tags: [{ Key: 'netwarden:ignore', Value: 'INC-4711' }] },
          ],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(event);
    vi.unstubAllEnvs();

    expect(result.decisions).toEqual(['revoke:guardrail', 'report:ignore-tag']);
    expect(calls.writes).toEqual([]);
    expect(findings).toMatchObject([
      { kind: 'sg.guardrail-breach', outcome: 'would-act', mode: 'report' },
      { kind: 'sg.ignore-tag', outcome: 'no-action', mode: 'report' },
    ]);
    expect(rulesOf(GROUPS.postgres).some((rule) => rule.CidrIpv4 === '0.0.0.0/0')).toBe(true);
  });
});

describe('exceptions from the policy', () => {
  /** The shipped policy with two reviewed exceptions: one in force, one expired (the account's clock is 2026-11-23). */
  async function withExceptions() {
    const shipped = readFileSync('netwarden.policy.yml', 'utf8');
    const text = shipped.replace(
      /^exceptions: \[\]$/m,
      `exceptions:
  - group: ${GROUPS.redis}
    rule: { ports: 6379, source: 0.0.0.0/0 }
    reason: INC-4711 vendor migration
    expires: 2027-03-31
  - group: ${GROUPS.postgres}
    rule: { ports: 5432, source: 0.0.0.0/0 }
    reason: CHG-7 load test
    expires: 2026-10-01`,
    );
    expect(text).not.toBe(shipped);
    const path = join(mkdtempSync(join(tmpdir(), 'netwarden-policy-')), 'netwarden.policy.yml');
    writeFileSync(path, text);
    vi.stubEnv('POLICY_PATH', path);
    await reload();
  }

  it('leaves a guardrail breach a policy exception in force covers, and reports it loudly with the exception', async () => {
    await withExceptions();
    const event = await authorize(alice, GROUPS.redis, tcp(6379, '0.0.0.0/0'));

    const { result, calls, findings } = await invoke(event);
    vi.unstubAllEnvs();

    expect(result.decisions).toEqual(['report:exception']);
    expect(calls.writes).toEqual([]);
    expect(findings).toMatchObject([
      {
        kind: 'sg.exception',
        severity: 'critical',
        outcome: 'no-action',
        why: expect.stringContaining(
          'exempted by the exception policy.exceptions[0] ("INC-4711 vendor migration"), until 2027-03-31, although it breaches the guardrail',
        ),
      },
    ]);
  });

  it('revokes a rule whose exception has expired, and says which exception expired when', async () => {
    await withExceptions();
    const event = await authorize(alice, GROUPS.postgres, tcp(5432, '0.0.0.0/0'));

    const { result, calls, findings } = await invoke(event);
    vi.unstubAllEnvs();

    expect(result.decisions).toEqual(['revoke:guardrail', 'report:exception-expired']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(findings[1]).toMatchObject({
      kind: 'sg.exception-expired',
      severity: 'warning',
      why: expect.stringContaining(
        'the exception policy.exceptions[1] ("CHG-7 load test") for tcp 5432 from 0.0.0.0/0 expired on 2026-10-01',
      ),
    });
  });
});

describe('who changed it', () => {
  it('leaves a rule added by a trusted principal (Terraform) alone: no write, no finding', async () => {
    const event = await authorize(terraform(), GROUPS.postgres, tcp(5432, '10.30.0.0/16'));

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['ignore:trusted']);
    expect(calls.writes).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('applies guardrails to trusted principals too', async () => {
    const event = await authorize(terraform(), GROUPS.postgres, tcp(5432, '0.0.0.0/0'));

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
  });

  it("ignores netwarden's own calls without a single AWS call (no ping-pong)", async () => {
    const event = await authorize(
      netwardenRole('revert-sg-drift', 'test'),
      GROUPS.postgres,
      tcp(5432, '10.99.0.0/16'),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['ignore:self']);
    expect(calls.all).toEqual([]);
    expect(findings).toEqual([]);
  });

  it("ignores netwarden's own revoke as recorded in the sample event (stage dev, as osls invoke local runs it)", async () => {
    vi.stubEnv('NETWARDEN_STAGE', 'dev');
    await reload();

    const { result, calls } = await invoke(loadEvent('cloudtrail/revoke-ingress-by-netwarden.json'));
    vi.unstubAllEnvs();

    expect(result.decisions).toEqual(['ignore:self']);
    expect(calls.all).toEqual([]);
  });

  it('does not mistake a caller who merely names its session like netwarden for netwarden', async () => {
    const impostor = consoleUser('netwarden-test-revert-sg-drift');
    const event = await authorize(impostor, GROUPS.postgres, tcp(5432, '0.0.0.0/0'));

    const { result } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
  });

  it('ignores a failed call (errorCode present) without any AWS call', async () => {
    const event = await authorize(alice, GROUPS.mysql, tcp(3306, '10.20.0.0/16'));
    expect((event.detail as { errorCode?: string }).errorCode).toBe('Client.InvalidPermission.Duplicate');

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['ignore:failed-call']);
    expect(calls.all).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('leaves a narrow rule alone on a group only the account-wide guardrails select', async () => {
    const event = await authorize(alice, GROUPS.legacyApp, tcp(5432, '10.1.2.0/24'));

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['ignore:guardrails-only']);
    expect(calls.writes).toEqual([]);
  });

  it('revokes a world-open database port on an untagged group: the shipped policy guards every group', async () => {
    const event = await authorize(alice, GROUPS.legacyApp, tcp(5432, '0.0.0.0/0'));

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
  });

  it('reports, without revoking or reading the list, a guarded port opened to a prefix list on a group only the account-wide guardrails select', async () => {
    const event = await authorize(iamUser('mallory'), GROUPS.legacyApp, {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      PrefixListIds: [{ PrefixListId: 'pl-0abcdef0123456789' }],
    });
    const added = rulesOf(GROUPS.legacyApp).find((rule) => rule.PrefixListId === 'pl-0abcdef0123456789');

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['report:unverifiable-peer']);
    expect(calls.writes).toEqual([]);
    // No new AWS call: the list's entries are not read.
    expect(calls.all.map((call) => call.command)).not.toContain('GetManagedPrefixListEntries');
    expect(added).toBeDefined();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'sg.unverified-peer',
      severity: 'warning',
      outcome: 'no-action',
      actions: [],
      rules: [{ summary: 'tcp 5432 from pl-0abcdef0123456789', ruleId: added?.SecurityGroupRuleId }],
    });
    expect(findings[0]?.why).toContain(
      'to the prefix list pl-0abcdef0123456789, whose entries netwarden did not check: it may breach the guardrail',
    );
    expect(findings[0]?.why).toContain('the guardrail forbid[0] of "account-wide-guardrails"');
  });
});

describe('idempotency', () => {
  it('acts once when the same event is delivered twice', async () => {
    const event = await authorize(alice, GROUPS.postgres, tcp(5432, '0.0.0.0/0'));

    await invoke(event);
    const second = await invoke(structuredClone(event));

    expect(second.result.status).toBe('redelivered');
    expect(second.calls.all).toEqual([]);
    expect(
      sim.current.account.writes().filter((call) => call.command === 'RevokeSecurityGroupIngress'),
    ).toHaveLength(1);
  });

  it('treats a rule already revoked (InvalidSecurityGroupRuleId.NotFound) as done, in a fresh container', async () => {
    const event = await authorize(alice, GROUPS.postgres, tcp(5432, '0.0.0.0/0'));
    const ruleId =
      rulesOf(GROUPS.postgres).find((rule) => rule.CidrIpv4 === '0.0.0.0/0')?.SecurityGroupRuleId ?? '';
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: GROUPS.postgres, SecurityGroupRuleIds: [ruleId] }),
    );

    const { findings, calls } = await invoke(event);

    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(calls.all.filter((call) => call.error).map((call) => call.error)).toEqual([
      // The kill switch does not exist: not paused.
      'ParameterNotFound',
      'InvalidSecurityGroupRuleId.NotFound',
    ]);
    expect(findings[0]).toMatchObject({
      outcome: 'already-done',
      details: { revoked: [], alreadyGone: [ruleId] },
    });
  });
});

describe('removed and modified rules', () => {
  it('restores an approved rule removed by hand, from the baseline only', async () => {
    const approved = rulesOf(GROUPS.mysql).find(
      (rule) => rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    const event = await actAs(consoleUser('erin@example.com'), () =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.mysql,
          SecurityGroupRuleIds: [approved?.SecurityGroupRuleId ?? ''],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['restore:baseline']);
    expect(calls.reads).toEqual([
      'GetParameter',
      'DescribeSecurityGroups',
      'GetObject',
      'DescribeSecurityGroupRules',
    ]);
    expect(calls.writes).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(calls.all.find((call) => call.command === 'AuthorizeSecurityGroupIngress')?.input).toEqual({
      GroupId: GROUPS.mysql,
      IpPermissions: [
        // The description comes from the Terraform state, which approves the same rule as the policy.
        {
          IpProtocol: 'tcp',
          FromPort: 3306,
          ToPort: 3306,
          UserIdGroupPairs: [{ GroupId: GROUPS.gateway, Description: 'MySQL from Gateway' }],
        },
      ],
      TagSpecifications: [
        { ResourceType: 'security-group-rule', Tags: [{ Key: 'netwarden:restored', Value: 'baseline' }] },
      ],
    });
    expect(findings[0]).toMatchObject({ kind: 'sg.baseline-restored', outcome: 'acted' });
  });

  it('does not restore a removed rule that is in no baseline, policy or Terraform state (never widens access)', async () => {
    // Terraform adds a rule that its state file (the baseline) does not know yet; a person removes it.
    await authorize(terraform(), GROUPS.postgres, tcp(5432, '10.30.0.0/16'));
    const event = await actAs(alice, () =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.postgres,
          IpPermissions: [tcp(5432, '10.30.0.0/16')],
        }),
      ),
    );

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['ignore:nothing-to-restore']);
    expect(calls.writes).toEqual([]);
  });

  it('lets a trusted principal remove an approved rule', async () => {
    const approved = rulesOf(GROUPS.mysql).find(
      (rule) => rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    const event = await actAs(terraform(), () =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.mysql,
          SecurityGroupRuleIds: [approved?.SecurityGroupRuleId ?? ''],
        }),
      ),
    );

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['ignore:trusted']);
    expect(calls.writes).toEqual([]);
  });

  it('ModifySecurityGroupRules: describes the rules (the event has no direction or previous value), revokes the edit and restores the baseline', async () => {
    const approved = rulesOf(GROUPS.postgres).find(
      (rule) => rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    const event = await actAs(consoleUser('carol@example.com'), () =>
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: GROUPS.postgres,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: approved?.SecurityGroupRuleId,
              SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIpv4: '10.0.0.0/8' },
            },
          ],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:drift', 'restore:baseline']);
    expect(calls.reads).toEqual([
      'GetParameter',
      'DescribeSecurityGroups',
      'GetObject',
      'DescribeSecurityGroupRules',
    ]);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress', 'AuthorizeSecurityGroupIngress']);
    expect(findings.map((finding) => finding.kind)).toEqual(['sg.drift', 'sg.baseline-restored']);
    const now = rulesOf(GROUPS.postgres);
    expect(now.map((rule) => rule.CidrIpv4 ?? rule.ReferencedGroupInfo?.GroupId)).toEqual([GROUPS.gateway]);
  });

  it('ModifySecurityGroupRules widening a rule to the world is a guardrail breach even by Terraform', async () => {
    const approved = rulesOf(GROUPS.redis)[0];
    const event = await actAs(terraform(), () =>
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: GROUPS.redis,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: approved?.SecurityGroupRuleId,
              SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, CidrIpv4: '0.0.0.0/0' },
            },
          ],
        }),
      ),
    );

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
  });

  it('restores a rule known only to the Terraform state when someone removes it by hand', async () => {
    const fromZeroTrust = rulesOf(GROUPS.gateway).find(
      (rule) => rule.FromPort === 443 && rule.CidrIpv4 === '10.20.1.0/24',
    );
    const event = await actAs(alice, () =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUPS.gateway,
          SecurityGroupRuleIds: [fromZeroTrust?.SecurityGroupRuleId ?? ''],
        }),
      ),
    );

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['restore:baseline']);
    expect(calls.writes).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(
      rulesOf(GROUPS.gateway).some((rule) => rule.FromPort === 443 && rule.CidrIpv4 === '10.20.1.0/24'),
    ).toBe(true);
  });

  it('ModifySecurityGroupRules on a group without baseline (the Terraform state is unreadable): only reports an ordinary edit', async () => {
    // No state object: netwarden decides on the policy alone, which has no baseline for this group.
    sim.current.checks.objects.clear();
    const rule = rulesOf(GROUPS.nlb).find((candidate) => candidate.FromPort === 9995 && !candidate.IsEgress);
    const event = await actAs(alice, () =>
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: GROUPS.nlb,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: rule?.SecurityGroupRuleId,
              SecurityGroupRule: {
                IpProtocol: 'tcp',
                FromPort: 9995,
                ToPort: 9995,
                CidrIpv4: '10.20.3.0/24',
              },
            },
          ],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['report:unverifiable-change']);
    expect(calls.writes).toEqual([]);
    expect(findings[0]).toMatchObject({ kind: 'sg.unverified-change', outcome: 'no-action' });
  });
});

describe('a restore never breaches a guardrail', () => {
  it('reports, and does not restore, a Terraform-state rule a guardrail forbids after a description-only edit on the NLB group', async () => {
    // Terraform state still lists "22 from the world" on the NLB group, a rule netwarden revoked as forbidden.
    const key = 'netwarden-demo-tfstate/gateway/terraform.tfstate';
    const state = JSON.parse(sim.current.checks.objects.get(key) ?? '{}') as { resources: unknown[] };
    state.resources.push({
      mode: 'managed',
      type: 'aws_security_group_rule',
      name: 'nlb_ssh_anywhere',
      instances: [
        {
          attributes: {
            security_group_id: GROUPS.nlb,
            type: 'ingress',
            protocol: 'tcp',
            from_port: 22,
            to_port: 22,
            cidr_blocks: ['0.0.0.0/0'],
            description: 'SSH for the vendor',
          },
        },
      ],
    });
    sim.current.checks.objects.set(key, JSON.stringify(state));
    const https = rulesOf(GROUPS.nlb).find(
      (rule) => rule.FromPort === 443 && rule.CidrIpv4 === '10.20.1.0/24',
    );
    const event = await actAs(alice, () =>
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: GROUPS.nlb,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: https?.SecurityGroupRuleId,
              SecurityGroupRule: {
                IpProtocol: 'tcp',
                FromPort: 443,
                ToPort: 443,
                CidrIpv4: '10.20.1.0/24',
                Description: 'HTTPS from Zero Trust Gateway (reworded)',
              },
            },
          ],
        }),
      ),
    );

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['ignore:approved', 'report:forbidden-baseline']);
    expect(calls.writes).toEqual([]);
    expect(rulesOf(GROUPS.nlb).some((rule) => rule.FromPort === 22)).toBe(false);
    expect(findings).toMatchObject([
      {
        kind: 'sg.baseline-forbidden',
        outcome: 'no-action',
        actions: [],
        resource: { id: GROUPS.nlb },
        rules: [{ summary: 'tcp 22 from 0.0.0.0/0' }],
        why: expect.stringContaining(
          'tcp 22 from 0.0.0.0/0 is approved by Terraform state but forbidden by the guardrail forbid[0] of "account-wide-guardrails", so netwarden does not restore it',
        ),
      },
    ]);
  });
});

describe('report mode', () => {
  it('makes no write call and reports everything enforce mode would do', async () => {
    const { ec2SecurityGroups } = await import('../../../shared/aws/ec2/security-groups');
    const { loadPolicy } = await import('../../../shared/policy/load');
    const { protectedGroups, recentEvents } = await import('../../../shared/sg/protected-groups');
    const { stagePolicy } = await import('../../../shared/wiring');
    // The stage's mode folded into the policy, as wire() does for NETWARDEN_MODE=report.
    const policy = stagePolicy(loadPolicy('netwarden.policy.yml'), 'report');
    const sg = ec2SecurityGroups(ec2);
    const published: unknown[] = [];
    const deps = {
      sg,
      publish: async (finding: unknown) => {
        published.push(finding);
      },
      now: sim.current.account.clock.now,
      policy,
      selfRoles: ['arn:aws:iam::*:role/netwarden-test-*'],
      protectedGroups: protectedGroups(policy, sg, sim.current.account.clock.now),
      recent: recentEvents(),
      home: SIMULATED_HOME,
      // No grant is recorded: nothing here is a grant.
      grants: { get: async () => undefined },
    };
    const approved = rulesOf(GROUPS.postgres).find(
      (rule) => rule.ReferencedGroupInfo?.GroupId === GROUPS.gateway,
    );
    const events = [
      await authorize(alice, GROUPS.postgres, tcp(5432, '0.0.0.0/0')),
      await actAs(alice, () =>
        ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: GROUPS.postgres,
            SecurityGroupRuleIds: [approved?.SecurityGroupRuleId ?? ''],
          }),
        ),
      ),
    ];
    const mark = sim.current.account.calls.length;

    for (const event of events) await revertEvent(event, deps);

    expect(callsSince(sim.current, mark).writes).toEqual([]);
    expect(published).toMatchObject([
      {
        kind: 'sg.guardrail-breach',
        outcome: 'would-act',
        mode: 'report',
        actions: [expect.stringMatching(/^RevokeSecurityGroupIngress sg-0db00000000005432 sgr-/)],
      },
      {
        kind: 'sg.baseline-restored',
        outcome: 'would-act',
        mode: 'report',
        title: expect.stringContaining('would be restored'),
      },
    ]);
  });
});

function withDetail(file: string, changes: Record<string, unknown>) {
  const event = loadEvent<{ detail: Record<string, unknown> }>(file);
  return { ...event, detail: { ...event.detail, ...changes } };
}

describe('malformed events', () => {
  const malformed: Array<[string, unknown, RegExp]> = [
    ['no detail', { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2' }, /detail/],
    ['not an object', 'hello', /not a CloudTrail event/],
    [
      'an unknown eventName',
      withDetail('cloudtrail/authorize-ingress-terraform.json', { eventName: 'CreateSecurityGroup' }),
      /detail\.eventName: expected one of .*found "CreateSecurityGroup"/,
    ],
  ];

  it.each(malformed)('reports %s as unprocessable and does not throw', async (_name, event, reason) => {
    const { result, calls, findings } = await invoke(event);

    expect(result.status).toBe('unprocessable');
    expect(calls.writes).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'unprocessable', why: expect.stringMatching(reason) });
  });

  it('reports an unexpected shape naming the field and the value', async () => {
    const event = loadEvent<{
      detail: { requestParameters: { ipPermissions: { items: Array<Record<string, unknown>> } } };
    }>('cloudtrail/authorize-ingress-console-world-5432.json');
    const [permission] = event.detail.requestParameters.ipPermissions.items;
    if (permission) permission.ipRanges = { items: [{ cidrIp: '999.1.2.3/8' }] };
    (event.detail as unknown as { responseElements: unknown }).responseElements = { _return: true };

    const { result, findings } = await invoke(event);

    expect(result.status).toBe('unprocessable');
    expect(findings[0]?.why).toContain(
      'requestParameters.ipPermissions.items[0].ipRanges[0].cidrIp: expected an IPv4 CIDR, found "999.1.2.3/8"',
    );
  });

  it('reports an oversized parameter list it would have to read instead of trying to process it', async () => {
    const event = loadEvent<{
      detail: { requestParameters: { ipPermissions: { items: unknown[] } }; responseElements: unknown };
    }>('cloudtrail/authorize-ingress-console-world-5432.json');
    const [permission] = event.detail.requestParameters.ipPermissions.items;
    event.detail.requestParameters.ipPermissions.items = Array.from({ length: 1001 }, () => permission);
    // The request's rules are read only when the response names no created rule.
    event.detail.responseElements = { _return: true };

    const { result, findings } = await invoke(event);

    expect(result.status).toBe('unprocessable');
    expect(findings[0]?.why).toMatch(/requestParameters.*ipPermissions.*1000/);
  });

  it('says plainly that a Modify without requestParameters could not be judged, naming the event', async () => {
    const rule = rulesOf(GROUPS.legacyApp)[0];
    const event = await actAs(iamUser('mallory'), () =>
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: GROUPS.legacyApp,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: rule?.SecurityGroupRuleId,
              SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' },
            },
          ],
        }),
      ),
    );
    // CloudTrail omits requestParameters above 100 KB, and this response names no rule or group.
    delete (event.detail as { requestParameters?: unknown }).requestParameters;
    const eventId = (event.detail as { eventID: string }).eventID;

    const { result, calls, findings } = await invoke(event);

    expect(result.status).toBe('unprocessable');
    expect(calls.all.filter((call) => call.service !== 'SNS')).toEqual([]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'unprocessable',
        eventId,
        title: `revert-sg-drift could not judge event ${eventId}: nothing in it was checked or acted on`,
        why: expect.stringContaining('so the change could not be judged'),
      }),
    ]);
  });

  it('reports a group named only by name, with no group id in the response, instead of looking it up by name', async () => {
    const event = loadEvent('cloudtrail/authorize-ingress-group-name-only.json');

    const { result, calls, findings } = await invoke(event);

    expect(result.status).toBe('unprocessable');
    expect(calls.all.filter((call) => call.service !== 'SNS')).toEqual([]);
    expect(findings[0]?.why).toBe(
      'requestParameters.groupName: "rds-postgres-sg" names no group id, and responseElements.securityGroupRuleSet names none either; a group name is unique per VPC only, so netwarden does not look it up',
    );
  });
});
