import { describe, expect, it } from 'vitest';
import { covers, normalisePorts, opensPort, type Rule, summarise } from '../../../shared/rules/rule';
import { ruleOf } from '../../helpers/factories';

const rule = (overrides: Partial<Rule> = {}): Rule =>
  ruleOf({ peer: { type: 'ipv4', cidr: '10.20.0.0/16' }, ...overrides });

describe('covers', () => {
  it('a wider CIDR on the same ports covers a narrower one', () => {
    expect(covers(rule(), rule({ peer: { type: 'ipv4', cidr: '10.20.8.0/22' } }))).toBe(true);
  });

  it('a port range covers a port inside it; all traffic covers everything', () => {
    expect(covers(rule({ fromPort: 27017, toPort: 27019 }), rule({ fromPort: 27018, toPort: 27018 }))).toBe(
      true,
    );
    expect(covers(rule({ protocol: '-1', fromPort: -1, toPort: -1 }), rule({ protocol: 'udp' }))).toBe(true);
  });

  it.each<[string, Partial<Rule>, Partial<Rule>]>([
    ['a neighbouring CIDR', {}, { peer: { type: 'ipv4', cidr: '10.21.0.0/24' } }],
    ['the same CIDR on other ports', {}, { fromPort: 5433, toPort: 5433 }],
    ['a range that only overlaps', { fromPort: 27017, toPort: 27018 }, { fromPort: 27018, toPort: 27019 }],
    ['another protocol', {}, { protocol: 'udp' }],
    [
      'all traffic covered by one tcp rule',
      { fromPort: 0, toPort: 65535 },
      { protocol: '-1', fromPort: -1, toPort: -1 },
    ],
    ['another direction', {}, { direction: 'egress' }],
    ['another group', {}, { groupId: 'sg-0db00000000003306' }],
    [
      'a security-group source vs a CIDR',
      {},
      { peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000002' } },
    ],
    [
      'another referenced group',
      { peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000001' } },
      { peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000002' } },
    ],
    [
      'IPv4 world vs IPv6',
      { peer: { type: 'ipv4', cidr: '0.0.0.0/0' } },
      { peer: { type: 'ipv6', cidr: '2001:db8::/32' } },
    ],
  ])('does not cover %s (near miss)', (_name, outer, inner) => {
    expect(covers(rule(outer), rule(inner))).toBe(false);
  });

  it('icmp: type -1 covers a specific type; a specific type does not cover another', () => {
    const icmp = (type: number, code: number) => rule({ protocol: 'icmp', fromPort: type, toPort: code });
    expect(covers(icmp(-1, -1), icmp(8, 0))).toBe(true);
    expect(covers(icmp(8, -1), icmp(8, 0))).toBe(true);
    expect(covers(icmp(8, 0), icmp(0, 0))).toBe(false);
  });
});

describe('ports', () => {
  it('tcp without ports means every port', () => {
    expect(normalisePorts('tcp', undefined, undefined)).toEqual({ fromPort: 0, toPort: 65535 });
    expect(normalisePorts('-1', 0, 65535)).toEqual({ fromPort: -1, toPort: -1 });
  });

  it('opensPort tests range containment, not equality', () => {
    expect(opensPort(rule({ fromPort: 5000, toPort: 6000 }), { from: 5432, to: 5432 })).toBe(true);
    expect(opensPort(rule({ fromPort: 27017, toPort: 27019 }), { from: 27019, to: 27019 })).toBe(true);
    expect(opensPort(rule({ fromPort: 5433, toPort: 6000 }), { from: 5432, to: 5432 })).toBe(false);
    expect(opensPort(rule({ protocol: 'icmp', fromPort: -1, toPort: -1 }), { from: 22, to: 22 })).toBe(false);
  });
});

describe('summarise', () => {
  it.each<[Partial<Rule>, string]>([
    [{ peer: { type: 'ipv4', cidr: '0.0.0.0/0' } }, 'tcp 5432 from 0.0.0.0/0'],
    [{ fromPort: 27017, toPort: 27019 }, 'tcp 27017-27019 from 10.20.0.0/16'],
    [{ protocol: '-1', fromPort: -1, toPort: -1, direction: 'egress' }, 'all traffic to 10.20.0.0/16'],
    [
      { fromPort: 0, toPort: 65535, peer: { type: 'prefix-list', prefixListId: 'pl-0abc1234def567890' } },
      'tcp all ports from pl-0abc1234def567890',
    ],
    [{ protocol: 'icmp', fromPort: 8, toPort: -1 }, 'icmp type 8 from 10.20.0.0/16'],
  ])('%j reads as %s', (overrides, text) => {
    expect(summarise(rule(overrides))).toBe(text);
  });
});
