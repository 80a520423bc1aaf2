/**
 * Pure Block Kit builders: one layout per kind that an on-call engineer reads in three seconds —
 * what changed, why, where, and a console link — plus the storm grouping that turns a batch of
 * alarms into a handful of messages. Every builder returns a message already within Slack's limits.
 * Alarm names, owners, descriptions and every other field of an event are outside text: they only
 * enter a message through the `slack` tag (blocks.ts), which escapes them, so none can mention or link.
 */

import { asDigest } from '../audits/digest';
import { type AlarmMetric, type AlarmNotice, type AlarmState, timestampMs } from '../events/alarm';
import type { Finding, FindingKind } from '../findings/finding';
import { describeActor } from '../sg/actor';
import {
  type Block,
  context,
  type Escaped,
  escaped,
  fieldsSection,
  HERE,
  header,
  joinText,
  LIMITS,
  link,
  message,
  render,
  type SlackMessage,
  type SlackText,
  section,
  slack,
  textLength,
  truncateText,
  withinLimits,
} from './blocks';
import { digestBlocks } from './digest-blocks';
import { ALARM_COLOR, SEVERITY_COLOR } from './stories';

export interface FormatOptions {
  /** Region for console links when the event names none (the function's own region). */
  readonly defaultRegion: string;
  /** Said in front of what must wake someone up: a route's mention in app mode; `@here` otherwise. */
  readonly mention?: SlackText;
  /** Times are shown in this IANA zone (app mode: the policy's slack.timezone); ISO UTC otherwise. */
  readonly timezone?: string;
  /**
   * Security group names by id, from the policy in git (a securityGroups entry that selects one group by
   * id is named after it): used when the finding itself brought no name.
   */
  readonly groupNames?: Readonly<Record<string, string>>;
}

/** `sg-0db…`: enough of an id to tell groups apart beside their name; the full id is in the Resource field. */
export const shortId = (id: string): string => (id.length > 7 ? `${id.slice(0, 6)}…` : id);

/**
 * A security group as people know it, `rds-postgres-sg (sg-0db…)`: its name from the finding (the
 * resource's name, or the group name its details carry), else from the policy; the id alone without one.
 */
export function groupLabel(finding: Finding, options: FormatOptions): string | undefined {
  const resource = finding.resource;
  if (resource?.type !== 'security-group' || !resource.id) return undefined;
  const fromDetails = finding.details?.groupName;
  const name =
    resource.name ||
    (typeof fromDetails === 'string' && fromDetails.length > 0 ? fromDetails : undefined) ||
    options.groupNames?.[resource.id];
  return name ? `${name} (${shortId(resource.id)})` : resource.id;
}

/** The title with its group as people know it: the id in the title named, or the group added after it. */
export function headline(finding: Finding, options: FormatOptions): string {
  const label = groupLabel(finding, options);
  const id = finding.resource?.id;
  const title = localTimes(finding.title, options);
  if (!label || !id) return title;
  if (title.includes(id)) return title.replaceAll(id, label);
  return `${title} · ${label}`;
}

/** An ISO 8601 time in UTC, as findings write them in titles and reasons (`until 2026-12-02T01:00:00Z`). */
const UTC_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z\b/g;

/**
 * `text` with each UTC time it quotes shown in the options' zone (app mode: the policy's), so on-call
 * reads a grant's expiry in the same zone as the message's own time. Without a zone, as written.
 */
export function localTimes(text: string, options: FormatOptions): string {
  return options.timezone ? text.replace(UTC_TIME, (iso) => timeText(iso, options)) : text;
}

/** The mention in front of what must wake someone up, nothing otherwise. */
const hereIf = (loud: boolean, options: FormatOptions): SlackText => {
  const mention = options.mention ?? HERE;
  return loud && textLength(mention) > 0 ? slack`${mention} ` : slack``;
};

/** `2026-12-02 09:03:07 GMT+9` in the options' zone, or the text as given when there is none or it is no time. */
export function timeText(iso: string, options: FormatOptions): string {
  const ms = Date.parse(iso);
  if (!options.timezone || Number.isNaN(ms)) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: options.timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

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

const field = (label: string, value: SlackText): SlackText => slack`*${label}*\n${value}`;

/**
 * The colour bar (webhook and app mode alike: blocks.ts `slackPayload` puts the blocks in an attachment
 * of this colour): on-call sees red, amber or green before reading a word.
 */
const coloured = (color: string, built: SlackMessage): SlackMessage => ({ ...built, color });

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

function metricLine(metric: AlarmMetric): SlackText {
  const dimensions = Object.entries(metric.dimensions)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  const id = metric.id ? slack`${metric.id}: ` : slack``;
  if (metric.expression)
    return slack`${id}\`${metric.expression}\`${metric.label ? slack` (${metric.label})` : ''}`;
  const what = [metric.namespace, metric.name].filter(Boolean).join(' ');
  const how = [metric.statistic, metric.period ? `${metric.period} s` : undefined].filter(Boolean).join(', ');
  return slack`${id}${what || 'metric'}${how ? slack` (${how})` : ''}${dimensions ? slack`\n${dimensions}` : ''}`;
}

const transition = (alarm: AlarmNotice) => `${alarm.oldState ?? '?'} → ${alarm.newState}`;
const regionOf = (alarm: AlarmNotice, options: FormatOptions) => alarm.region ?? options.defaultRegion;

export function alarmFallback(alarm: AlarmNotice, options: FormatOptions): SlackText {
  return slack`${hereIf(alarm.newState === 'ALARM', options)}${alarm.newState}: ${alarm.name} (${transition(alarm)}) in ${alarm.account} ${regionOf(alarm, options)}`;
}

/** One alarm, in full. `changes` > 1 says it flapped inside the batch and this is its last state. */
export function alarmMessage(alarm: AlarmNotice, options: FormatOptions, changes = 1): SlackMessage {
  const region = regionOf(alarm, options);
  const url = alarmConsoleUrl(alarm.name, region);
  const fields: SlackText[] = [];
  if (alarm.metrics.length > 0) fields.push(field('Metric', joinText(alarm.metrics.map(metricLine), '\n')));
  const threshold = thresholdText(alarm);
  if (threshold) fields.push(field('Threshold', escaped(threshold)));
  if (alarm.composite) {
    fields.push(field('Rule', slack`\`${alarm.composite.rule}\``));
    const children = alarm.composite.children.map(
      (child) =>
        slack`${link(alarmConsoleUrl(child.name, region), child.name)}${child.state ? slack` (${child.state})` : ''}`,
    );
    fields.push(field('Triggered by', children.length > 0 ? joinText(children, '\n') : slack`—`));
  }
  fields.push(field('Account / region', slack`${alarm.account} · ${region}`));

  const notes = [
    slack`${alarm.composite ? 'Composite alarm' : 'Alarm'} via ${alarm.via === 'sns' ? 'SNS' : 'EventBridge'} · ${timeText(alarm.timestamp, options)}`,
  ];
  if (changes > 1) notes.push(slack`Changed state ${changes} times in this batch; showing the last`);
  if (alarm.actionsSuppressedBy) notes.push(slack`Actions suppressed by ${alarm.actionsSuppressedBy}`);
  return coloured(
    ALARM_COLOR[alarm.newState],
    message(alarmFallback(alarm, options), [
      header(slack`${STATE_EMOJI[alarm.newState]} ${alarm.newState}: ${alarm.name}`),
      section(
        slack`${hereIf(alarm.newState === 'ALARM', options)}*${transition(alarm)}* · ${link(url, alarm.name)}${
          alarm.description ? slack`\n${alarm.description}` : ''
        }`,
      ),
      section(slack`*Reason*\n${alarm.reason}`),
      fieldsSection(fields),
      context(notes),
    ]),
  );
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

function summaryLine(entry: LatestAlarm, options: FormatOptions): SlackText {
  const { alarm } = entry;
  const flapped = entry.changes > 1 ? ` · flapped ${entry.changes}×` : '';
  return slack`• ${link(alarmConsoleUrl(alarm.name, regionOf(alarm, options)), alarm.name)} — was ${alarm.oldState ?? '?'}${flapped} · ${shortReason(alarm)}`;
}

/** Lines packed into section texts of at most `max` characters, never splitting a line. */
export function packLines(lines: ReadonlyArray<SlackText>, max: number): SlackText[] {
  const sections: SlackText[] = [];
  let current: SlackText[] = [];
  let length = 0;
  for (const raw of lines) {
    const line = truncateText(raw, max);
    if (current.length > 0 && length + 1 + textLength(line) > max) {
      sections.push(joinText(current, '\n'));
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + textLength(line);
    current.push(line);
  }
  if (current.length > 0) sections.push(joinText(current, '\n'));
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
  const chunks: SlackText[][] = [];
  for (let i = 0; i < sections.length; i += perMessage) chunks.push(sections.slice(i, i + perMessage));
  const count = entries.length;
  const noun = `${count} alarm${count === 1 ? '' : 's'}`;
  const places = [
    ...new Set(entries.map((entry) => `${entry.alarm.account} · ${regionOf(entry.alarm, options)}`)),
  ];
  const first = ordered[0]?.alarm.timestamp ?? '';
  const last = ordered.at(-1)?.alarm.timestamp ?? '';
  const here = hereIf(state === 'ALARM', options);
  return chunks.map((chunk, index) => {
    const part = chunks.length > 1 ? ` (${index + 1}/${chunks.length})` : '';
    return coloured(
      ALARM_COLOR[state],
      message(slack`${here}${noun} → ${state}${part}`, [
        header(slack`${STATE_EMOJI[state]} ${noun} → ${state}${part}`),
        section(
          slack`${here}*${noun} changed to ${state}* between ${timeText(first, options)} and ${timeText(last, options)}. Alarms that changed more than once in this batch are shown once, with their last state.`,
        ),
        ...chunk.map(section),
        context([escaped(places.join(' | '))]),
      ]),
    );
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

/**
 * The why without its actor when the Who field says it: producers write `X by alice in the console from
 * 203.0.113.10: …`, and on-call should read the actor once, not twice in three lines.
 */
function whyOnce(finding: Finding): string {
  if (!finding.actor) return finding.why;
  const said = ` by ${describeActor(finding.actor)}`;
  return finding.why.includes(said) ? finding.why.replace(said, '') : finding.why;
}

function actorText(actor: NonNullable<Finding['actor']>): SlackText {
  return slack`${describeActor(actor)}${actor.arn && actor.arn !== actor.display ? slack`\n\`${actor.arn}\`` : ''}`;
}

/**
 * How a finding of each kind is laid out. `decision`: title, what happened, who, resource, outcome,
 * rules, and what netwarden did. `digest`: a daily or weekly check carries its digest, posted as the
 * check laid it out, counts first. A kind added to FINDING_KINDS without a layout here does not compile.
 */
export const FINDING_LAYOUT = {
  'sg.guardrail-breach': 'decision',
  'sg.drift': 'decision',
  'sg.duplicate': 'decision',
  'sg.baseline-restored': 'decision',
  'sg.baseline-forbidden': 'decision',
  'sg.exception': 'decision',
  'sg.exception-expired': 'decision',
  'sg.ignore-tag': 'decision',
  'sg.unverified-change': 'decision',
  'sg.unverified-peer': 'decision',
  'sg.group-gone': 'decision',
  'sg.protection-removed': 'decision',
  'sg.protection-restored': 'decision',
  'sg.foreign-event': 'decision',
  'grant.created': 'decision',
  'grant.extended': 'decision',
  'grant.rejected': 'decision',
  'grant.expiring': 'decision',
  'grant.expired': 'decision',
  'grant.revoked': 'decision',
  'grant.gone': 'decision',
  'grant.moved': 'decision',
  'grant.forged': 'decision',
  'grant.label-edited': 'decision',
  'targets.systemic': 'decision',
  'targets.healing': 'decision',
  'targets.human-needed': 'decision',
  'targets.waiting': 'decision',
  'targets.recovered': 'decision',
  'targets.healthy': 'decision',
  'targets.group-missing': 'decision',
  'targets.foreign-event': 'decision',
  'check.daily': 'digest',
  'check.weekly': 'digest',
  'safety.budget-exhausted': 'decision',
  'safety.undone': 'decision',
  'slack.pressed': 'decision',
  'slack.refused': 'decision',
  'organization.unreachable': 'decision',
  unprocessable: 'decision',
} as const satisfies Record<FindingKind, 'decision' | 'digest'>;

/**
 * A finding made while the kill switch held netwarden says so first, in the notification text and in
 * the message, so on-call never reads "would revoke" as an ordinary report-mode stage.
 */
export function findingMessage(finding: Finding, options: FormatOptions): SlackMessage {
  return coloured(SEVERITY_COLOR[finding.severity], notedMessage(finding, options));
}

function notedMessage(finding: Finding, options: FormatOptions): SlackMessage {
  const plain = messageOf(finding, options);
  // A decision the blast-radius budget held back says so first too: "would revoke" is not the policy's mode.
  const held = finding.budget
    ? noted(plain, slack`:no_entry: *${finding.budget.note}*`, '[held back] ')
    : plain;
  if (!finding.paused) return held;
  return noted(held, slack`:double_vertical_bar: *${finding.paused.note}*`, '[paused] ');
}

/** `message` with `note` right under its header and `brand` before its notification text. */
function noted(message: SlackMessage, note: SlackText, brand: string): SlackMessage {
  const [first, ...rest] = message.blocks;
  const noteBlock = section(note);
  // A digest may already fill Slack's 50 blocks: its last one gives way to the note.
  const blocks = first ? [first, noteBlock, ...rest] : [noteBlock];
  // Two escaped strings joined are still escaped: the brand is only re-stated.
  const text = `${render(slack`${brand}`)}${message.text}` as Escaped;
  return withinLimits({ text, blocks: blocks.slice(0, LIMITS.blocks) });
}

function messageOf(finding: Finding, options: FormatOptions): SlackMessage {
  const critical = finding.severity === 'critical';
  const digest = FINDING_LAYOUT[finding.kind] === 'digest' ? asDigest(finding.details?.digest) : undefined;
  if (digest)
    return digestBlocks(digest, { here: critical, ...(options.mention ? { mention: options.mention } : {}) });
  const region = finding.region ?? options.defaultRegion;
  const url = finding.resource ? resourceConsoleUrl(finding.resource, region) : undefined;
  const resourceLabel = finding.resource
    ? // As on-call knows it: `rds-postgres-sg (sg-0db…)`, the id alone when no name came with it.
      `${finding.resource.type} ${finding.resource.name ? `${finding.resource.name} (${finding.resource.id})` : finding.resource.id}`
    : undefined;
  const fields: SlackText[] = [];
  if (finding.actor) fields.push(field('Who', actorText(finding.actor)));
  if (resourceLabel) fields.push(field('Resource', url ? link(url, resourceLabel) : escaped(resourceLabel)));
  // A finding that needed no remediation may still have written (a recovery clears netwarden's heal
  // tags): the outcome must not say "no action" beside the write listed under what netwarden did.
  const outcome =
    finding.outcome === 'no-action' && finding.actions.length > 0
      ? 'no remediation needed; netwarden made only the writes listed below'
      : OUTCOME[finding.outcome];
  fields.push(field('Outcome', escaped(outcome)));
  if (finding.account || finding.region) {
    // With an organization, the policy's name first: on-call knows `gateway-prod`, not its 12 digits.
    const account =
      finding.accountName && finding.account
        ? `${finding.accountName} (${finding.account})`
        : finding.account;
    fields.push(field('Account / region', escaped([account, region].filter(Boolean).join(' · '))));
  }

  const blocks: Block[] = [
    header(
      finding.accountName
        ? slack`${SEVERITY_EMOJI[finding.severity]} ${finding.accountName}: ${headline(finding, options)}`
        : slack`${SEVERITY_EMOJI[finding.severity]} ${headline(finding, options)}`,
    ),
    section(slack`${hereIf(critical, options)}*What happened*\n${localTimes(whyOnce(finding), options)}`),
    fieldsSection(fields),
  ];
  if (finding.rules && finding.rules.length > 0) {
    const rules = finding.rules.map(
      (rule) => slack`• ${rule.summary}${rule.ruleId ? slack` (\`${rule.ruleId}\`)` : ''}`,
    );
    blocks.push(section(slack`*${finding.left ? 'Revoked' : 'Rules'}*\n${joinText(rules, '\n')}`));
  }
  if (finding.left && finding.left.length > 0) {
    // The event's other rules: on-call must not read a partly reverted event as wholly reverted.
    const left = finding.left.map(
      (rule) => slack`• ${rule.summary}${rule.ruleId ? slack` (\`${rule.ruleId}\`)` : ''}: ${rule.why}`,
    );
    blocks.push(section(slack`*Left as they are*\n${joinText(left, '\n')}`));
  }
  const did =
    finding.mode === 'report' || finding.outcome === 'would-act'
      ? 'What netwarden would do (report mode)'
      : 'What netwarden did';
  const actions =
    finding.actions.length > 0
      ? joinText(
          finding.actions.map((action) => slack`• \`${action}\``),
          '\n',
        )
      : slack`nothing`;
  blocks.push(section(slack`*${did}*\n${actions}`));
  const about = [
    finding.kind,
    `${finding.mode} mode`,
    timeText(finding.time, options),
    finding.eventId ? `event ${finding.eventId}` : undefined,
  ].filter((part): part is string => Boolean(part));
  blocks.push(context([escaped(about.join(' · '))]));
  return message(slack`${hereIf(critical, options)}${headline(finding, options)}`, blocks);
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
      slack`• message \`${id}\`${item.source ? slack` from ${item.source}` : ''}: ${item.reason}`,
  );
  const count = entries.length;
  const what = `notify-slack could not read ${count} message${count === 1 ? '' : 's'}`;
  return coloured(
    SEVERITY_COLOR.warning,
    message(slack`${what}`, [
      section(slack`:grey_question: *${what}* — not retried; the details are in its logs.`),
      ...packLines(lines, LIMITS.sectionText)
        .slice(0, LIMITS.blocks - 1)
        .map(section),
    ]),
  );
}
