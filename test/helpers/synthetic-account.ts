/**
 * A deterministic synthetic account for the audit at scale: by default 2,500 groups × 60 rules
 * (150,000 rules, AWS's per-region group quota at its per-group rule quota). The same seed gives the
 * same account, so `npm run bench` times the same work every run and a test can compare the indexed
 * audit with a naive pairwise one on a smaller account.
 *
 * The mix is what real accounts hold: /16…/32 CIDRs from a few private ranges (so supernets and
 * near-misses such as 10.0.0.0/16 vs 10.1.0.0/24 are common), group references, prefix lists, IPv6,
 * all-traffic rules, port ranges, a few world-open database ports, a few `netwarden:ignore` tags (which
 * exempt nothing), and a tenth of the groups protected by the policy with a baseline.
 */

import { parsePolicy } from '../../shared/policy/load';
import type { GroupFacts } from '../../shared/policy/match';
import type { Policy } from '../../shared/policy/schema';
import { canonicalCidr } from '../../shared/rules/cidr';
import { type Rule, ruleKey } from '../../shared/rules/rule';

export interface SyntheticAccount {
  readonly groups: GroupFacts[];
  readonly rules: Rule[];
  readonly policy: Policy;
  readonly attachedGroupIds: Set<string>;
  /** A fixed audit time, so that the same seed gives the same report. */
  readonly now: Date;
}

/** mulberry32: a tiny seeded PRNG, good enough to vary test data reproducibly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PORTS = [22, 80, 443, 3306, 5432, 6379, 8080, 9995, 27017] as const;
const PREFIXES = [16, 20, 22, 24, 24, 26, 28, 32] as const;

/**
 * `10.<second>.<third>.<fourth>/<prefix>` with its host bits cleared, what canonicalCidr gives (the test
 * of this helper holds them equal), in number arithmetic: generating 150,000 rules through the bigint
 * parser cost as much CPU as auditing them.
 */
export function privateNetwork(second: number, third: number, fourth: number, prefix: number): string {
  const address = ((10 << 24) | (second << 16) | (third << 8) | fourth) >>> 0;
  const network = prefix === 0 ? 0 : (address & (~0 << (32 - prefix))) >>> 0;
  return `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${prefix}`;
}

export const groupIdOf = (index: number) => `sg-${index.toString(16).padStart(17, '0')}`;

export function syntheticAccount(
  options: { groups?: number; rulesPerGroup?: number; seed?: number } = {},
): SyntheticAccount {
  const groupCount = options.groups ?? 2500;
  const perGroup = options.rulesPerGroup ?? 60;
  const next = random(options.seed ?? 20261123);
  const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(next() * items.length)] as T;
  const groups: GroupFacts[] = [];
  const rules: Rule[] = [];
  const attachedGroupIds = new Set<string>();
  let ruleCounter = 0;

  for (let g = 0; g < groupCount; g += 1) {
    const groupId = groupIdOf(g + 1);
    const isProtected = g % 10 === 0;
    groups.push({
      groupId,
      groupName: `synthetic-${g + 1}`,
      vpcId: 'vpc-0a1b2c3d4e5f60001',
      tags: isProtected ? { 'netwarden:protect': 'true' } : {},
    });
    if (next() < 0.9) attachedGroupIds.add(groupId);
    const keys = new Set<string>();
    for (let attempt = 0; keys.size < perGroup && attempt < perGroup * 4; attempt += 1) {
      const direction = keys.size % 2 === 0 ? 'ingress' : 'egress';
      const roll = next();
      const protocol = roll < 0.03 ? '-1' : roll < 0.1 ? 'udp' : roll < 0.12 ? 'icmp' : 'tcp';
      const from = pick(PORTS);
      const ranged = next() < 0.1;
      const ports =
        protocol === '-1'
          ? { fromPort: -1, toPort: -1 }
          : protocol === 'icmp'
            ? { fromPort: -1, toPort: -1 }
            : { fromPort: from, toPort: ranged ? from + Math.floor(next() * 100) : from };
      const kind = next();
      let peer: Rule['peer'];
      if (kind < 0.15)
        peer = { type: 'security-group', groupId: groupIdOf(1 + Math.floor(next() * groupCount)) };
      else if (kind < 0.18)
        peer = { type: 'prefix-list', prefixListId: `pl-${pick(['0a1b2c3d', '0e0f1a2b'])}` };
      else if (kind < 0.2)
        peer = {
          type: 'ipv6',
          cidr: canonicalCidr(`2001:db8:${Math.floor(next() * 16).toString(16)}::/48`) ?? '',
        };
      else if (kind < 0.205) peer = { type: 'ipv4', cidr: '0.0.0.0/0' };
      else {
        const prefix = pick(PREFIXES);
        const second = Math.floor(next() * 4);
        const third = Math.floor(next() * 256);
        const fourth = Math.floor(next() * 256);
        peer = { type: 'ipv4', cidr: privateNetwork(second, third, fourth, prefix) };
      }
      ruleCounter += 1;
      const rule: Rule = {
        groupId,
        direction,
        protocol,
        ...ports,
        peer,
        ruleId: `sgr-${ruleCounter.toString(16).padStart(17, '0')}`,
        tags: next() < 0.002 ? { 'netwarden:ignore': 'break-glass for the migration (ticket OPS-42)' } : {},
      };
      const key = ruleKey(rule);
      if (keys.has(key)) continue;
      keys.add(key);
      rules.push(rule);
    }
  }

  const policy = parsePolicy(`
version: 1
securityGroups:
  - name: synthetic-protected
    select: { tags: { "netwarden:protect": "true" } }
    forbid:
      - { direction: ingress, source: 0.0.0.0/0, ports: [22, 3306, 5432, 6379, "27017-27019"] }
    baseline:
      - { direction: ingress, ports: 443, source: 10.0.0.0/16 }
      - { direction: ingress, ports: 5432, source: ${groupIdOf(1)} }
`);
  return { groups, rules, policy, attachedGroupIds, now: new Date('2026-11-23T00:00:00Z') };
}
