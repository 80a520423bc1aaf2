/**
 * A grant read back from its rule. parseGrant() is the one judgement of "is this a valid grant?",
 * used by expire-grants (which revokes invalid ones) and by revert-sg-drift (which treats them as drift).
 */
import { formatDuration } from '../policy/duration';
import type { GrantPolicy } from '../policy/schema';
import { type Peer, type Rule, summarise } from '../rules/rule';
import { portProblem, sourceProblem, ttlProblem } from './checks';
import { GRANT_TAGS, isoSeconds, parseIsoUtc } from './tags';

/**
 * Clocks differ (a laptop running the CLI, Lambda): a grant issued by a clock a little ahead is not
 * treated as forged. Five minutes is far below any useful maxTtl.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface Grant {
  readonly ruleId: string;
  readonly groupId: string;
  readonly port: number;
  readonly source: Peer;
  readonly expiresAt: Date;
  readonly issuedAt: Date;
  readonly owner: string;
  readonly reason: string;
  readonly warnedAt?: Date;
  readonly rule: Rule;
}

export type ParsedGrant = { ok: true; grant: Grant } | { ok: false; problems: string[] };

/** The tags a grant is created (or extended) with. */
export function grantTags(grant: {
  rule: Rule;
  expiresAt: Date;
  issuedAt: Date;
  owner: string;
  reason: string;
}): Record<string, string> {
  return {
    [GRANT_TAGS.expiresAt]: isoSeconds(grant.expiresAt),
    [GRANT_TAGS.issuedAt]: isoSeconds(grant.issuedAt),
    [GRANT_TAGS.owner]: grant.owner,
    [GRANT_TAGS.reason]: grant.reason,
    [GRANT_TAGS.access]: summarise(grant.rule),
  };
}

function timeTag(tags: Readonly<Record<string, string>>, key: string, problems: string[]): Date | undefined {
  const text = tags[key];
  if (text === undefined || text.trim() === '') {
    problems.push(`${key} is missing`);
    return undefined;
  }
  const date = parseIsoUtc(text);
  if (!date) problems.push(`${key} ${JSON.stringify(text)} is not an ISO-8601 UTC time`);
  return date;
}

function textTag(tags: Readonly<Record<string, string>>, key: string, problems: string[]): string {
  const text = tags[key]?.trim() ?? '';
  if (text === '') problems.push(`${key} is missing`);
  return text;
}

function shapeProblems(rule: Rule, policy: GrantPolicy): string[] {
  const problems: string[] = [];
  if (rule.direction !== 'ingress') problems.push(`direction ${rule.direction}: a grant is an ingress rule`);
  if (rule.protocol !== 'tcp') problems.push(`protocol ${rule.protocol}: a grant is a tcp rule`);
  else if (rule.fromPort !== rule.toPort)
    problems.push(`port ${rule.fromPort}-${rule.toPort} is not grantable`);
  else {
    const port = portProblem(rule.fromPort, policy);
    if (port) problems.push(port);
  }
  const source = sourceProblem(rule.peer, policy);
  if (source) problems.push(source);
  return problems;
}

/**
 * A rule carrying grant tags → the grant, or every problem with it: missing or unparseable times,
 * an expiry further than maxTtl from its issue time or from now, a port that is not grantable, a
 * source that is too wide, or a rule edited after it was granted.
 */
export function parseGrant(rule: Rule, policy: GrantPolicy, now: Date): ParsedGrant {
  const problems = shapeProblems(rule, policy);
  const tags = rule.tags;
  const expiresAt = timeTag(tags, GRANT_TAGS.expiresAt, problems);
  const issuedAt = timeTag(tags, GRANT_TAGS.issuedAt, problems);
  const owner = textTag(tags, GRANT_TAGS.owner, problems);
  const reason = textTag(tags, GRANT_TAGS.reason, problems);
  const access = textTag(tags, GRANT_TAGS.access, problems);
  if (access && access !== summarise(rule)) {
    problems.push(
      `${GRANT_TAGS.access} ${JSON.stringify(access)} does not match the rule (${summarise(rule)}): it was edited after it was granted`,
    );
  }
  if (issuedAt && issuedAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
    problems.push(`${GRANT_TAGS.issuedAt} ${isoSeconds(issuedAt)} is in the future`);
  if (expiresAt && issuedAt) {
    const ttl = expiresAt.getTime() - issuedAt.getTime();
    const tooLong = ttlProblem(ttl, formatDuration(ttl), policy);
    if (tooLong) problems.push(`${tooLong} (${GRANT_TAGS.issuedAt} → ${GRANT_TAGS.expiresAt})`);
    if (ttl <= 0)
      problems.push(`${GRANT_TAGS.expiresAt} ${isoSeconds(expiresAt)} is not after ${GRANT_TAGS.issuedAt}`);
  }
  if (expiresAt && expiresAt.getTime() > now.getTime() + policy.maxTtl + CLOCK_SKEW_MS) {
    problems.push(
      `${GRANT_TAGS.expiresAt} ${isoSeconds(expiresAt)} is more than maxTtl ${formatDuration(policy.maxTtl)} from now`,
    );
  }
  if (!rule.ruleId) problems.push('rule id is missing');
  if (problems.length > 0 || !expiresAt || !issuedAt || !rule.ruleId) return { ok: false, problems };
  const warnedAt = parseIsoUtc(tags[GRANT_TAGS.warnedAt]);
  return {
    ok: true,
    grant: {
      ruleId: rule.ruleId,
      groupId: rule.groupId,
      port: rule.fromPort,
      source: rule.peer,
      expiresAt,
      issuedAt,
      owner,
      reason,
      ...(warnedAt ? { warnedAt } : {}),
      rule,
    },
  };
}
