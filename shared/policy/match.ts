/** Pure matching of rules, groups and principals against the policy. */
import { cidrContains, parseCidr } from '../rules/cidr';
import { normalisePorts, opensPort, type Rule } from '../rules/rule';
import type { BaselineRule, ForbidRule, Policy, SecurityGroupPolicy } from './schema';

export interface GroupFacts {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export function selectorMatches(select: SecurityGroupPolicy['select'], group: GroupFacts): boolean {
  if (select.all) return true;
  if (select.ids?.includes(group.groupId)) return true;
  if (group.groupName !== undefined && select.names?.includes(group.groupName)) return true;
  if (select.tags) return Object.entries(select.tags).every(([key, value]) => group.tags[key] === value);
  return false;
}

/** The policy sections that protect this group; empty when the group is not protected. */
export function sectionsFor(policy: Policy, group: GroupFacts): SecurityGroupPolicy[] {
  return policy.securityGroups.filter((section) => selectorMatches(section.select, group));
}

/** True when only explicit ids are used, so protection can be decided without any AWS call. */
export function selectsByIdOnly(policy: Policy): boolean {
  return policy.securityGroups.every((section) => !section.select.tags && !section.select.names);
}

/**
 * ARN globs: `*` matches any run of characters within one ARN segment — never `/` or `:` — so
 * `role/terraform-*` cannot match `role/terraform-x/anything` and `arn:aws:iam::*:…` stays one
 * account field. Everything else is literal.
 */
export function globMatches(glob: string, text: string): boolean {
  const pattern = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/:]*');
  return new RegExp(`^${pattern}$`).test(text);
}

export function forbidMatches(forbid: ForbidRule, rule: Rule): boolean {
  if (forbid.direction !== rule.direction) return false;
  if (forbid.protocol !== undefined && forbid.protocol !== rule.protocol && rule.protocol !== '-1')
    return false;
  if (forbid.ports && !forbid.ports.some((port) => opensPort(rule, port))) return false;
  if (forbid.source !== undefined || forbid.widerThan !== undefined || forbid.widerThanIpv6 !== undefined) {
    if (rule.peer.type !== 'ipv4' && rule.peer.type !== 'ipv6') return false;
    const peer = parseCidr(rule.peer.cidr);
    if (!peer) return false;
    const widerThan = peer.family === 6 ? (forbid.widerThanIpv6 ?? forbid.widerThan) : forbid.widerThan;
    const wideEnough = widerThan !== undefined && peer.prefix < widerThan;
    const source = forbid.source === undefined ? undefined : parseCidr(forbid.source);
    // The rule opens at least every address of the forbidden source.
    const coversSource = source !== undefined && cidrContains(peer, source);
    if (!wideEnough && !coversSource) return false;
  }
  return true;
}

/** The baseline entries of a section as concrete rules of one group (one rule per port range). */
export function baselineRules(entries: ReadonlyArray<BaselineRule>, groupId: string): Rule[] {
  return entries.flatMap((entry) => {
    const ranges = entry.ports ?? [undefined];
    return ranges.map(
      (range): Rule => ({
        groupId,
        direction: entry.direction,
        protocol: entry.protocol,
        ...normalisePorts(entry.protocol, range?.from, range?.to),
        peer: entry.source,
        ...(entry.description ? { description: entry.description } : {}),
        tags: {},
      }),
    );
  });
}
