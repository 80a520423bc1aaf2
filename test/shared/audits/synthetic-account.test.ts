/** The synthetic account's fast CIDR arithmetic (test/helpers/synthetic-account.ts) says what canonicalCidr says. */
import { describe, expect, it } from 'vitest';
import { canonicalCidr } from '../../../shared/rules/cidr';
import { privateNetwork } from '../../helpers/synthetic-account';

describe('privateNetwork', () => {
  it('is canonicalCidr of 10.x.y.z/prefix for every prefix the generator picks and edge octets', () => {
    for (const prefix of [0, 1, 8, 16, 20, 22, 24, 26, 28, 31, 32])
      for (const [second, third, fourth] of [
        [0, 0, 0],
        [3, 255, 255],
        [1, 128, 7],
        [2, 17, 200],
      ] as const)
        expect(
          privateNetwork(second, third, fourth, prefix),
          `10.${second}.${third}.${fourth}/${prefix}`,
        ).toBe(canonicalCidr(`10.${second}.${third}.${fourth}/${prefix}`));
  });
});
