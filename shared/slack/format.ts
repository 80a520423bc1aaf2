/**
 * Pure Block Kit builders: one layout per kind that an on-call engineer reads in three seconds —
 * what changed, why, where, and a console link — plus the storm grouping that turns a batch of
 * alarms into a handful of messages. Every builder returns a message already within Slack's limits.
 */

import { asDigest } from '../checks/digest';
import { digestBlocks } from '../checks/digest-blocks';
import { type AlarmMetric, type AlarmNotice, type AlarmState, timestampMs } from '../events/alarm';
import type { Finding } from '../findings/finding';
import {
  type Block,
  escapeMrkdwn,
  LIMITS,
  link,
  type Mrkdwn,
  type SlackMessage,
  truncate,
  withinLimits,
} from './blocks';

export interface FormatOptions {
  /** Region for console links when the event names none (the function's own region). */
  readonly defaultRegion: string;
}

const HERE = '<!here>';

export const STATE_EMOJI: Record<AlarmState, string> = {
  ALARM: ':red_circle:',
  OK: ':large_green_circle:',
  INSUFFICIENT_DATA: ':white_circle:',
};

const SEVERITY_EMOJI: Record<Finding['severity'], string> = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
};

const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text });
const field = (label: string, value: string): Mrkdwn => mrkdwn(`*${label}*\n${value}`);

// ── Console links ───────────────────────────────────────────────────────────────────────────────

/**
 * The CloudWatch console reads the alarm name from the URL fragment in its own encoding: percent-
 * encode everything but letters, digits and `-_.~`, then write `%` as `$` (`ecs/up` → `ecs$2Fup`).
 * A plain `%2F` (or a raw `/`) opens "alarm not found" — the bug other notifiers shipped.
 */
export function consoleFragmentEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%', '$');
}

const consoleBase = (region: string, service: string) =>
  `https://${region}.console.aws.amazon.com/${service}/home?region=${encodeURIComponent(region)}`;

export function alarmConsoleUrl(name: string, region: string): string {
  return `${consoleBase(region, 'cloudwatch')}#alarmsV2:alarm/${consoleFragmentEncode(name)}`;
}

const ARN_REGION = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/;

/** The console page of a finding's resource: security group, instance, target group, load balancer, certificate. */
export function resourceConsoleUrl(
  resource: NonNullable<Finding['resource']>,
  region: string,
): string | undefined {
  const id = resource.id;
  const where = ARN_REGION.exec(id)?.[1] || region;
  const ec2 = consoleBase(where, 'ec2');
  const safe = encodeURIComponent(id).replaceAll('%3A', ':').replaceAll('%2F', '/');
  if (/^sg-[0-9a-f]+$/.test(id)) return `${ec2}#SecurityGroup:groupId=${id}`;
  if (/^i-[0-9a-f]+$/.test(id)) return `${ec2}#InstanceDetails:instanceId=${id}`;
  if (id.includes(':targetgroup/')) return `${ec2}#TargetGroup:targetGroupArn=${safe}`;
  if (id.includes(':loadbalancer/')) return `${ec2}#LoadBalancer:loadBalancerArn=${safe}`;
  const certificate = /^arn:aws[a-z-]*:acm:[^:]+:\d+:certificate\/(.+)$/.exec(id)?.[1];
  if (certificate) return `${consoleBase(where, 'acm')}#/certificates/${encodeURIComponent(certificate)}`;
  return undefined;
}

// ── Alarm details ───────────────────────────────────────────────────────────────────────────────

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
  'greater than or equal to': '≥',
  'greater than': '>',
  'less than': '<',
  'less than or equal to': '≤',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
  GreaterThanUpperThreshold: 'above the band',
  LessThanLowerThreshold: 'below the band',
};

export function thresholdText(alarm: AlarmNotice): string | undefined {
  if (alarm.threshold === undefined && !alarm.comparison) return undefined;
  const operator = alarm.comparison ? (OPERATORS[alarm.comparison] ?? alarm.comparison) : undefined;
  return [operator, alarm.threshold].filter((part) => part !== undefined).join(' ');
}

function metricLine(metric: AlarmMetric): string {
  const dimensions = Object.entries(metric.dimensions)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  const id = metric.id ? `${metric.id}: ` : '';
  if (metric.expression)
    return `${id}\`${escapeMrkdwn(metric.expression)}\`${metric.label ? ` (${escapeMrkdwn(metric.label)})` : ''}`;
  const what = [metric.namespace, metric.name].filter(Boolean).join(' ');
  const how = [metric.statistic, metric.period ? `${metric.period} s` : undefined].filter(Boolean).join(', ');
  return `${id}${escapeMrkdwn(what || 'metric')}${how ? ` (${escapeMrkdwn(how)})` : ''}${dimensions ? `\n${escapeMrkdwn(dimensions)}` : ''}`;
}

const transition = (alarm: AlarmNotice) => `${alarm.oldState ?? '?'} → ${alarm.newState}`;
const regionOf = (alarm: AlarmNotice, options: FormatOptions) => alarm.region ?? options.defaultRegion;

export function alarmFallback(alarm: AlarmNotice, options: FormatOptions): string {
  return `${alarm.newState === 'ALARM' ? `${HERE} ` : ''}${alarm.newState}: ${alarm.name} (${transition(alarm)}) in ${alarm.account} ${regionOf(alarm, options)}`;
}

/** One alarm, in full. `changes` > 1 says it flapped inside the batch and this is its last state. */
export function alarmMessage(alarm: AlarmNotice, options: FormatOptions, changes = 1): SlackMessage {
  const region = regionOf(alarm, options);
  const url = alarmConsoleUrl(alarm.name, region);
  const fields: Mrkdwn[] = [];
  if (alarm.metrics.length > 0) fields.push(field('Metric', alarm.metrics.map(metricLine).join('\n')));
  const threshold = thresholdText(alarm);
  if (threshold) fields.push(field('Threshold', escapeMrkdwn(threshold)));
  if (alarm.composite) {
    fields.push(field('Rule', `\`${escapeMrkdwn(alarm.composite.rule)}\``));
    const children = alarm.composite.children.map(
      (child) =>
        `${link(alarmConsoleUrl(child.name, region), child.name)}${child.state ? ` (${escapeMrkdwn(child.state)})` : ''}`,
    );
    fields.push(field('Triggered by', children.length > 0 ? children.join('\n') : '—'));
  }
  fields.push(field('Account / region', `${escapeMrkdwn(alarm.account)} · ${escapeMrkdwn(region)}`));

  const blocks: Block[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `${STATE_EMOJI[alarm.newState]} ${alarm.newState}: ${alarm.name}`,
        emoji: true,
      },
    },
    {
      type: 'section',
      text: mrkdwn(
        `${alarm.newState === 'ALARM' ? `${HERE} ` : ''}*${transition(alarm)}* · ${link(url, alarm.name)}` +
          (alarm.description ? `\n${escapeMrkdwn(alarm.description)}` : ''),
      ),
    },
    { type: 'section', text: mrkdwn(`*Reason*\n${escapeMrkdwn(alarm.reason)}`) },
    { type: 'section', fields },
  ];
  const context = [
    `${alarm.composite ? 'Composite alarm' : 'Alarm'} via ${alarm.via === 'sns' ? 'SNS' : 'EventBridge'} · ${escapeMrkdwn(alarm.timestamp)}`,
  ];
  if (changes > 1) context.push(`Changed state ${changes} times in this batch; showing the last`);
  if (alarm.actionsSuppressedBy)
    context.push(`Actions suppressed by ${escapeMrkdwn(alarm.actionsSuppressedBy)}`);
  blocks.push({ type: 'context', elements: context.map(mrkdwn) });
  return withinLimits({ text: alarmFallback(alarm, options), blocks });
}

// ── Storms: many alarms in one batch ────────────────────────────────────────────────────────────

/** Up to this many distinct alarms in a batch get a message each; more become per-state summaries. */
export const DETAILED_ALARMS_MAX = 3;
const STATE_ORDER: ReadonlyArray<AlarmState> = ['ALARM', 'INSUFFICIENT_DATA', 'OK'];
const REASON_IN_SUMMARY = 90;

export interface Sourced<T> {
  /** The SQS message id the item came from. */
  readonly id: string;
  readonly item: T;
}

/** A Slack message to post and the SQS messages it stands for (all fail together if it fails). */
export interface Post {
  readonly kind: 'alarm' | 'alarm-summary' | 'finding' | 'unprocessable';
  readonly message: SlackMessage;
  readonly ids: ReadonlyArray<string>;
}

const alarmKey = (alarm: AlarmNotice) => alarm.arn ?? `${alarm.account}:${alarm.region ?? ''}:${alarm.name}`;

interface LatestAlarm {
  readonly alarm: AlarmNotice;
  readonly ids: string[];
  readonly changes: number;
}

/**
 * One entry per alarm with its last state (by the state's own timestamp, not arrival order: delivery
 * may reorder), the ids of every message about it, and how many distinct changes the batch held
 * (the same change via SNS and EventBridge counts once).
 */
export function latestPerAlarm(alarms: ReadonlyArray<Sourced<AlarmNotice>>): LatestAlarm[] {
  const byKey = new Map<string, { alarm: AlarmNotice; ids: string[]; changes: Set<string> }>();
  for (const { id, item } of alarms) {
    const key = alarmKey(item);
    const seen = byKey.get(key);
    const change = `${item.newState}@${timestampMs(item.timestamp)}`;
    if (!seen) {
      byKey.set(key, { alarm: item, ids: [id], changes: new Set([change]) });
      continue;
    }
    seen.ids.push(id);
    seen.changes.add(change);
    if (timestampMs(item.timestamp) >= timestampMs(seen.alarm.timestamp)) seen.alarm = item;
  }
  return [...byKey.values()].map(({ alarm, ids, changes }) => ({ alarm, ids, changes: changes.size }));
}

const CROSSED =
  /\[([-\d.eE+]+) \([^)]*\)[^\]]*\] was (not )?(greater than or equal to|greater than|less than or equal to|less than) the threshold \(([^)]+)\)/;

/**
 * A reason for a one-line summary: "Threshold Crossed: 1 out of the last 1 datapoints [2.0 (…)] was
 * greater than or equal to the threshold (1.0) …" says `2.0 ≥ 1.0`; anything else is abbreviated with
 * a plain ellipsis (not a limit cut: the full reason is one click away).
 */
export function shortReason(alarm: AlarmNotice): string {
  const crossed = CROSSED.exec(alarm.reason);
  if (crossed) {
    const [, value, not, words = '', threshold] = crossed;
    return `${value} ${not ? 'not ' : ''}${OPERATORS[words] ?? words} ${threshold}`;
  }
  const oneLine = alarm.reason.replace(/\s+/g, ' ');
  return oneLine.length > REASON_IN_SUMMARY ? `${oneLine.slice(0, REASON_IN_SUMMARY - 1)}…` : oneLine;
}

function summaryLine(entry: LatestAlarm, options: FormatOptions): string {
  const { alarm } = entry;
  const reason = shortReason(alarm);
  const flapped = entry.changes > 1 ? ` · flapped ${entry.changes}×` : '';
  return `• ${link(alarmConsoleUrl(alarm.name, regionOf(alarm, options)), alarm.name)} — was ${alarm.oldState ?? '?'}${flapped} · ${escapeMrkdwn(reason)}`;
}

/** Lines packed into section texts of at most `max` characters, never splitting a line. */
export function packLines(lines: ReadonlyArray<string>, max: number): string[] {
  const sections: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current && current.length + 1 + line.length > max) {
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) sections.push(current);
  return sections;
}

/** One state's summary, split into as many messages as Block Kit's 50-block limit requires. */
function summaryMessages(
  state: AlarmState,
  entries: ReadonlyArray<LatestAlarm>,
  options: FormatOptions,
): SlackMessage[] {
  const ordered = [...entries].sort(
    (a, b) => timestampMs(a.alarm.timestamp) - timestampMs(b.alarm.timestamp),
  );
  const sections = packLines(
    ordered.map((entry) => summaryLine(entry, options)),
    LIMITS.sectionText,
  );
  const perMessage = LIMITS.blocks - 3; // header, intro and context frame the list
  const chunks: string[][] = [];
  for (let i = 0; i < sections.length; i += perMessage) chunks.push(sections.slice(i, i + perMessage));
  const count = entries.length;
  const noun = `${count} alarm${count === 1 ? '' : 's'}`;
  const places = [
    ...new Set(entries.map((entry) => `${entry.alarm.account} · ${regionOf(entry.alarm, options)}`)),
  ];
  const first = ordered[0]?.alarm.timestamp ?? '';
  const last = ordered.at(-1)?.alarm.timestamp ?? '';
  const here = state === 'ALARM' ? `${HERE} ` : '';
  return chunks.map((chunk, index) => {
    const part = chunks.length > 1 ? ` (${index + 1}/${chunks.length})` : '';
    const blocks: Block[] = [
      {
        type: 'header',
        text: { type: 'plain_text', text: `${STATE_EMOJI[state]} ${noun} → ${state}${part}`, emoji: true },
      },
      {
        type: 'section',
        text: mrkdwn(
          `${here}*${noun} changed to ${state}* between ${escapeMrkdwn(first)} and ${escapeMrkdwn(last)}. ` +
            'Alarms that changed more than once in this batch are shown once, with their last state.',
        ),
      },
      ...chunk.map((text): Block => ({ type: 'section', text: mrkdwn(text) })),
      { type: 'context', elements: [mrkdwn(truncate(escapeMrkdwn(places.join(' | ')), LIMITS.contextText))] },
    ];
    return withinLimits({ text: `${here}${noun} → ${state}${part}`, blocks });
  });
}

/**
 * A batch's alarms as posts: a few distinct alarms get a message each; a storm becomes one summary
 * per new state (ALARM first) naming every alarm, so 100 alarms make about three messages. Every
 * message id lands in exactly one post — the one that shows its alarm's last state.
 */
export function alarmPosts(alarms: ReadonlyArray<Sourced<AlarmNotice>>, options: FormatOptions): Post[] {
  const latest = latestPerAlarm(alarms);
  if (latest.length <= DETAILED_ALARMS_MAX)
    return latest.map((entry) => ({
      kind: 'alarm',
      message: alarmMessage(entry.alarm, options, entry.changes),
      ids: entry.ids,
    }));
  return STATE_ORDER.flatMap((state) => {
    const entries = latest.filter((entry) => entry.alarm.newState === state);
    if (entries.length === 0) return [];
    const messages = summaryMessages(state, entries, options);
    // A split summary fails or succeeds as a unit: its member ids ride on every part.
    const ids = entries.flatMap((entry) => entry.ids);
    return messages.map((message): Post => ({ kind: 'alarm-summary', message, ids }));
  });
}

// ── Findings ────────────────────────────────────────────────────────────────────────────────────

const OUTCOME: Record<Finding['outcome'], string> = {
  acted: 'netwarden acted',
  'already-done': 'already done (nothing left to do)',
  'would-act': 'report mode: netwarden would act, and did not',
  'no-action': 'no action taken',
  failed: 'netwarden tried and failed',
};

function actorText(actor: NonNullable<Finding['actor']>): string {
  const how = [
    actor.viaConsole ? 'in the console' : undefined,
    actor.sourceIp ? `from ${actor.sourceIp}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  return `${escapeMrkdwn(actor.display)}${how ? ` ${escapeMrkdwn(how)}` : ''}${actor.arn && actor.arn !== actor.display ? `\n\`${escapeMrkdwn(actor.arn)}\`` : ''}`;
}

export function findingMessage(finding: Finding, options: FormatOptions): SlackMessage {
  // A daily or weekly check carries its digest: post it as the check laid it out, counts first.
  const digest = finding.kind.startsWith('check.') ? asDigest(finding.details?.digest) : undefined;
  if (digest) {
    const message = digestBlocks(digest);
    return withinLimits(
      finding.severity === 'critical' ? { ...message, text: `${HERE} ${message.text}` } : message,
    );
  }
  const region = finding.region ?? options.defaultRegion;
  const url = finding.resource ? resourceConsoleUrl(finding.resource, region) : undefined;
  const resourceLabel = finding.resource
    ? `${finding.resource.type} ${finding.resource.name ?? finding.resource.id}`
    : undefined;
  const resource = resourceLabel ? (url ? link(url, resourceLabel) : escapeMrkdwn(resourceLabel)) : undefined;
  const fields: Mrkdwn[] = [];
  if (finding.actor) fields.push(field('Who', actorText(finding.actor)));
  if (resource) fields.push(field('Resource', resource));
  fields.push(field('Outcome', OUTCOME[finding.outcome]));
  if (finding.account || finding.region)
    fields.push(
      field('Account / region', escapeMrkdwn([finding.account, region].filter(Boolean).join(' · '))),
    );
  const critical = finding.severity === 'critical';

  const blocks: Block[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `${SEVERITY_EMOJI[finding.severity]} ${finding.title}`, emoji: true },
    },
    {
      type: 'section',
      text: mrkdwn(`${critical ? `${HERE} ` : ''}*What happened*\n${escapeMrkdwn(finding.why)}`),
    },
    { type: 'section', fields },
  ];
  if (finding.rules && finding.rules.length > 0) {
    const rules = finding.rules.map(
      (rule) => `• ${escapeMrkdwn(rule.summary)}${rule.ruleId ? ` (\`${escapeMrkdwn(rule.ruleId)}\`)` : ''}`,
    );
    blocks.push({ type: 'section', text: mrkdwn(`*Rules*\n${rules.join('\n')}`) });
  }
  const did =
    finding.mode === 'report' || finding.outcome === 'would-act'
      ? 'What netwarden would do (report mode)'
      : 'What netwarden did';
  const actions =
    finding.actions.length > 0
      ? finding.actions.map((action) => `• \`${escapeMrkdwn(action)}\``).join('\n')
      : 'nothing';
  blocks.push({ type: 'section', text: mrkdwn(`*${did}*\n${actions}`) });
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        [
          finding.kind,
          `${finding.mode} mode`,
          finding.time,
          finding.eventId ? `event ${finding.eventId}` : undefined,
        ]
          .filter(Boolean)
          .map((part) => escapeMrkdwn(part ?? ''))
          .join(' · '),
      ),
    ],
  });
  return withinLimits({ text: `${critical ? `${HERE} ` : ''}${finding.title}`, blocks });
}

// ── Messages netwarden could not read ───────────────────────────────────────────────────────────

export interface Unreadable {
  readonly reason: string;
  /** The SNS topic or event source it came from, if the envelope said. */
  readonly source?: string;
}

/** One short notice for every unprocessable message in a batch: on-call learns something was dropped. */
export function unprocessableMessage(entries: ReadonlyArray<Sourced<Unreadable>>): SlackMessage {
  const lines = entries.map(
    ({ id, item }) =>
      `• message \`${escapeMrkdwn(id)}\`${item.source ? ` from ${escapeMrkdwn(item.source)}` : ''}: ${escapeMrkdwn(item.reason)}`,
  );
  const count = entries.length;
  return withinLimits({
    text: `notify-slack could not read ${count} message${count === 1 ? '' : 's'}`,
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `:grey_question: *notify-slack could not read ${count} message${count === 1 ? '' : 's'}* — not retried; the details are in its logs.`,
        ),
      },
      ...packLines(lines, LIMITS.sectionText)
        .slice(0, LIMITS.blocks - 1)
        .map((text): Block => ({ type: 'section', text: mrkdwn(text) })),
    ],
  });
}
