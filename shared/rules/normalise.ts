/**
 * Every source of rules, normalised to `Rule` (EC2's own SDK shapes are mapped in
 * shared/aws/ec2/rule-shapes.ts, with these helpers). A value that cannot be normalised (unknown
 * protocol, unparseable CIDR) raises `RuleShapeError` naming the field and the value, so the caller
 * reports the event as unprocessable instead of guessing.
 */
import type { CtIpPermission, CtResponseRule } from '../events/cloudtrail';
import { canonicalCidr } from './cidr';
import { type Direction, normalisePorts, normaliseProtocol, type Peer, type Rule } from './rule';

export class RuleShapeError extends Error {
  override readonly name = 'RuleShapeError';
}

export function protocolOf(raw: string | number | undefined, field: string): string {
  const protocol = normaliseProtocol(raw);
  if (protocol === undefined)
    throw new RuleShapeError(`${field}: expected an IP protocol, found ${JSON.stringify(raw)}`);
  return protocol;
}

function cidrPeer(type: 'ipv4' | 'ipv6', raw: string, field: string): Peer {
  const cidr = canonicalCidr(raw);
  const family = raw.includes(':') ? 'ipv6' : 'ipv4';
  if (cidr === undefined || family !== type) {
    throw new RuleShapeError(
      `${field}: expected an ${type === 'ipv4' ? 'IPv4' : 'IPv6'} CIDR, found ${JSON.stringify(raw)}`,
    );
  }
  return { type, cidr };
}

export function tagsFromList(
  tags: ReadonlyArray<{ key?: string; value?: string; Key?: string; Value?: string }> = [],
) {
  const result: Record<string, string> = {};
  for (const tag of tags) {
    const key = tag.key ?? tag.Key;
    if (key !== undefined) result[key] = tag.value ?? tag.Value ?? '';
  }
  return result;
}

interface RuleBase {
  groupId: string;
  direction: Direction;
  tags?: Record<string, string>;
}

/** One CloudTrail `ipPermissions` item: one rule per source, as AWS creates them. */
export function rulesFromCtPermission(
  permission: CtIpPermission,
  base: RuleBase,
  field = 'ipPermissions',
): Rule[] {
  const protocol = protocolOf(permission.ipProtocol, `${field}.ipProtocol`);
  const ports = normalisePorts(protocol, permission.fromPort, permission.toPort);
  const common = {
    groupId: base.groupId,
    direction: base.direction,
    protocol,
    ...ports,
    tags: base.tags ?? {},
  };
  const withDescription = (description: string | undefined) => (description ? { description } : {});
  const rules: Rule[] = [];
  permission.ipRanges.forEach((range, index) => {
    const peer = cidrPeer('ipv4', range.cidrIp, `${field}.ipRanges[${index}].cidrIp`);
    rules.push({ ...common, peer, ...withDescription(range.description) });
  });
  permission.ipv6Ranges.forEach((range, index) => {
    const peer = cidrPeer('ipv6', range.cidrIpv6, `${field}.ipv6Ranges[${index}].cidrIpv6`);
    rules.push({ ...common, peer, ...withDescription(range.description) });
  });
  for (const list of permission.prefixListIds) {
    rules.push({
      ...common,
      peer: { type: 'prefix-list', prefixListId: list.prefixListId },
      ...withDescription(list.description),
    });
  }
  permission.groups.forEach((group, index) => {
    if (!group.groupId) {
      throw new RuleShapeError(
        `${field}.groups[${index}]: expected a groupId, found ${JSON.stringify(group)}`,
      );
    }
    const peer: Peer = {
      type: 'security-group',
      groupId: group.groupId,
      ...(group.userId ? { userId: group.userId } : {}),
    };
    rules.push({ ...common, peer, ...withDescription(group.description) });
  });
  return rules;
}

/** The legacy flat Authorize form: `{ipProtocol, fromPort, toPort, cidrIp}` at the top level. */
export function rulesFromCtFlat(
  flat: {
    ipProtocol?: string | number;
    fromPort?: number;
    toPort?: number;
    cidrIp?: string;
    sourceSecurityGroupName?: string;
  },
  base: RuleBase,
): Rule[] {
  if (flat.ipProtocol === undefined && flat.cidrIp === undefined) return [];
  const protocol = protocolOf(flat.ipProtocol ?? '-1', 'ipProtocol');
  const ports = normalisePorts(protocol, flat.fromPort, flat.toPort);
  if (flat.cidrIp === undefined) {
    throw new RuleShapeError(
      `cidrIp: expected a CIDR in the flat request form, found ${flat.sourceSecurityGroupName ? `sourceSecurityGroupName ${JSON.stringify(flat.sourceSecurityGroupName)}` : 'nothing'}`,
    );
  }
  return [
    {
      groupId: base.groupId,
      direction: base.direction,
      protocol,
      ...ports,
      peer: cidrPeer('ipv4', flat.cidrIp, 'cidrIp'),
      tags: base.tags ?? {},
    },
  ];
}

/** A rule from an Authorize response (`referencedGroupInfo`) or a Revoke response (flat `referencedGroupId`). */
export function ruleFromCtResponse(
  item: CtResponseRule,
  fallback: RuleBase,
  field = 'securityGroupRuleSet',
): Rule {
  const protocol = protocolOf(item.ipProtocol, `${field}.ipProtocol`);
  const direction: Direction =
    item.isEgress === undefined ? fallback.direction : item.isEgress ? 'egress' : 'ingress';
  return {
    groupId: item.groupId ?? fallback.groupId,
    direction,
    protocol,
    ...normalisePorts(protocol, item.fromPort, item.toPort),
    peer: peerFromFields(
      {
        cidrIpv4: item.cidrIpv4,
        cidrIpv6: item.cidrIpv6,
        prefixListId: item.prefixListId,
        groupId: item.referencedGroupInfo?.groupId ?? item.referencedGroupId,
        userId: item.referencedGroupInfo?.userId,
      },
      `${field}[${item.securityGroupRuleId}]`,
    ),
    ruleId: item.securityGroupRuleId,
    ...(item.description ? { description: item.description } : {}),
    tags: { ...(fallback.tags ?? {}), ...tagsFromList(item.tagSet ?? []) },
  };
}

export function peerFromFields(
  fields: { cidrIpv4?: string; cidrIpv6?: string; prefixListId?: string; groupId?: string; userId?: string },
  field: string,
): Peer {
  if (fields.cidrIpv4) return cidrPeer('ipv4', fields.cidrIpv4, `${field}.cidrIpv4`);
  if (fields.cidrIpv6) return cidrPeer('ipv6', fields.cidrIpv6, `${field}.cidrIpv6`);
  if (fields.prefixListId) return { type: 'prefix-list', prefixListId: fields.prefixListId };
  if (fields.groupId) {
    return {
      type: 'security-group',
      groupId: fields.groupId,
      ...(fields.userId ? { userId: fields.userId } : {}),
    };
  }
  throw new RuleShapeError(
    `${field}: expected one of cidrIpv4, cidrIpv6, prefixListId or a referenced group, found none`,
  );
}
