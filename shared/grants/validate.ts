/**
 * The field checks shared by a grant request and a grant read back from its tags. Each problem names
 * the field and the value: `port 22 is not grantable`, `cidr 0.0.0.0/0 is not allowed`,
 * `ttl 9h exceeds maxTtl 8h`.
 */
import { formatDuration } from '../policy/duration';
import type { GrantPolicy } from '../policy/schema';
import { parseCidr } from '../rules/cidr';
import type { Peer } from '../rules/rule';

export function portProblem(port: number, policy: GrantPolicy): string | undefined {
  return policy.ports.includes(port) ? undefined : `port ${port} is not grantable`;
}

/**
 * A single host, a CIDR no wider than grants.minPrefixLength, or a security group that
 * grants.sourceGroups.ids names. Never /0.
 */
export function sourceProblem(peer: Peer, policy: GrantPolicy): string | undefined {
  switch (peer.type) {
    // A group is every host that is or will be in it, possibly in a peered VPC: only a reviewed list
    // can say which groups are narrow enough to be a grant's source.
    case 'security-group':
      return policy.sourceGroups.ids.includes(peer.groupId)
        ? undefined
        : `sourceGroup ${peer.groupId} is not allowed: not in grants.sourceGroups.ids`;
    case 'prefix-list':
      return `source ${peer.prefixListId} is not allowed: a grant is for a host, a narrow CIDR or a security group`;
    case 'ipv4':
    case 'ipv6': {
      const cidr = parseCidr(peer.cidr);
      if (!cidr) return `cidr ${peer.cidr} is not a CIDR`;
      if (cidr.prefix === 0) return `cidr ${peer.cidr} is not allowed`;
      const min = peer.type === 'ipv4' ? policy.minPrefixLength.ipv4 : policy.minPrefixLength.ipv6;
      return cidr.prefix < min
        ? `cidr ${peer.cidr} is not allowed: wider than /${min} (grants.minPrefixLength.${peer.type})`
        : undefined;
    }
  }
}

/** `shown` is the ttl as the caller wrote it (`9h`), so the message repeats their words. */
export function ttlProblem(ttlMs: number, shown: string, policy: GrantPolicy): string | undefined {
  if (ttlMs > policy.maxTtl) return `ttl ${shown} exceeds maxTtl ${formatDuration(policy.maxTtl)}`;
  // A grant shorter than this could expire while grant-access is still recording it.
  if (ttlMs < policy.minTtl) return `ttl ${shown} is shorter than minTtl ${formatDuration(policy.minTtl)}`;
  return undefined;
}
