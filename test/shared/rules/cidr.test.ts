import { describe, expect, it } from 'vitest';
import { canonicalCidr, cidrContains, parseCidr } from '../../../shared/rules/cidr';

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test CIDR ${text} does not parse`);
  return parsed;
};

describe('canonicalCidr', () => {
  it.each([
    ['10.1.2.3/0', '0.0.0.0/0'],
    ['100.68.0.18/18', '100.68.0.0/18'],
    ['203.0.113.7', '203.0.113.7/32'],
    ['2001:DB8:0:0:1::/64', '2001:db8::/64'],
    ['::/0', '::/0'],
    ['2001:db8:1234::1/128', '2001:db8:1234::1/128'],
    ['fe80::1:0:0:1/64', 'fe80::/64'],
  ])('canonicalises %s to %s as AWS stores it', (input, expected) => {
    expect(canonicalCidr(input)).toBe(expected);
  });

  it.each(['256.1.1.1/8', '10.0.0.0/33', '10.0.0/8', '1::2::3/64', '::/129', 'sg-0123', '10.0.0.0/-1', ''])(
    'rejects %j',
    (input) => {
      expect(canonicalCidr(input)).toBeUndefined();
    },
  );
});

describe('cidrContains', () => {
  it('contains narrower ranges inside it and itself', () => {
    expect(cidrContains(cidr('10.20.0.0/16'), cidr('10.20.8.0/22'))).toBe(true);
    expect(cidrContains(cidr('10.20.0.0/16'), cidr('10.20.0.0/16'))).toBe(true);
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('203.0.113.7/32'))).toBe(true);
    expect(cidrContains(cidr('::/0'), cidr('2001:db8::/32'))).toBe(true);
  });

  it('does not contain neighbours, wider ranges or the other family (near misses)', () => {
    expect(cidrContains(cidr('10.0.0.0/16'), cidr('10.1.0.0/24'))).toBe(false);
    expect(cidrContains(cidr('10.20.8.0/22'), cidr('10.20.0.0/16'))).toBe(false);
    expect(cidrContains(cidr('10.20.0.0/16'), cidr('10.21.0.0/24'))).toBe(false);
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('::/0'))).toBe(false);
  });
});
