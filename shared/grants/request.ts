/**
 * A grant request (the body of a POST to grant-access's Function URL) validated against
 * policy.grants. Every problem is collected, not just the first, each naming the field and the value
 * it found. The owner is never part of the request: it is the principal the Function URL verified.
 */
import { parseDuration } from '../policy/duration';
import { globMatches } from '../policy/match';
import type { GrantPolicy } from '../policy/schema';
import { canonicalCidr } from '../rules/cidr';
import type { Peer, Rule } from '../rules/rule';
import { portProblem, sourceProblem, ttlProblem } from './validate';

export interface GrantRequest {
  readonly group?: string;
  readonly port?: number | string;
  readonly cidr?: string;
  readonly sourceGroup?: string;
  /** A duration like `2h`; the policy's defaultTtl when absent. */
  readonly ttl?: string;
  readonly reason?: string;
  /** The member account of the policy's organisation the group is in; absent: netwarden's own account. */
  readonly account?: string;
}

export interface ValidGrant {
  /** The ingress rule to create, without an id yet. */
  readonly rule: Rule;
  /** The verified principal (an ARN). */
  readonly ttlMs: number;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly owner: string;
  readonly reason: string;
}

export type GrantValidation = { ok: true; grant: ValidGrant } | { ok: false; problems: string[] };

export const LIMITS = { reason: { min: 3, max: 256 } } as const;

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
// Control characters would corrupt tag values and Slack messages alike.
const hasControlCharacters = (text: string) =>
  [...text].some((char) => (char.codePointAt(0) ?? 0) < 0x20 || char.codePointAt(0) === 0x7f);

function textProblems(field: 'reason', value: string | undefined, min: number, max: number) {
  const text = value?.trim() ?? '';
  if (text === '') return [`${field} is required`];
  const problems: string[] = [];
  if (text.length < min)
    problems.push(`${field} ${JSON.stringify(text)} is too short (at least ${min} characters)`);
  if (text.length > max) problems.push(`${field} is too long (${text.length} characters, at most ${max})`);
  if (hasControlCharacters(text))
    problems.push(`${field} ${JSON.stringify(text)} contains control characters`);
  return problems;
}

function portOf(raw: number | string | undefined, problems: string[]): number | undefined {
  if (raw === undefined || raw === '') {
    problems.push('port is required');
    return undefined;
  }
  const port = typeof raw === 'number' ? raw : /^\d{1,5}$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`port ${JSON.stringify(raw)} is not a port number`);
    return undefined;
  }
  return port;
}

function sourceOf(request: GrantRequest, problems: string[]): Peer | undefined {
  const { cidr, sourceGroup } = request;
  if (cidr !== undefined && sourceGroup !== undefined) {
    problems.push(`source: give cidr or sourceGroup, not both (cidr ${cidr}, sourceGroup ${sourceGroup})`);
    return undefined;
  }
  if (sourceGroup !== undefined) {
    if (!GROUP_ID.test(sourceGroup)) {
      problems.push(`sourceGroup ${JSON.stringify(sourceGroup)} is not a security group id (sg-…)`);
      return undefined;
    }
    return { type: 'security-group', groupId: sourceGroup };
  }
  if (cidr === undefined) {
    problems.push('source is required: cidr (a host or a narrow CIDR) or sourceGroup');
    return undefined;
  }
  const canonical = canonicalCidr(cidr);
  if (canonical === undefined) {
    problems.push(`cidr ${JSON.stringify(cidr)} is not an IPv4 or IPv6 address or CIDR`);
    return undefined;
  }
  // Canonical, as AWS stores it: 10.1.2.3/0 is reported (and refused) as 0.0.0.0/0.
  return { type: canonical.includes(':') ? 'ipv6' : 'ipv4', cidr: canonical };
}

function ttlOf(raw: string | undefined, policy: GrantPolicy, problems: string[]): number | undefined {
  if (raw === undefined || raw.trim() === '') return policy.defaultTtl;
  const ms = parseDuration(raw);
  if (ms === undefined) {
    problems.push(`ttl ${JSON.stringify(raw)} is not a duration like 90s, 15m, 1h or 1h30m`);
    return undefined;
  }
  const problem = ttlProblem(ms, raw.trim(), policy);
  if (problem) problems.push(problem);
  return problem ? undefined : ms;
}

export function validateGrantRequest(
  request: GrantRequest,
  policy: GrantPolicy | undefined,
  now: Date,
  owner: string,
): GrantValidation {
  if (!policy) return { ok: false, problems: ['grants are not enabled: the policy has no grants section'] };
  const problems: string[] = [];
  const group = request.group?.trim();
  if (!group) problems.push('group is required');
  else if (!GROUP_ID.test(group))
    problems.push(`group ${JSON.stringify(group)} is not a security group id (sg-…)`);
  // By id only: a tag or a name is anyone's to set, so neither makes a group grantable.
  else if (!policy.groups.ids.includes(group))
    problems.push(`group ${group} is not grantable (not in grants.groups.ids)`);
  const port = portOf(request.port, problems);
  if (port !== undefined) {
    const problem = portProblem(port, policy);
    if (problem) problems.push(problem);
  }
  const source = sourceOf(request, problems);
  if (source) {
    const problem = sourceProblem(source, policy);
    if (problem) problems.push(problem);
  }
  const ttlMs = ttlOf(request.ttl, policy, problems);
  problems.push(...textProblems('reason', request.reason, LIMITS.reason.min, LIMITS.reason.max));
  if (problems.length > 0 || !group || port === undefined || !source || ttlMs === undefined)
    return { ok: false, problems };

  // Whole seconds, rounded down: the tag holds seconds and the grant never outlives its ttl.
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const expiresAt = new Date(Math.floor((now.getTime() + ttlMs) / 1000) * 1000);
  return {
    ok: true,
    grant: {
      rule: {
        groupId: group,
        direction: 'ingress',
        protocol: 'tcp',
        fromPort: port,
        toPort: port,
        peer: source,
        description: ruleDescription(owner),
        tags: {},
      },
      ttlMs,
      issuedAt,
      expiresAt,
      owner,
      reason: (request.reason ?? '').trim(),
    },
  };
}

/** EC2 rule descriptions allow only a-zA-Z0-9. _-:/()#,@[]+=&;{}!$* and 255 characters. */
function ruleDescription(owner: string): string {
  return `netwarden grant for ${owner}`.replace(/[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/g, '_').slice(0, 255);
}

/**
 * May this principal (the ARN the Function URL verified) request grants? Its account must be the
 * function's own or one the policy names, and the ARN must match a `grants.requesters` glob (`*`
 * stays within one ARN segment). The message names the principal.
 */
export function requesterProblem(
  principal: { arn: string; accountId: string },
  allowed: { requesters: ReadonlyArray<string>; accounts: ReadonlyArray<string> },
): string | undefined {
  const arnAccount = principal.arn.split(':')[4];
  if (arnAccount !== principal.accountId || !allowed.accounts.includes(principal.accountId))
    return `principal ${principal.arn} is from account ${principal.accountId}, which this policy does not act for (${allowed.accounts.join(', ')})`;
  if (!allowed.requesters.some((glob) => globMatches(glob, principal.arn)))
    return `principal ${principal.arn} may not request grants (it matches none of grants.requesters)`;
  return undefined;
}
