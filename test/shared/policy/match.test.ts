import { describe, expect, it } from 'vitest';
import { forbidMatches, globMatches, selectorMatches } from '../../../shared/policy/match';
import { ForbidRule } from '../../../shared/policy/schema';
import type { Rule } from '../../../shared/rules/rule';
import { ruleOf } from '../../helpers/factories';

const rule = (overrides: Partial<Rule> = {}): Rule => ruleOf(overrides);
const worldDbPorts = ForbidRule.parse({ source: '0.0.0.0/0', ports: [22, 3306, 5432, 6379, '27017-27019'] });

describe('forbidMatches', () => {
  it('matches the world on a forbidden port, a range that includes one, and all traffic', () => {
    expect(forbidMatches(worldDbPorts, rule())).toBe(true);
    expect(forbidMatches(worldDbPorts, rule({ fromPort: 27000, toPort: 28000 }))).toBe(true);
    expect(forbidMatches(worldDbPorts, rule({ protocol: '-1', fromPort: -1, toPort: -1 }))).toBe(true);
  });

  it.each<[string, Partial<Rule>]>([
    [
      'a restricted all-traffic rule (AWS ASR #246)',
      { protocol: '-1', fromPort: -1, toPort: -1, peer: { type: 'ipv4', cidr: '10.0.0.0/8' } },
    ],
    ['the world on a port that is not forbidden', { fromPort: 443, toPort: 443 }],
    ['a range just below a forbidden one', { fromPort: 27000, toPort: 27016 }],
    ['a narrow CIDR on a forbidden port', { peer: { type: 'ipv4', cidr: '203.0.113.7/32' } }],
    ['half the world: /1 does not include all of 0.0.0.0/0', { peer: { type: 'ipv4', cidr: '0.0.0.0/1' } }],
    ['egress to the world', { direction: 'egress' }],
    ['icmp from the world', { protocol: 'icmp', fromPort: -1, toPort: -1 }],
    ['a security-group source', { peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000002' } }],
  ])('does not match %s (near miss)', (_name, overrides) => {
    expect(forbidMatches(worldDbPorts, rule(overrides))).toBe(false);
  });

  it('widerThan catches the halves of the world that an exact match would miss', () => {
    const wide = ForbidRule.parse({ widerThan: 8, ports: [5432] });
    expect(forbidMatches(wide, rule({ peer: { type: 'ipv4', cidr: '0.0.0.0/1' } }))).toBe(true);
    expect(forbidMatches(wide, rule({ peer: { type: 'ipv4', cidr: '10.0.0.0/8' } }))).toBe(false);
  });

  it('widerThanIpv6 replaces widerThan for IPv6 peers only, and may stand alone', () => {
    const wide = ForbidRule.parse({ widerThan: 8, widerThanIpv6: 32, ports: [5432] });
    const v6 = (cidr: string) => rule({ peer: { type: 'ipv6', cidr } });
    // 2000::/3 is every global unicast address; 2600::/8 holds a whole registry's allocations.
    expect(forbidMatches(wide, v6('2000::/3'))).toBe(true);
    expect(forbidMatches(wide, v6('2600::/8'))).toBe(true);
    expect(forbidMatches(wide, v6('2001:db8::/31'))).toBe(true);
    expect(forbidMatches(wide, v6('2001:db8::/32'))).toBe(false);
    expect(forbidMatches(wide, rule({ peer: { type: 'ipv4', cidr: '10.0.0.0/9' } }))).toBe(false);
    expect(forbidMatches(wide, rule({ peer: { type: 'ipv4', cidr: '0.0.0.0/1' } }))).toBe(true);
    // Without widerThanIpv6, widerThan holds for both families.
    expect(forbidMatches(ForbidRule.parse({ widerThan: 8, ports: [5432] }), v6('2600::/8'))).toBe(false);
    expect(forbidMatches(ForbidRule.parse({ widerThan: 8, ports: [5432] }), v6('2000::/3'))).toBe(true);
    // Alone, it says nothing about IPv4.
    const v6Only = ForbidRule.parse({ widerThanIpv6: 32, ports: [5432] });
    expect(forbidMatches(v6Only, v6('2600::/8'))).toBe(true);
    expect(forbidMatches(v6Only, rule({ peer: { type: 'ipv4', cidr: '0.0.0.0/0' } }))).toBe(false);
  });

  it('an IPv6 forbid with no ports matches any port from ::/0 and nothing from IPv4', () => {
    const v6 = ForbidRule.parse({ source: '::/0' });
    expect(
      forbidMatches(v6, rule({ peer: { type: 'ipv6', cidr: '::/0' }, fromPort: 443, toPort: 443 })),
    ).toBe(true);
    expect(forbidMatches(v6, rule())).toBe(false);
  });
});

describe('selectors and globs', () => {
  it('selects by id, name or every listed tag', () => {
    const group = {
      groupId: 'sg-0db00000000005432',
      groupName: 'rds-postgres-sg',
      tags: { 'netwarden:protect': 'true', Tier: 'db' },
    };
    expect(selectorMatches({ ids: ['sg-0db00000000005432'] }, group)).toBe(true);
    expect(selectorMatches({ names: ['rds-postgres-sg'] }, group)).toBe(true);
    expect(selectorMatches({ tags: { 'netwarden:protect': 'true', Tier: 'db' } }, group)).toBe(true);
    expect(selectorMatches({ tags: { 'netwarden:protect': 'true', Tier: 'web' } }, group)).toBe(false);
    expect(selectorMatches({ tags: { 'netwarden:protect': 'false' } }, group)).toBe(false);
  });

  it('ARN globs: * matches within one ARN segment, everything else is literal', () => {
    expect(
      globMatches('arn:aws:iam::*:role/terraform-*', 'arn:aws:iam::111122223333:role/terraform-ci'),
    ).toBe(true);
    expect(
      globMatches('arn:aws:iam::*:role/terraform-*', 'arn:aws:iam::111122223333:role/not-terraform-ci'),
    ).toBe(false);
    expect(globMatches('arn:aws:iam::1.1:role/x', 'arn:aws:iam::111:role/x')).toBe(false);
  });

  it('ARN globs: * never crosses / (a role path) or : (the account field)', () => {
    // A role anyone with iam:CreateRole can make: path /terraform-x/, name evil.
    expect(
      globMatches('arn:aws:iam::*:role/terraform-*', 'arn:aws:iam::111122223333:role/terraform-x/evil'),
    ).toBe(false);
    expect(
      globMatches('arn:aws:sts::*:assumed-role/db-oncall/*', 'arn:aws:sts::1:assumed-role/db-oncall/a/b'),
    ).toBe(false);
    // `*` is one account, not an account plus whatever follows it.
    expect(
      globMatches('arn:aws:iam::*:role/terraform-ci', 'arn:aws:iam::111122223333:x:role/terraform-ci'),
    ).toBe(false);
    expect(globMatches('arn:aws:iam::*', 'arn:aws:iam::111122223333:role/terraform-ci')).toBe(false);
    expect(
      globMatches('arn:aws:sts::*:assumed-role/db-oncall/*', 'arn:aws:sts::1:assumed-role/db-oncall/alice'),
    ).toBe(true);
  });
});
