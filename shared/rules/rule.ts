/**
 * The one security-group rule model. CloudTrail request/response elements, DescribeSecurityGroupRules
 * results, policy entries and Terraform state all normalise to `Rule` (see normalise.ts), so every
 * comparison — drift, duplicate, guardrail, baseline — is written once, here.
 */
import { cidrContains, parseCidr } from './cidr';

export type Direction = 'ingress' | 'egress';

/** The single source (ingress) or destination (egress) of a rule. */
export type Peer =
  | { readonly type: 'ipv4'; readonly cidr: string }
  | { readonly type: 'ipv6'; readonly cidr: string }
  | { readonly type: 'prefix-list'; readonly prefixListId: string }
  | { readonly type: 'security-group'; readonly groupId: string; readonly userId?: string };

/**
 * Protocol as AWS names it after normalisation: 'tcp', 'udp', 'icmp', 'icmpv6', '-1' (all traffic)
 * or another IP protocol number as a string.
 */
export type Protocol = string;

export interface Rule {
  readonly groupId: string;
  readonly direction: Direction;
  readonly protocol: Protocol;
  /** tcp/udp: first port; icmp: type (-1 = all); '-1' and other protocols: -1. */
  readonly fromPort: number;
  /** tcp/udp: last port; icmp: code (-1 = all); '-1' and other protocols: -1. */
  readonly toPort: number;
  readonly peer: Peer;
  readonly description?: string;
  readonly ruleId?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export const ALL_TRAFFIC = '-1';

const PROTOCOL_NAMES: Readonly<Record<string, Protocol>> = {
  '-1': ALL_TRAFFIC,
  all: ALL_TRAFFIC,
  '6': 'tcp',
  tcp: 'tcp',
  '17': 'udp',
  udp: 'udp',
  '1': 'icmp',
  icmp: 'icmp',
  '58': 'icmpv6',
  icmpv6: 'icmpv6',
};

export function normaliseProtocol(raw: string | number | undefined): Protocol | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim().toLowerCase();
  const named = PROTOCOL_NAMES[text];
  if (named) return named;
  return /^\d{1,3}$/.test(text) && Number(text) <= 255 ? text : undefined;
}

export const hasPorts = (protocol: Protocol): boolean => protocol === 'tcp' || protocol === 'udp';
const isIcmp = (protocol: Protocol): boolean => protocol === 'icmp' || protocol === 'icmpv6';

/**
 * Normalises a port pair for a protocol: tcp/udp without ports (or -1) means every port;
 * protocols without ports carry -1/-1 so that equal rules compare equal.
 */
export function normalisePorts(
  protocol: Protocol,
  fromPort: number | undefined,
  toPort: number | undefined,
): { fromPort: number; toPort: number } {
  if (hasPorts(protocol)) {
    if (fromPort === undefined || fromPort < 0) return { fromPort: 0, toPort: 65535 };
    return { fromPort, toPort: toPort === undefined || toPort < 0 ? fromPort : toPort };
  }
  if (isIcmp(protocol)) return { fromPort: fromPort ?? -1, toPort: toPort ?? -1 };
  return { fromPort: -1, toPort: -1 };
}

export function peerKey(peer: Peer): string {
  switch (peer.type) {
    case 'ipv4':
    case 'ipv6':
      return peer.cidr;
    case 'prefix-list':
      return peer.prefixListId;
    case 'security-group':
      return peer.groupId;
  }
}

/** Identity of a rule's access, ignoring description, tags and id: AWS's own duplicate test. */
export function ruleKey(rule: Rule): string {
  return [rule.groupId, rule.direction, rule.protocol, rule.fromPort, rule.toPort, peerKey(rule.peer)].join(
    '|',
  );
}

export function sameAccess(a: Rule, b: Rule): boolean {
  return ruleKey(a) === ruleKey(b);
}

function peerCovers(outer: Peer, inner: Peer): boolean {
  if (outer.type === 'ipv4' || outer.type === 'ipv6') {
    if (inner.type !== outer.type) return false;
    const outerCidr = parseCidr(outer.cidr);
    const innerCidr = parseCidr(inner.cidr);
    return outerCidr !== undefined && innerCidr !== undefined && cidrContains(outerCidr, innerCidr);
  }
  return peerKey(outer) === peerKey(inner) && outer.type === inner.type;
}

function protocolAndPortsCover(outer: Rule, inner: Rule): boolean {
  if (outer.protocol === ALL_TRAFFIC) return true;
  if (outer.protocol !== inner.protocol) return false;
  if (hasPorts(outer.protocol)) return outer.fromPort <= inner.fromPort && outer.toPort >= inner.toPort;
  if (isIcmp(outer.protocol)) {
    const typeCovers = outer.fromPort === -1 || outer.fromPort === inner.fromPort;
    const codeCovers = outer.toPort === -1 || outer.toPort === inner.toPort;
    return typeCovers && codeCovers;
  }
  return true;
}

/** True when `outer` already allows everything `inner` allows (same group and direction). */
export function covers(outer: Rule, inner: Rule): boolean {
  return (
    outer.groupId === inner.groupId &&
    outer.direction === inner.direction &&
    protocolAndPortsCover(outer, inner) &&
    peerCovers(outer.peer, inner.peer)
  );
}

/** True when the rule's port range includes `port` (every port for all-traffic rules). */
export function opensPort(rule: Rule, port: { from: number; to: number }): boolean {
  if (rule.protocol === ALL_TRAFFIC) return true;
  if (!hasPorts(rule.protocol)) return false;
  return rule.fromPort <= port.to && rule.toPort >= port.from;
}

export function describePorts(rule: Rule): string {
  if (rule.protocol === ALL_TRAFFIC) return 'all traffic';
  if (hasPorts(rule.protocol)) {
    if (rule.fromPort === 0 && rule.toPort === 65535) return `${rule.protocol} all ports`;
    const range = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
    return `${rule.protocol} ${range}`;
  }
  if (isIcmp(rule.protocol)) {
    if (rule.fromPort === -1) return `${rule.protocol} all`;
    return `${rule.protocol} type ${rule.fromPort}${rule.toPort === -1 ? '' : ` code ${rule.toPort}`}`;
  }
  return `protocol ${rule.protocol}`;
}

/** A one-line human summary, e.g. `tcp 5432 from 0.0.0.0/0` or `all traffic to sg-0abc`. */
export function summarise(rule: Rule): string {
  const preposition = rule.direction === 'ingress' ? 'from' : 'to';
  return `${describePorts(rule)} ${preposition} ${peerKey(rule.peer)}`;
}
