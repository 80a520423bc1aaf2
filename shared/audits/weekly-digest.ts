/**
 * The weekly digest from gathered facts (pure): the security-group audit, seven days of NLB metrics,
 * idle load balancers and what deleting them saves, TLS certificates close to expiry, and target-group
 * settings that differ from the seed's recommendations.
 */

import type { CertificateFacts } from '../estate/certificates';
import type { ListenerFacts, LoadBalancerFacts, TargetGroupFacts } from '../estate/load-balancing';
import type { MetricSeries } from '../estate/monitoring';
import type { CheckPolicy } from '../policy/schema';
import { quoteTag } from '../sg/exceptions';
import {
  type Digest,
  type DigestCount,
  groupLabel,
  section as makeSection,
  notRunOf,
  type Severity,
  sections,
} from './digest';
import {
  type AuditReport,
  auditProblemCount,
  type ExceptionEntry,
  type RuleRef,
} from './security-group-audit';
import { dayIn, durationWords } from './time';

export const WEEK_MS = 7 * 86_400_000;

/** The four NLB metrics of the seed's checklist, with the statistic that answers the weekly question. */
export const NLB_METRICS = [
  { key: 'newFlows', metric: 'NewFlowCount', stat: 'Sum' },
  { key: 'peakActiveFlows', metric: 'ActiveFlowCount', stat: 'Maximum' },
  { key: 'processedBytes', metric: 'ProcessedBytes', stat: 'Sum' },
] as const;

export interface NlbWeek {
  readonly loadBalancer: LoadBalancerFacts;
  readonly newFlows: number;
  readonly peakActiveFlows: number;
  readonly processedBytes: number;
  /** Highest UnHealthyHostCount of any of its target groups over the week. */
  readonly peakUnhealthyHosts: number;
}

export interface CertificateUse {
  readonly arn: string;
  readonly usedBy: string[];
  readonly facts: CertificateFacts | undefined;
}

export interface TargetGroupSettings {
  readonly targetGroup: TargetGroupFacts;
  readonly attributes: Readonly<Record<string, string>>;
  /** Listeners forwarding to it, for the "TLS ends at the NLB" check. */
  readonly listeners: ListenerFacts[];
}

export interface WeeklyFacts {
  readonly now: Date;
  readonly settings: CheckPolicy;
  readonly audit: AuditReport;
  readonly baselineProblems: string[];
  readonly nlbs: NlbWeek[];
  readonly certificates: CertificateUse[];
  readonly targetGroups: TargetGroupSettings[];
  readonly failures: string[];
  /** Items per section (default MAX_ITEMS_PER_SECTION); the CLI passes Infinity. */
  readonly itemLimit?: number;
}

const sum = (series: MetricSeries | undefined) =>
  (series?.values ?? []).reduce((total, value) => total + value, 0);
const max = (series: MetricSeries | undefined) => Math.max(0, ...(series?.values ?? []));
export const seriesTotals = { sum, max };

/** The seed's cost table: hourly NLB price plus the minimum NLCU, for a month of hours. */
export function monthlyCost(cost: CheckPolicy['cost']): number {
  return (cost.nlbHourlyUsd + cost.nlcuHourlyUsd * cost.minimumNlcu) * cost.hoursPerMonth;
}

const usd = (amount: number) => `$${amount.toFixed(2)}`;

/**
 * `1,234,567`, as `toLocaleString('en-US')` writes it. Whole numbers (flow counts are) are grouped here:
 * toLocaleString would load ICU for it, a large part of the weekly check's cold first event. Anything
 * else goes to toLocaleString, so the text is the same either way.
 */
export function grouped(value: number): string {
  if (!Number.isSafeInteger(value) || Object.is(value, -0)) return value.toLocaleString('en-US');
  const digits = String(Math.abs(value));
  const head = digits.length % 3 || 3;
  let text = digits.slice(0, head);
  for (let index = head; index < digits.length; index += 3) text += `,${digits.slice(index, index + 3)}`;
  return value < 0 ? `-${text}` : text;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Idle: no new flow in the whole week, and old enough to have had one. */
export function isIdle(week: NlbWeek, now: Date): boolean {
  const created = week.loadBalancer.createdAt?.getTime();
  return week.newFlows === 0 && (created === undefined || now.getTime() - created >= WEEK_MS);
}

/** Where a target group departs from the seed's recommendations, in words on-call can act on. */
export function targetGroupAdvice(
  settings: TargetGroupSettings,
  recommended: CheckPolicy['targetGroups'],
): string[] {
  const { targetGroup, attributes, listeners } = settings;
  const advice: string[] = [];
  const delay = attributes['deregistration_delay.timeout_seconds'];
  if (delay !== undefined && Number(delay) !== recommended.deregistrationDelaySeconds)
    advice.push(
      `deregistration delay ${delay}s (recommended ${recommended.deregistrationDelaySeconds}s so database sessions drain)`,
    );
  const checkPort = targetGroup.healthCheck.port;
  if (checkPort !== 'traffic-port' && checkPort !== targetGroup.port)
    advice.push(
      `health check probes port ${checkPort} but targets serve on port ${targetGroup.port} (use traffic-port)`,
    );
  const preserve = attributes['preserve_client_ip.enabled'];
  if (preserve !== undefined && (preserve === 'true') !== recommended.preserveClientIp)
    advice.push(
      `client IP preservation is ${preserve === 'true' ? 'on' : 'off'} (recommended ${recommended.preserveClientIp ? 'on: audit logs need the real user IP' : 'off'})`,
    );
  for (const listener of listeners) {
    if (listener.protocol === 'TLS' && targetGroup.port === 443)
      advice.push(
        `TLS ends at the NLB (listener ${listener.port}) yet it forwards to port 443: the gateway serves plain traffic (port 80 in the seed), so health checks fail`,
      );
  }
  return advice;
}

function certificateItem(use: CertificateUse, now: Date, warnMs: number, day: (time: Date) => string) {
  const where = use.usedBy.join(', ');
  const facts = use.facts;
  if (!facts)
    return {
      severity: 'warning' as const,
      text: `${use.arn} on ${where}: not in ACM (an IAM server certificate?) — check its expiry by hand`,
    };
  const name = facts.domain ?? facts.arn;
  const notAfter = facts.notAfter;
  if (!notAfter)
    return {
      severity: 'warning' as const,
      text: `${name} on ${where}: status ${facts.status ?? 'unknown'}, no expiry date`,
    };
  const left = notAfter.getTime() - now.getTime();
  const renews =
    facts.type === 'AMAZON_ISSUED' && facts.renewalEligibility === 'ELIGIBLE'
      ? 'ACM should renew it by itself — check its validation records if it has not'
      : facts.type === 'IMPORTED'
        ? 'imported: ACM will not renew it, import a new one'
        : 'not eligible for automatic renewal';
  if (left <= 0)
    return {
      severity: 'critical' as const,
      text: `${name} on ${where}: EXPIRED on ${day(notAfter)} (${durationWords(left)} ago) — ${renews}`,
    };
  if (left <= warnMs)
    return {
      severity: 'warning' as const,
      text: `${name} on ${where}: expires ${day(notAfter)} (in ${durationWords(left)}) — ${renews}`,
    };
  return undefined;
}

const labelOf = (entry: { groupId: string; groupName?: string }) =>
  groupLabel(entry.groupId, entry.groupName);

const exceptionLine = (entry: ExceptionEntry) =>
  `${entry.path}: ${entry.groupId} ${entry.summary}: “${entry.reason}”, expires ${entry.expires}`;

const ref = (entry: RuleRef) =>
  `${labelOf(entry)} ${entry.summary}${entry.ruleId ? ` (${entry.ruleId})` : ''}`;

export function weeklyDigest(facts: WeeklyFacts): Digest {
  const { audit, settings, now } = facts;
  const day = dayIn(settings.timezone);
  const ran = whatRan(facts.failures);
  const findings: WeeklyFindings = {
    idle: ran.metrics ? facts.nlbs.filter((week) => isIdle(week, now)) : [],
    certificates: facts.certificates
      .map((use) => certificateItem(use, now, settings.certificateWarning, day))
      .filter((item) => item !== undefined),
    targetGroupAdvice: facts.targetGroups.flatMap((entry) =>
      targetGroupAdvice(entry, settings.targetGroups).map((text) => `${entry.targetGroup.name}: ${text}`),
    ),
  };
  const found = weeklySections(facts, ran, findings);
  // The metrics alone are not news: a week with nothing else to say is one line.
  const onlyMetrics = found.every((entry) => entry.title === NLB_METRICS_TITLE);
  return {
    check: 'weekly',
    title: `Weekly check ${day(now)}`,
    counts: weeklyCounts(facts, ran, findings),
    notRun: ran.notRun,
    allClear: `all clear — ${audit.groups} security groups / ${audit.rules} rules audited, ${trafficLine(facts.nlbs)}, no certificate expiring, target groups as recommended`,
    sections: onlyMetrics ? [] : found,
  };
}

const NLB_METRICS_TITLE = 'NLB metrics, last 7 days';

/** Which parts of the week's reading ran: a part that could not run says so, and its zeros are not findings. */
interface WhatRan {
  readonly notRun: string[];
  readonly audit: boolean;
  readonly balancing: boolean;
  readonly metrics: boolean;
  readonly unreadCertificates: number;
  readonly unreadAttributes: number;
}

function whatRan(failures: ReadonlyArray<string>): WhatRan {
  const notRun = notRunOf(failures);
  const failed = (prefix: string) => notRun.filter((what) => what.startsWith(prefix)).length;
  const balancing = failed('load balancers') === 0;
  return {
    notRun,
    audit: failed('security-group audit') === 0,
    balancing,
    metrics: balancing && failed('NLB metrics') === 0,
    unreadCertificates: failed('certificate '),
    unreadAttributes: failed('attributes of '),
  };
}

/** What the week's facts say, before they are put into counts and sections. */
interface WeeklyFindings {
  readonly idle: ReadonlyArray<NlbWeek>;
  readonly certificates: ReadonlyArray<{ readonly text: string; readonly severity: Severity }>;
  readonly targetGroupAdvice: ReadonlyArray<string>;
}

const notRead = (label: string, source: string): DigestCount => ({
  label,
  value: `not read (${source})`,
  status: 'warning',
});
const partly = (unread: number) => (unread > 0 ? `, ${unread} not read` : '');

function weeklyCounts(facts: WeeklyFacts, ran: WhatRan, findings: WeeklyFindings): DigestCount[] {
  const { audit } = facts;
  const perNlb = monthlyCost(facts.settings.cost);
  const problems = auditProblemCount(audit);
  const { idle, certificates, targetGroupAdvice: advice } = findings;
  return [
    ran.audit
      ? {
          label: 'SG audit',
          value: `${problems} finding${problems === 1 ? '' : 's'} in ${audit.groups} groups / ${audit.rules} rules`,
          status: audit.guardrails.length > 0 ? 'critical' : problems > 0 ? 'warning' : 'ok',
        }
      : notRead('SG audit', 'EC2'),
    !ran.balancing
      ? notRead('NLBs', 'ELBv2')
      : ran.metrics
        ? {
            label: 'NLBs',
            value: `${facts.nlbs.length} (${idle.length} idle, ${usd(facts.nlbs.length * perNlb)}/month at the minimum)`,
            status: idle.length > 0 ? 'warning' : 'ok',
          }
        : {
            label: 'NLBs',
            value: `${facts.nlbs.length} (metrics not read: idle unknown, ${usd(facts.nlbs.length * perNlb)}/month at the minimum)`,
            status: 'warning',
          },
    ran.balancing
      ? {
          label: 'Certificates expiring',
          value: `${certificates.length}${partly(ran.unreadCertificates)}`,
          status: certificates.some((item) => item.severity === 'critical')
            ? 'critical'
            : certificates.length || ran.unreadCertificates
              ? 'warning'
              : 'ok',
        }
      : notRead('Certificates expiring', 'ELBv2'),
    ran.balancing
      ? {
          label: 'Target-group settings',
          value: `${advice.length}${partly(ran.unreadAttributes)}`,
          status: advice.length || ran.unreadAttributes ? 'warning' : 'ok',
        }
      : notRead('Target-group settings', 'ELBv2'),
  ];
}

function weeklySections(facts: WeeklyFacts, ran: WhatRan, findings: WeeklyFindings) {
  const section = (title: string, severity: Severity, items: ReadonlyArray<string>) =>
    makeSection(title, severity, items, facts.itemLimit);
  const { audit } = facts;
  const perNlb = monthlyCost(facts.settings.cost);
  const { idle, certificates } = findings;
  return sections([
    section('Checks that could not run', 'warning', facts.failures),
    section(
      'Guardrail breaches',
      'critical',
      audit.guardrails.map((entry) => `${ref(entry)}: forbidden by "${entry.section}"`),
    ),
    section(
      'TLS certificates',
      certificates.some((item) => item.severity === 'critical') ? 'critical' : 'warning',
      certificates.map((item) => item.text),
    ),
    section('Drift: baseline rules missing', 'warning', audit.drift.missing.map(ref)),
    section('Drift: rules not in the baseline', 'warning', audit.drift.unapproved.map(ref)),
    section(
      'Redundant rules (another rule already allows this)',
      'warning',
      audit.redundant.map(
        (entry) =>
          `${ref(entry)} — covered by ${entry.coveredBy.summary}${entry.coveredBy.ruleId ? ` (${entry.coveredBy.ruleId})` : ''}`,
      ),
    ),
    section(
      'Rules referencing deleted or stale groups',
      'warning',
      audit.staleReferences.map((entry) => `${labelOf(entry)} ${entry.summary}: ${entry.reason}`),
    ),
    section('Groups attached to nothing', 'warning', audit.unattached.map(labelOf)),
    section(
      'Terraform state entries that could not be read (their groups have no baseline)',
      'warning',
      facts.baselineProblems,
    ),
    section(
      'Idle load balancers (no new flow in 7 days)',
      'warning',
      idle.map(
        (week) =>
          `${week.loadBalancer.name}: costs about ${usd(perNlb)}/month — deleting it saves ${usd(perNlb)}/month (${usd(perNlb * 12)}/year)`,
      ),
    ),
    section(
      'Target-group settings that differ from the recommendations',
      'warning',
      findings.targetGroupAdvice,
    ),
    section(
      'Expired policy exceptions (they exempt nothing now: renew or remove them)',
      'warning',
      audit.expiredExceptions.map(exceptionLine),
    ),
    section(
      'Rules tagged netwarden:ignore (a tag exempts nothing: move them into the policy’s exceptions)',
      'warning',
      audit.ignoreTagged.map((entry) => `${ref(entry)}: tag ${quoteTag(entry.tag)}`),
    ),
    section(
      'Approved rules a guardrail forbids (never restored: remove them from the baseline)',
      'warning',
      audit.forbiddenBaseline.map((entry) => `${ref(entry)}: forbidden by "${entry.section}"`),
    ),
    section(
      'Policy exceptions',
      'info',
      audit.exceptions.map(
        (entry) =>
          `${ref(entry)}: “${entry.reason}” until ${entry.expires} (${entry.exception})${entry.guardrailBreach ? ' — breaches a guardrail' : ''}`,
      ),
    ),
    section(
      'Policy exceptions that match no rule (remove them)',
      'info',
      audit.unusedExceptions.map(exceptionLine),
    ),
    // Without metrics there is nothing to say about a week of traffic or unhealthy hosts.
    section(NLB_METRICS_TITLE, 'info', (ran.metrics ? facts.nlbs : []).map(metricLine)),
  ]);
}

function metricLine(week: NlbWeek): string {
  const hosts = `${week.peakUnhealthyHosts} unhealthy host${week.peakUnhealthyHosts === 1 ? '' : 's'}`;
  return `${week.loadBalancer.name}: ${grouped(week.newFlows)} new flows, peak ${grouped(week.peakActiveFlows)} active flows, ${formatBytes(week.processedBytes)} processed, peak ${hosts}`;
}

function trafficLine(nlbs: ReadonlyArray<NlbWeek>): string {
  const flows = grouped(nlbs.reduce((total, week) => total + week.newFlows, 0));
  const bytes = formatBytes(nlbs.reduce((total, week) => total + week.processedBytes, 0));
  return `${flows} new flows and ${bytes} through ${nlbs.length} NLB${nlbs.length === 1 ? '' : 's'}`;
}
