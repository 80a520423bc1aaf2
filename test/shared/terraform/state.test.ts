import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleFromSdk } from '../../../shared/aws/ec2/rule-shapes';
import { ruleKey, summarise } from '../../../shared/rules/rule';
import {
  baselineFromState,
  mergeBaselines,
  parseTerraformState,
  TerraformStateError,
} from '../../../shared/terraform/state';
import { createSimulatedAccount, GROUPS } from '../../../simulated-account/index';

const fixture = readFileSync(
  join(import.meta.dirname, '..', '..', '..', 'simulated-account', 'terraform.tfstate.json'),
  'utf8',
);

/** A state file with the given resources, as Terraform 1.x writes it. */
const stateOf = (...resources: unknown[]) =>
  JSON.stringify({ version: 4, terraform_version: '1.9.8', serial: 1, lineage: 'x', outputs: {}, resources });
const resource = (
  type: string,
  attributes: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  mode: 'managed',
  type,
  name: 'r',
  provider: 'provider["registry.terraform.io/hashicorp/aws"]',
  ...extra,
  instances: [{ schema_version: 1, attributes }],
});
const SG = 'sg-0123456789abcdef0';
const legacyRule = (overrides: Record<string, unknown>) =>
  resource('aws_security_group_rule', {
    type: 'ingress',
    security_group_id: SG,
    protocol: 'tcp',
    from_port: 5432,
    to_port: 5432,
    cidr_blocks: [],
    ipv6_cidr_blocks: [],
    prefix_list_ids: [],
    source_security_group_id: null,
    self: false,
    ...overrides,
  });

describe('parseTerraformState on the fixture (every resource kind, modules, count and for_each)', () => {
  const state = parseTerraformState(fixture);

  it('reads everything without problems', () => {
    expect(state.problems).toEqual([]);
    expect(state.incomplete.size).toBe(0);
  });

  it('matches the simulated estate rule for rule, group by group', () => {
    const sim = createSimulatedAccount();
    try {
      const estate = [...sim.sg.rules.values()].map(ruleFromSdk);
      for (const groupId of [
        GROUPS.nlb,
        GROUPS.gateway,
        GROUPS.postgres,
        GROUPS.mysql,
        GROUPS.docdb,
        GROUPS.redis,
      ]) {
        const expected = estate
          .filter((rule) => rule.groupId === groupId)
          .map(ruleKey)
          .sort();
        const baseline = baselineFromState(state, groupId) ?? [];
        expect([...new Set(baseline.map(ruleKey))].sort(), groupId).toEqual(expected);
      }
    } finally {
      sim.restore();
    }
  });

  it('ignores the refreshed inline blocks of a group whose rules are separate resources', () => {
    // The NLB group's inline `ingress` lists a console rule (22 from 0.0.0.0/0) captured by a refresh.
    const nlb = baselineFromState(state, GROUPS.nlb) ?? [];
    expect(nlb.map(summarise)).not.toContain('tcp 22 from 0.0.0.0/0');
    expect(nlb).toHaveLength(6);
  });

  it('uses inline blocks when no separate rule resource targets the group', () => {
    expect(baselineFromState(state, GROUPS.docdb)?.map(summarise)).toEqual([
      `tcp 27017-27019 from ${GROUPS.gateway}`,
    ]);
  });

  it('keeps the rule ids of aws_vpc_security_group_*_rule resources and reads for_each instances', () => {
    const https = (baselineFromState(state, GROUPS.gateway) ?? []).filter((rule) => rule.fromPort === 443);
    expect(https.map((rule) => [rule.direction, rule.ruleId, summarise(rule)])).toEqual([
      ['ingress', 'sgr-0f00000000000a003', 'tcp 443 from 10.20.1.0/24'],
      ['ingress', 'sgr-0f00000000000a004', 'tcp 443 from 10.20.2.0/24'],
      ['egress', 'sgr-0f00000000000b050', 'tcp 443 to 0.0.0.0/0'],
    ]);
  });

  it('reads rules on groups Terraform only references (a data source group)', () => {
    expect(baselineFromState(state, GROUPS.postgres)?.map(summarise)).toEqual([
      `tcp 5432 from ${GROUPS.gateway}`,
    ]);
  });

  it('knows nothing about groups Terraform does not manage', () => {
    expect(baselineFromState(state, GROUPS.legacyApp)).toBeUndefined();
  });
});

describe('parseTerraformState on single resources', () => {
  it('reads protocol "-1" and "all" with 0/0 ports as all traffic', () => {
    for (const protocol of ['-1', 'all']) {
      const state = parseTerraformState(
        stateOf(
          legacyRule({ type: 'egress', protocol, from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }),
        ),
      );
      expect(baselineFromState(state, SG)).toMatchObject([
        {
          direction: 'egress',
          protocol: '-1',
          fromPort: -1,
          toPort: -1,
          peer: { type: 'ipv4', cidr: '0.0.0.0/0' },
        },
      ]);
    }
  });

  it('makes one rule per source: IPv4, IPv6, prefix list, source group and self', () => {
    const state = parseTerraformState(
      stateOf(
        legacyRule({
          cidr_blocks: ['10.0.0.0/16'],
          ipv6_cidr_blocks: ['2001:db8::/32'],
          prefix_list_ids: ['pl-0a1b2c3d'],
          self: true,
        }),
        legacyRule({ source_security_group_id: 'sg-0aaaaaaaaaaaaaaaa', protocol: '6' }),
      ),
    );
    expect(baselineFromState(state, SG)?.map(summarise)).toEqual([
      'tcp 5432 from 10.0.0.0/16',
      'tcp 5432 from 2001:db8::/32',
      'tcp 5432 from pl-0a1b2c3d',
      `tcp 5432 from ${SG}`,
      'tcp 5432 from sg-0aaaaaaaaaaaaaaaa',
    ]);
  });

  it('reads aws_vpc_security_group_egress_rule with ip_protocol -1 and null ports, and icmp types', () => {
    const state = parseTerraformState(
      stateOf(
        resource('aws_vpc_security_group_egress_rule', {
          id: 'sgr-0123',
          security_group_id: SG,
          ip_protocol: '-1',
          from_port: null,
          to_port: null,
          cidr_ipv6: '::/0',
        }),
        resource('aws_vpc_security_group_ingress_rule', {
          id: 'sgr-0456',
          security_group_id: SG,
          ip_protocol: 'icmp',
          from_port: 8,
          to_port: -1,
          prefix_list_id: 'pl-0a1b2c3d',
        }),
      ),
    );
    expect(baselineFromState(state, SG)?.map((rule) => [rule.ruleId, summarise(rule)])).toEqual([
      ['sgr-0123', 'all traffic to ::/0'],
      ['sgr-0456', 'icmp type 8 from pl-0a1b2c3d'],
    ]);
  });

  it('reads instances of resources inside modules, keyed by count index or for_each key', () => {
    const state = parseTerraformState(
      stateOf({
        ...legacyRule({ cidr_blocks: ['10.0.0.0/16'] }),
        module: 'module.db["eu"]',
        instances: [
          {
            index_key: 'a',
            schema_version: 2,
            attributes: { ...legacyRule({}).instances[0]?.attributes, cidr_blocks: ['10.1.0.0/16'] },
          },
          {
            index_key: 'b',
            schema_version: 2,
            attributes: { ...legacyRule({}).instances[0]?.attributes, cidr_blocks: ['10.2.0.0/16'] },
          },
        ],
      }),
    );
    expect(baselineFromState(state, SG)?.map(summarise)).toEqual([
      'tcp 5432 from 10.1.0.0/16',
      'tcp 5432 from 10.2.0.0/16',
    ]);
  });

  it('marks a group incomplete (baseline unknown) when an entry cannot be read, naming the address', () => {
    const state = parseTerraformState(
      stateOf(legacyRule({ cidr_blocks: ['10.0.0.0/16'] }), {
        ...legacyRule({ protocol: 'tcp', source_security_group_id: 'default' }),
        name: 'by_name',
      }),
    );
    expect(baselineFromState(state, SG)).toBeUndefined();
    expect(state.problems).toEqual([
      'aws_security_group_rule.by_name: expected a security group id, found "default"',
    ]);
  });

  it('ignores data sources and other resource types', () => {
    const state = parseTerraformState(
      stateOf(
        { ...resource('aws_security_group', { id: SG, ingress: [] }), mode: 'data' },
        resource('aws_lb', { id: 'arn:aws:elasticloadbalancing:…' }),
      ),
    );
    expect(state.rules.size).toBe(0);
  });

  it('a managed group without rules has an empty baseline (every rule on it is drift)', () => {
    const state = parseTerraformState(
      stateOf(resource('aws_security_group', { id: SG, ingress: [], egress: [] })),
    );
    expect(baselineFromState(state, SG)).toEqual([]);
  });

  it('refuses other state versions and invalid JSON with the reason', () => {
    expect(() => parseTerraformState(JSON.stringify({ version: 3, modules: [] }), 's3://b/k')).toThrow(
      new TerraformStateError('s3://b/k: version: expected 4 (Terraform 0.12 or later), found 3'),
    );
    expect(() => parseTerraformState('{', 's3://b/k')).toThrow(/^s3:\/\/b\/k: not valid JSON/);
  });

  it('merges several state files per group', () => {
    const one = parseTerraformState(stateOf(legacyRule({ cidr_blocks: ['10.0.0.0/16'] })));
    const two = parseTerraformState(stateOf(legacyRule({ cidr_blocks: ['10.1.0.0/16'] })));
    expect(baselineFromState(mergeBaselines([one, two]), SG)).toHaveLength(2);
  });
});
