/**
 * The daily digest from gathered facts (pure): target health of every load balancer, alarms in ALARM,
 * the last 24 hours of security-group changes with what netwarden did, and temporary grants.
 *
 * Grants are the open records of netwarden's state table, with the owner, reason and expiry recorded
 * there: a rule's grant tags are a label anyone with ec2:CreateTags can write, so they never make a
 * rule appear as a grant, never name its owner and never hide one. A rule that carries grant tags
 * but matches no open record is listed as a forged grant tag.
 */

import type { LoadBalancerFacts, TargetGroupFacts, TargetHealthFacts } from '../estate/load-balancing';
import type { AlarmFacts } from '../estate/monitoring';
import type { GrantRecord } from '../grants/record';
import { GRANT_TAGS } from '../grants/tags';
import { type Rule, summarise } from '../rules/rule';
import { type ChangesReview, describeChange } from './changes';
import {
  type Digest,
  type DigestCount,
  groupLabel,
  section as makeSection,
  notRunOf,
  type Severity,
  sections,
} from './digest';
import { dayIn, durationWords, whenIn } from './time';

export interface TargetGroupHealth {
  readonly targetGroup: TargetGroupFacts;
  readonly targets: TargetHealthFacts[];
}

export interface LoadBalancerHealth {
  readonly loadBalancer: LoadBalancerFacts;
  readonly targetGroups: TargetGroupHealth[];
}

export interface DailyFacts {
  readonly now: Date;
  readonly timezone: string;
  /** undefined when that check could not run (named in `failures`): never "0 alarms" or "0 changes". */
  readonly loadBalancers: LoadBalancerHealth[] | undefined;
  readonly alarms: AlarmFacts[] | undefined;
  readonly changes: ChangesReview | undefined;
  /** Open (live and pending) grant records; undefined when the state table could not be read. */
  readonly grants: GrantRecord[] | undefined;
  /** Rules carrying grant tags that match no open record (empty when either side could not be read). */
  readonly forgedGrantTags: Rule[];
  /** Names of the groups in the changes and grants; a group not in it is shown by id. */
  readonly groupNames?: ReadonlyMap<string, string>;
  /** Checks that could not run, as `what: why`. */
  readonly failures: string[];
  /** Items per section (default MAX_ITEMS_PER_SECTION); the CLI passes Infinity. */
  readonly itemLimit?: number;
}

/**
 * Every state but `healthy` is a target not serving: `unhealthy` and `unhealthy.draining` fail their
 * checks, `unused` gets no traffic (a stopped instance is `unused` / `Target.InvalidState`),
 * `unavailable` has no health at all (health checks disabled), `draining` is leaving. Only `initial`
 * (the first health checks, seconds to minutes) is not yet a problem, but it is not healthy either:
 * such targets are listed, so the day is never "all clear" while one is still settling.
 */
const SETTLING = new Set(['initial']);
/** The NLB fails open only when every target fails its checks; unused targets get nothing at all. */
const FAILING = new Set(['unhealthy', 'unhealthy.draining']);

function healthItems(loadBalancers: ReadonlyArray<LoadBalancerHealth>) {
  const critical: string[] = [];
  const warning: string[] = [];
  const settling: string[] = [];
  let healthy = 0;
  let total = 0;
  for (const { loadBalancer, targetGroups } of loadBalancers) {
    for (const { targetGroup, targets } of targetGroups) {
      const up = targets.filter((target) => target.state === 'healthy').length;
      const down = targets.filter((target) => target.state !== 'healthy' && !SETTLING.has(target.state));
      const starting = targets.filter((target) => SETTLING.has(target.state));
      healthy += up;
      total += targets.length;
      const label = `${loadBalancer.name} › ${targetGroup.name}: ${up}/${targets.length} healthy`;
      const describe = (list: ReadonlyArray<TargetHealthFacts>) =>
        list.map(
          (target) =>
            `${target.instanceId}${target.port ? `:${target.port}` : ''} ${target.state}${target.reason ? ` (${target.reason})` : ''}`,
        );
      const reasons = describe(down);
      if (targets.length === 0) warning.push(`${label}: no registered targets`);
      else if (up === 0 && down.length > 0)
        critical.push(
          `${label} — no target is healthy, ${down.every((target) => FAILING.has(target.state)) ? 'the NLB fails open and sends traffic to all of them' : 'nothing is serving'}: ${reasons.join(', ')}`,
        );
      else if (down.length > 0) warning.push(`${label} — ${reasons.join(', ')}`);
      if (starting.length > 0)
        settling.push(`${label} — first health checks in progress: ${describe(starting).join(', ')}`);
    }
  }
  return { critical, warning, settling, healthy, total };
}

function grantItems(
  grants: ReadonlyArray<GrantRecord>,
  now: Date,
  timezone: string,
  names: ReadonlyMap<string, string>,
) {
  const day = dayIn(timezone);
  const when = whenIn(timezone, now);
  const overdue: string[] = [];
  const today: string[] = [];
  const active: string[] = [];
  for (const grant of grants) {
    const rule = grant.ruleId ? ` (${grant.ruleId})` : '';
    // A pending record is a grant whose Authorize has not been confirmed: it may or may not be open.
    const pending = grant.status === 'pending' ? ' [pending: no rule id recorded yet]' : '';
    const who = `${summarise(grant.access)}${rule} on ${groupLabel(grant.groupId, names.get(grant.groupId))} for ${grant.owner}${grant.reason ? ` (“${grant.reason}”)` : ''}${pending}`;
    const expiresAt = grant.expiresAt;
    if (expiresAt.getTime() <= now.getTime()) {
      // Still in the open index past its expiry: expire-grants has not settled it, so it may be open.
      overdue.push(
        `${who}: expired ${durationWords(now.getTime() - expiresAt.getTime())} ago and expire-grants has not closed it`,
      );
    } else if (day(expiresAt) === day(now)) {
      today.push(
        `${who}: expires ${when(expiresAt)} (in ${durationWords(expiresAt.getTime() - now.getTime())})`,
      );
    } else active.push(`${who}: expires ${when(expiresAt)}`);
  }
  return { overdue, today, active };
}

/** Forged grant tags: shown as what they are, the claims in them quoted, never as a grant. */
function forgedItems(rules: ReadonlyArray<Rule>, names: ReadonlyMap<string, string>): string[] {
  return rules.map((rule) => {
    const claims = [
      rule.tags[GRANT_TAGS.owner] === undefined
        ? undefined
        : `owner ${JSON.stringify(rule.tags[GRANT_TAGS.owner])}`,
      rule.tags[GRANT_TAGS.expiresAt] === undefined
        ? undefined
        : `expiry ${JSON.stringify(rule.tags[GRANT_TAGS.expiresAt])}`,
    ].filter((claim): claim is string => claim !== undefined);
    return `${summarise(rule)}${rule.ruleId ? ` (${rule.ruleId})` : ''} on ${groupLabel(rule.groupId, names.get(rule.groupId))}: carries grant tags but netwarden recorded no such grant${claims.length > 0 ? ` (the tags claim ${claims.join(', ')})` : ''} — not a grant: judged like any hand-made rule`;
  });
}

function grantCount(grants: ReturnType<typeof grantItems> | undefined, forged: number): DigestCount {
  if (!grants)
    // Unread is not "0 grants": the failure is named under "Checks that could not run".
    return { label: 'Grants', value: 'not read (state table)', status: 'warning' };
  const overdue = grants.overdue.length;
  return {
    label: 'Grants',
    value: `${grants.active.length + grants.today.length} active, ${grants.today.length} expiring today${overdue ? `, ${overdue} overdue` : ''}${forged ? `, ${forged} forged tag${forged === 1 ? '' : 's'}` : ''}`,
    status: overdue > 0 || forged > 0 ? 'critical' : 'ok',
  };
}

/** A count whose check could not run: what was not read, flagged, never a reassuring 0. */
const notRead = (label: string, source: string): DigestCount => ({
  label,
  value: `not read (${source})`,
  status: 'warning',
});

export function dailyDigest(facts: DailyFacts): Digest {
  const section = (title: string, severity: Severity, items: ReadonlyArray<string>) =>
    makeSection(title, severity, items, facts.itemLimit);
  const health = healthItems(facts.loadBalancers ?? []);
  const alarms = facts.alarms ?? [];
  const changes: ChangesReview = facts.changes ?? { changes: [], own: [], unreadable: [] };
  const names = facts.groupNames ?? new Map<string, string>();
  const grants = facts.grants && grantItems(facts.grants, facts.now, facts.timezone, names);
  const when = whenIn(facts.timezone, facts.now);
  const attention = changes.changes.filter((change) => change.needsAttention);
  const changeLine = (change: ChangesReview['changes'][number]) =>
    `${when(change.time)} ${change.who}: ${describeChange(change, names)} → ${change.outcome}`;
  const lbCount = facts.loadBalancers?.length ?? 0;
  const counts: DigestCount[] = [
    facts.loadBalancers
      ? {
          label: 'Targets healthy',
          value: `${health.healthy}/${health.total} (${lbCount} load balancer${lbCount === 1 ? '' : 's'})`,
          status:
            health.critical.length > 0
              ? 'critical'
              : health.warning.length > 0
                ? 'warning'
                : health.settling.length > 0
                  ? 'info'
                  : 'ok',
        }
      : notRead('Targets healthy', 'ELBv2'),
    facts.alarms
      ? { label: 'Alarms', value: String(alarms.length), status: alarms.length > 0 ? 'critical' : 'ok' }
      : notRead('Alarms', 'CloudWatch'),
    facts.changes
      ? {
          label: 'SG changes (24h)',
          value: `${changes.changes.length}${attention.length > 0 ? ` (${attention.length} still in place)` : ''}`,
          status: attention.length > 0 ? 'warning' : 'ok',
        }
      : notRead('SG changes (24h)', 'CloudTrail'),
    grantCount(grants, facts.forgedGrantTags.length),
  ];
  return {
    check: 'daily',
    title: `Daily check ${dayIn(facts.timezone)(facts.now)}`,
    counts,
    notRun: notRunOf(facts.failures),
    allClear: `all clear — ${health.healthy}/${health.total} targets healthy on ${lbCount} load balancer${lbCount === 1 ? '' : 's'}, no alarms, no security-group changes, no grants`,
    sections: sections([
      section('Checks that could not run', 'warning', facts.failures),
      section('Target groups with no healthy target', 'critical', health.critical),
      section('Targets not healthy', 'warning', health.warning),
      section('Targets in their first health checks', 'info', health.settling),
      section(
        'Alarms in ALARM',
        'critical',
        alarms.map(
          (alarm) =>
            `${alarm.name}${alarm.type === 'composite' ? ' (composite)' : alarm.metric ? ` (${alarm.metric})` : ''}${alarm.since ? ` since ${when(alarm.since)}` : ''}${alarm.reason ? `: ${alarm.reason}` : ''}`,
        ),
      ),
      section('Hand-made security-group changes still in place', 'warning', attention.map(changeLine)),
      section(
        'Security-group changes in the last 24 hours',
        'info',
        changes.changes.filter((change) => !change.needsAttention).map(changeLine),
      ),
      section(
        'netwarden’s own changes',
        'info',
        changes.own.map((change) => `${when(change.time)} ${describeChange(change, names)}`),
      ),
      section('Unreadable CloudTrail records', 'warning', changes.unreadable),
      section('Forged grant tags', 'critical', forgedItems(facts.forgedGrantTags, names)),
      section('Grants past their expiry', 'critical', grants?.overdue ?? []),
      section('Grants expiring today', 'info', grants?.today ?? []),
      section('Active grants', 'info', grants?.active ?? []),
    ]),
  };
}
