/**
 * The daily digest from gathered facts (pure): target health of every load balancer, alarms in ALARM,
 * the last 24 hours of security-group changes with what netwarden did, and temporary grants.
 */
import { type Rule, summarise } from '../rules/rule';
import { GRANT_EXPIRES_TAG } from './audit';
import { type ChangesReview, describeChange } from './changes';
import {
  type Digest,
  type DigestCount,
  groupLabel,
  section as makeSection,
  type Severity,
  sections,
} from './digest';
import type { AlarmFacts, LoadBalancerFacts, TargetGroupFacts, TargetHealthFacts } from './ports';
import { dayIn, durationWords, whenIn } from './time';

export const GRANT_OWNER_TAG = 'netwarden:grant-owner';
export const GRANT_REASON_TAG = 'netwarden:grant-reason';

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
  readonly loadBalancers: LoadBalancerHealth[];
  readonly alarms: AlarmFacts[];
  readonly changes: ChangesReview;
  readonly grants: Rule[];
  /** Names of the groups in the changes and grants; a group not in it is shown by id. */
  readonly groupNames?: ReadonlyMap<string, string>;
  /** Checks that could not run, as `what: why`. */
  readonly failures: string[];
  /** Items per section (default MAX_ITEMS_PER_SECTION); the CLI passes Infinity. */
  readonly itemLimit?: number;
}

const UNHEALTHY = new Set(['unhealthy', 'unhealthy.draining']);

function healthItems(loadBalancers: ReadonlyArray<LoadBalancerHealth>) {
  const critical: string[] = [];
  const warning: string[] = [];
  let healthy = 0;
  let total = 0;
  for (const { loadBalancer, targetGroups } of loadBalancers) {
    for (const { targetGroup, targets } of targetGroups) {
      const up = targets.filter((target) => target.state === 'healthy').length;
      const down = targets.filter((target) => UNHEALTHY.has(target.state));
      healthy += up;
      total += targets.length;
      const label = `${loadBalancer.name} › ${targetGroup.name}: ${up}/${targets.length} healthy`;
      const reasons = down.map(
        (target) =>
          `${target.id}${target.port ? `:${target.port}` : ''} ${target.state}${target.reason ? ` (${target.reason})` : ''}`,
      );
      if (targets.length === 0) warning.push(`${label}: no registered targets`);
      else if (up === 0 && down.length > 0)
        critical.push(
          `${label} — every target unhealthy, the NLB fails open and sends traffic to all of them: ${reasons.join(', ')}`,
        );
      else if (down.length > 0) warning.push(`${label} — ${reasons.join(', ')}`);
    }
  }
  return { critical, warning, healthy, total };
}

function grantItems(
  grants: ReadonlyArray<Rule>,
  now: Date,
  timezone: string,
  names: ReadonlyMap<string, string>,
) {
  const day = dayIn(timezone);
  const when = whenIn(timezone, now);
  const expired: string[] = [];
  const today: string[] = [];
  const active: string[] = [];
  for (const grant of grants) {
    const raw = grant.tags[GRANT_EXPIRES_TAG] ?? '';
    const expiresAt = new Date(raw);
    const who = `${summarise(grant)} on ${groupLabel(grant.groupId, names.get(grant.groupId))} for ${grant.tags[GRANT_OWNER_TAG] ?? 'unknown owner'}${grant.tags[GRANT_REASON_TAG] ? ` (“${grant.tags[GRANT_REASON_TAG]}”)` : ''}`;
    if (Number.isNaN(expiresAt.getTime())) {
      expired.push(
        `${who}: expiry tag ${JSON.stringify(raw)} is not a time — expire-grants cannot remove it`,
      );
    } else if (expiresAt.getTime() <= now.getTime()) {
      expired.push(
        `${who}: expired ${durationWords(now.getTime() - expiresAt.getTime())} ago and is still open`,
      );
    } else if (day(expiresAt) === day(now)) {
      today.push(
        `${who}: expires ${when(expiresAt)} (in ${durationWords(expiresAt.getTime() - now.getTime())})`,
      );
    } else active.push(`${who}: expires ${when(expiresAt)}`);
  }
  return { expired, today, active };
}

export function dailyDigest(facts: DailyFacts): Digest {
  const section = (title: string, severity: Severity, items: ReadonlyArray<string>) =>
    makeSection(title, severity, items, facts.itemLimit);
  const health = healthItems(facts.loadBalancers);
  const names = facts.groupNames ?? new Map<string, string>();
  const grants = grantItems(facts.grants, facts.now, facts.timezone, names);
  const when = whenIn(facts.timezone, facts.now);
  const attention = facts.changes.changes.filter((change) => change.needsAttention);
  const changeLine = (change: ChangesReview['changes'][number]) =>
    `${when(change.time)} ${change.who}: ${describeChange(change, names)} → ${change.outcome}`;
  const lbCount = facts.loadBalancers.length;
  const counts: DigestCount[] = [
    {
      label: 'Targets healthy',
      value: `${health.healthy}/${health.total} (${lbCount} load balancer${lbCount === 1 ? '' : 's'})`,
      status: health.critical.length > 0 ? 'critical' : health.warning.length > 0 ? 'warning' : 'ok',
    },
    {
      label: 'Alarms',
      value: String(facts.alarms.length),
      status: facts.alarms.length > 0 ? 'critical' : 'ok',
    },
    {
      label: 'SG changes (24h)',
      value: `${facts.changes.changes.length}${attention.length > 0 ? ` (${attention.length} still in place)` : ''}`,
      status: attention.length > 0 ? 'warning' : 'ok',
    },
    {
      label: 'Grants',
      value: `${grants.active.length + grants.today.length} active, ${grants.today.length} expiring today${grants.expired.length ? `, ${grants.expired.length} overdue` : ''}`,
      status: grants.expired.length > 0 ? 'warning' : 'ok',
    },
  ];
  return {
    check: 'daily',
    title: `Daily check ${dayIn(facts.timezone)(facts.now)}`,
    counts,
    allClear: `all clear — ${health.healthy}/${health.total} targets healthy on ${lbCount} load balancer${lbCount === 1 ? '' : 's'}, no alarms, no security-group changes, no grants`,
    sections: sections([
      section('Checks that could not run', 'warning', facts.failures),
      section('Target groups with every target unhealthy', 'critical', health.critical),
      section('Unhealthy targets', 'warning', health.warning),
      section(
        'Alarms in ALARM',
        'critical',
        facts.alarms.map(
          (alarm) =>
            `${alarm.name}${alarm.type === 'composite' ? ' (composite)' : alarm.metric ? ` (${alarm.metric})` : ''}${alarm.since ? ` since ${when(alarm.since)}` : ''}${alarm.reason ? `: ${alarm.reason}` : ''}`,
        ),
      ),
      section('Hand-made security-group changes still in place', 'warning', attention.map(changeLine)),
      section(
        'Security-group changes in the last 24 hours',
        'info',
        facts.changes.changes.filter((change) => !change.needsAttention).map(changeLine),
      ),
      section(
        'netwarden’s own changes',
        'info',
        facts.changes.own.map((change) => `${when(change.time)} ${describeChange(change, names)}`),
      ),
      section('Unreadable CloudTrail records', 'warning', facts.changes.unreadable),
      section('Grants past their expiry', 'warning', grants.expired),
      section('Grants expiring today', 'info', grants.today),
      section('Active grants', 'info', grants.active),
    ]),
  };
}
