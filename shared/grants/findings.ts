/** Grant decisions rendered as findings; docs/findings.md says when each kind is sent. */
import type { Finding } from '../findings/finding';
import { formatDuration } from '../policy/duration';
import { forbidMatches } from '../policy/match';
import type { Mode, Policy } from '../policy/schema';
import { opensPort, type Rule, summarise } from '../rules/rule';
import type { GrantRecord } from './record';
import { GRANT_TAGS, isGrantTagKey, isoSeconds } from './tags';

const ruleRef = (rule: Rule, ruleId?: string) => ({
  summary: summarise(rule),
  ...((ruleId ?? rule.ruleId) ? { ruleId: ruleId ?? rule.ruleId } : {}),
});
const timeLeft = (expiresAt: Date, now: Date) => formatDuration(expiresAt.getTime() - now.getTime());

interface Base {
  readonly mode: Mode;
  readonly now: Date;
}

const recordDetails = (record: GrantRecord) => ({
  owner: record.owner,
  reason: record.reason,
  expiresAt: isoSeconds(record.expiresAt),
  ...(record.ruleId ? { ruleId: record.ruleId } : {}),
  ...(record.extendedBy ? { extendedBy: record.extendedBy } : {}),
});

export function grantedFinding(
  record: GrantRecord,
  how: { extended: boolean; outcome: Finding['outcome']; actions: string[]; ttlMs: number } & Base,
): Finding<'grant.created' | 'grant.extended'> {
  const verb = how.mode === 'report' ? 'would be ' : '';
  const what = how.extended ? 'extended' : 'granted';
  // Who acted: the creator for a new grant, the verified principal of the extension otherwise.
  const requester = (how.extended ? record.extendedBy : undefined) ?? record.owner;
  return {
    kind: how.extended ? 'grant.extended' : 'grant.created',
    severity: 'info',
    title: `Temporary access ${verb}${what} on ${record.groupId}: ${summarise(record.access)} for ${record.owner} until ${isoSeconds(record.expiresAt)}`,
    mode: how.mode,
    outcome: how.outcome,
    time: how.now.toISOString(),
    // A member account's grant names its account (absent: the central account's).
    ...(record.account ? { account: record.account } : {}),
    actor: { arn: requester, display: requester, viaConsole: false },
    resource: { type: 'security-group', id: record.groupId },
    rules: [ruleRef(record.access, record.ruleId)],
    why: `${how.extended ? `extended by ${requester} (verified by IAM) for ${record.owner}'s grant` : `requested by ${record.owner} (verified by IAM)`}: ${record.reason} (ttl ${formatDuration(how.ttlMs)})`,
    actions: how.actions,
    details: recordDetails(record),
  };
}

/** `requester` is the verified principal when there was one: the message names who was refused. */
export function rejectedFinding(
  request: { group?: string; requester?: string; fields?: Record<string, unknown>; account?: string },
  problems: string[],
  base: Base,
): Finding<'grant.rejected'> {
  return {
    kind: 'grant.rejected',
    severity: 'info',
    title: `Grant request rejected${request.group ? ` on ${request.group}` : ''}: ${problems[0] ?? 'invalid'}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`,
    mode: base.mode,
    outcome: 'no-action',
    time: base.now.toISOString(),
    // A request for a member account names it (only once the policy lists it: never an unknown value).
    ...(request.account ? { account: request.account } : {}),
    ...(request.requester
      ? { actor: { arn: request.requester, display: request.requester, viaConsole: false } }
      : {}),
    ...(request.group ? { resource: { type: 'security-group', id: request.group } } : {}),
    why: problems.join('; '),
    actions: [],
    details: {
      ...(request.requester ? { requester: request.requester } : {}),
      ...(request.fields ? { request: request.fields } : {}),
    },
  };
}

export function expiringFinding(record: GrantRecord, base: Base): Finding<'grant.expiring'> {
  return {
    kind: 'grant.expiring',
    severity: 'info',
    title: `Grant expiring in ${timeLeft(record.expiresAt, base.now)} on ${record.groupId}: ${summarise(record.access)} for ${record.owner}`,
    mode: base.mode,
    outcome: 'no-action',
    time: base.now.toISOString(),
    resource: { type: 'security-group', id: record.groupId },
    rules: [ruleRef(record.access, record.ruleId)],
    why: `expires at ${isoSeconds(record.expiresAt)}; extend it with \`netwarden grant\` for the same group, port and source if it is still needed`,
    actions: [],
    details: recordDetails(record),
  };
}

/** A recorded grant ended: expired, revoked by hand, or found with its rule already gone. */
export type ClosedKind = 'grant.expired' | 'grant.revoked' | 'grant.gone';

export function closedFinding<K extends ClosedKind>(
  record: GrantRecord,
  how: Base & {
    kind: K;
    outcome: Finding['outcome'];
    why: string;
    ruleId?: string;
  },
): Finding<K> {
  const ruleId = how.ruleId ?? record.ruleId;
  const done = { acted: 'revoked', 'already-done': 'already gone', 'would-act': 'would be revoked' }[
    how.outcome as 'acted' | 'already-done' | 'would-act'
  ];
  const what = {
    'grant.expired': 'Grant expired',
    'grant.revoked': 'Grant revoked',
    'grant.gone': 'Grant closed',
  }[how.kind];
  return {
    kind: how.kind,
    severity: how.kind === 'grant.gone' ? 'warning' : 'info',
    title: `${what} on ${record.groupId}: ${summarise(record.access)} ${done ?? how.outcome}`,
    mode: how.mode,
    outcome: how.outcome,
    time: how.now.toISOString(),
    // A member account's grant names its account (absent: the central account's).
    ...(record.account ? { account: record.account } : {}),
    resource: { type: 'security-group', id: record.groupId },
    rules: [ruleRef(record.access, ruleId)],
    why: how.why,
    actions:
      how.outcome === 'acted' || how.outcome === 'would-act'
        ? [`RevokeSecurityGroupIngress ${record.groupId} ${ruleId ?? '?'}`]
        : [],
    details: recordDetails(record),
  };
}

/**
 * The recorded rule id now allows other access (ModifySecurityGroupRules keeps the id): it is no longer
 * the grant. Revoking it would delete access the record never granted (perhaps an approved rule moved
 * onto it), so netwarden closes the record and leaves the rule to revert-sg-drift and to people.
 */
export function movedFinding(
  record: GrantRecord,
  now: Rule,
  how: Base & { closedBy: string; outcome: Finding['outcome'] },
): Finding<'grant.moved'> {
  const ruleId = now.ruleId ?? record.ruleId;
  return {
    kind: 'grant.moved',
    severity: 'critical',
    title: `Grant rule ${ruleId ?? '?'} on ${record.groupId} was modified: it now allows ${summarise(now)}, not the granted ${summarise(record.access)}`,
    mode: how.mode,
    outcome: how.outcome,
    time: how.now.toISOString(),
    resource: { type: 'security-group', id: record.groupId },
    rules: [ruleRef(now, ruleId)],
    why: `${how.closedBy}: the record of ${record.owner}'s grant (${record.reason}) says rule ${ruleId ?? '?'} allows ${summarise(record.access)}, but it now allows ${summarise(now)}, access this grant never gave. netwarden does not revoke it as the grant (that could delete approved access moved onto it); the record ${how.mode === 'enforce' ? 'is' : 'would be'} closed and the rule is judged like any other rule: check who modified it.`,
    actions: [],
    details: { ...recordDetails(record), granted: summarise(record.access), allowsNow: summarise(now) },
  };
}

/** Ports worth a critical: every grantable port and every port a guardrail of any section forbids. */
export function opensGuardedPort(rule: Rule, policy: Policy): boolean {
  const grantPorts = (policy.grants?.ports ?? []).map((port) => ({ from: port, to: port }));
  if (grantPorts.some((port) => opensPort(rule, port))) return true;
  return policy.securityGroups.some((section) =>
    section.forbid.some(
      (forbid) =>
        forbid.ports?.some((port) => opensPort(rule, port)) ||
        // A guardrail without ports forbids the source on every port.
        (forbid.ports === undefined && forbidMatches(forbid, rule)),
    ),
  );
}

/**
 * A rule carrying grant tags that no live record in the state table matches. Tags are anyone's to
 * write: the rule is judged like any other rule, and expire-grants never touches it.
 */
export function forgedFinding(
  rule: Rule,
  how: Base & {
    policy: Policy;
    how: string;
    eventId?: string;
    actor?: Finding['actor'];
    account?: string;
    region?: string;
  },
): Finding<'grant.forged'> {
  const critical = opensGuardedPort(rule, how.policy);
  const claimed = rule.tags[GRANT_TAGS.owner];
  return {
    kind: 'grant.forged',
    severity: critical ? 'critical' : 'warning',
    title: `Forged grant on ${rule.groupId}: ${summarise(rule)}${rule.ruleId ? ` (${rule.ruleId})` : ''} carries grant tags but netwarden never granted it`,
    mode: how.mode,
    outcome: 'no-action',
    time: how.now.toISOString(),
    ...(how.eventId ? { eventId: how.eventId } : {}),
    ...(how.account ? { account: how.account } : {}),
    ...(how.region ? { region: how.region } : {}),
    ...(how.actor ? { actor: how.actor } : {}),
    resource: { type: 'security-group', id: rule.groupId },
    rules: [ruleRef(rule)],
    why: `${how.how}; no grant for this rule is recorded in netwarden's state table${claimed ? ` (the tags claim owner ${JSON.stringify(claimed)})` : ''}. Grant tags are a label anyone can write: expire-grants will not remove this rule, and it is judged like any other rule${critical ? '. It opens a guarded port' : ''}.`,
    actions: [],
    details: { tags: Object.keys(rule.tags).filter(isGrantTagKey) },
  };
}

/** Someone edited the label of a real grant: nothing changes, but people should know it was tried. */
export function labelEditedFinding(
  rule: Rule,
  record: GrantRecord,
  how: Base & { how: string; eventId?: string; actor?: Finding['actor'] },
): Finding<'grant.label-edited'> {
  return {
    kind: 'grant.label-edited',
    severity: 'warning',
    title: `Grant tags edited on ${rule.ruleId ?? rule.groupId}: the recorded grant is unchanged (${record.owner} until ${isoSeconds(record.expiresAt)})`,
    mode: how.mode,
    outcome: 'no-action',
    time: how.now.toISOString(),
    ...(how.eventId ? { eventId: how.eventId } : {}),
    ...(how.actor ? { actor: how.actor } : {}),
    resource: { type: 'security-group', id: rule.groupId },
    rules: [ruleRef(rule)],
    why: `${how.how}. Grant tags are only a label: the grant's owner and expiry are what grant-access recorded, and it is revoked at ${isoSeconds(record.expiresAt)} whatever the tags say.`,
    actions: [],
    details: recordDetails(record),
  };
}
