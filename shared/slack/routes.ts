/**
 * Routing in app mode: which channel a message goes to, and whom it mentions. Pure. The first route
 * whose `match` fits wins (the policy's last route matches everything: shared/policy/slack.ts); one
 * message, one channel, so a story has one thread. Every criterion given must hold; a criterion
 * the message has no value for (an alarm names no security group) does not hold.
 */
import type { AlarmNotice } from '../events/alarm';
import type { Finding } from '../findings/finding';
import type { SecurityGroupPolicy } from '../policy/schema';
import type { SlackPolicy, SlackRoute } from '../policy/slack';
import { CHANNEL, HERE, joinText, mentionOf, type SlackText, slack } from './blocks';

/** What routing reads of a message. */
export interface RouteSubject {
  /** A finding kind, or `alarm`. */
  readonly kind: string;
  readonly severity: Finding['severity'];
  readonly account?: string;
  /** The security group the message is about, if any. */
  readonly group?: string;
}

const ALARM_SEVERITY: Record<AlarmNotice['newState'], Finding['severity']> = {
  ALARM: 'critical',
  INSUFFICIENT_DATA: 'warning',
  OK: 'info',
};

export const findingSubject = (finding: Finding): RouteSubject => ({
  kind: finding.kind,
  severity: finding.severity,
  ...(finding.account ? { account: finding.account } : {}),
  ...(finding.resource?.type === 'security-group' ? { group: finding.resource.id } : {}),
});

export const alarmSubject = (alarm: Pick<AlarmNotice, 'newState' | 'account'>): RouteSubject => ({
  kind: 'alarm',
  severity: ALARM_SEVERITY[alarm.newState],
  account: alarm.account,
});

const kindMatches = (pattern: string, kind: string) =>
  pattern.endsWith('.*') ? kind.startsWith(pattern.slice(0, -1)) : pattern === kind;

export function routeMatches(route: SlackRoute, subject: RouteSubject): boolean {
  const match = route.match;
  if (!match) return true;
  if (match.kinds && !match.kinds.some((pattern) => kindMatches(pattern, subject.kind))) return false;
  if (match.severities && !match.severities.includes(subject.severity)) return false;
  if (match.accounts && !(subject.account && match.accounts.includes(subject.account))) return false;
  if (match.groups && !(subject.group && match.groups.includes(subject.group))) return false;
  return true;
}

/** The first route that fits; the policy's last route fits everything, so there always is one. */
export function chooseRoute(policy: SlackPolicy, subject: RouteSubject): SlackRoute {
  const route = policy.routes.find((candidate) => routeMatches(candidate, subject)) ?? policy.routes.at(-1);
  if (!route) throw new Error('the policy has no Slack route (its schema requires one)');
  return route;
}

/** The route's mention as Slack markup: ids from the policy in git, never from an event. */
export function mentionText(mention: SlackRoute['mention']): SlackText {
  if (mention === 'none') return slack``;
  if (mention === 'here') return HERE;
  if (mention === 'channel') return CHANNEL;
  return joinText(mention.map(mentionOf), ' ');
}

/**
 * Group names from the policy: a securityGroups entry that selects exactly one group, by id and by
 * nothing else, names that group (`rds-postgres-sg`). An entry selecting by tag or many ids names no one.
 */
export function groupNamesOf(sections: ReadonlyArray<SecurityGroupPolicy>): Record<string, string> {
  const names: Record<string, string> = {};
  for (const section of sections) {
    const { ids, ...others } = section.select;
    const only = ids?.length === 1 && Object.values(others).every((value) => value === undefined);
    if (only && ids[0] && !(ids[0] in names)) names[ids[0]] = section.name;
  }
  return names;
}
