/** Small factories for domain values, varied per test with overrides. */
import type { Rule } from '../../shared/rules/rule';

/** An ingress tcp 5432 rule on the PostgreSQL group of the simulated estate, from the world. */
export function ruleOf(overrides: Partial<Rule> = {}): Rule {
  return {
    groupId: 'sg-0db00000000005432',
    direction: 'ingress',
    protocol: 'tcp',
    fromPort: 5432,
    toPort: 5432,
    peer: { type: 'ipv4', cidr: '0.0.0.0/0' },
    tags: {},
    ...overrides,
  };
}
