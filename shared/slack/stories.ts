/**
 * Stories (shared/slack/app.ts): which story a message belongs to, whether it opens, continues or ends
 * it, and the colour and "where it stands" line of app mode. Pure.
 *
 * A story key is made only of ids that AWS or netwarden vouched for, never of text anyone in the
 * account writes (a tag, a description, a grant's reason or owner): otherwise whoever writes that text
 * could thread their message under another story, or update its first message.
 * - an alarm: its ARN (AWS's; account, region and name are unique together);
 * - a grant: the group id and the granted rule as netwarden summarised it from its validated record
 *   (the state table keys a grant by the same access, so two grants of one access are one story);
 * - healing: the target group's ARN;
 * - a revert: the CloudTrail event id (AWS's) of the change netwarden reverted; its Undo press and a
 *   `netwarden undo` of it (`safety.undone`, whose event id and reversed kind come from the journal)
 *   continue it.
 */
import type { AlarmNotice } from '../events/alarm';
import type { Finding } from '../findings/finding';

export type StoryStep = 'opens' | 'continues' | 'ends';

export interface StoryPlace {
  readonly key: string;
  readonly step: StoryStep;
  /** Where the story stands after this message, for its first message: `OK (was ALARM)`, `expired`. */
  readonly stands: string;
}

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const TARGET_GROUP_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[\w-]+\/[0-9a-f]+$/;
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/;

const GRANT_STEPS: Partial<Record<Finding['kind'], [StoryStep, string]>> = {
  'grant.created': ['opens', 'granted'],
  'grant.extended': ['continues', 'extended'],
  'grant.expiring': ['continues', 'expiring soon'],
  'grant.expired': ['ends', 'expired (access closed)'],
  'grant.revoked': ['ends', 'revoked (access closed)'],
  'grant.gone': ['ends', 'gone (the rule was removed by hand)'],
};

const TARGET_STEPS: Partial<Record<Finding['kind'], [StoryStep, string]>> = {
  'targets.healing': ['opens', 'healing'],
  'targets.waiting': ['continues', 'waiting for targets to pass health checks'],
  'targets.human-needed': ['continues', 'needs a person'],
  'targets.systemic': ['continues', 'systemic: needs a person'],
  'targets.recovered': ['ends', 'recovered'],
};

/** Where a story stands once `netwarden undo` reversed its write (shared/safety/undo.ts). */
const UNDONE: Record<Finding['outcome'], string> = {
  acted: 'undone (netwarden undo)',
  'already-done': 'already as before (netwarden undo)',
  'would-act': 'would be undone (dry run)',
  'no-action': 'undo did nothing',
  failed: 'undo failed: needs a person',
};

/** The story of a finding, if it has one. */
export function findingStory(finding: Finding): StoryPlace | undefined {
  const resource = finding.resource;
  const grant = GRANT_STEPS[finding.kind];
  if (grant && resource?.type === 'security-group' && GROUP_ID.test(resource.id)) {
    const rule = finding.rules?.[0]?.summary;
    if (!rule) return undefined;
    const [step, stands] = grant;
    return { key: `grant#${resource.id}#${rule}`, step, stands };
  }
  const target = TARGET_STEPS[finding.kind];
  if (target && resource?.type === 'target-group' && TARGET_GROUP_ARN.test(resource.id)) {
    const [step, stands] = target;
    return { key: `targets#${resource.id}`, step, stands };
  }
  // A press in Slack continues the story of what it was about, once netwarden looked that up: the
  // grant (its group and rule, from the record) or the revert (its CloudTrail event id, from the journal).
  if (finding.kind === 'slack.pressed') {
    const rule = finding.rules?.[0]?.summary;
    const stands = `${String(finding.details?.action ?? 'pressed')} by ${finding.actor?.display ?? 'someone'}`;
    if (finding.details?.action === 'undo' && finding.eventId)
      return { key: `revert#${finding.eventId}`, step: 'continues', stands };
    if (resource?.type === 'security-group' && GROUP_ID.test(resource.id) && rule)
      return { key: `grant#${resource.id}#${rule}`, step: 'continues', stands };
    return undefined;
  }
  // `netwarden undo` reverses a journaled write: its reversal continues the story of the finding that
  // reported the write, as the journal recorded it (its kind and event id; the group or target group).
  if (finding.kind === 'safety.undone') {
    const reversed = finding.details?.reversedKind;
    const stands = UNDONE[finding.outcome];
    if (typeof reversed !== 'string') return undefined;
    if (reversed.startsWith('sg.') && finding.eventId && resource?.type === 'security-group')
      return { key: `revert#${finding.eventId}`, step: 'continues', stands };
    if (
      reversed.startsWith('targets.') &&
      resource?.type === 'target-group' &&
      TARGET_GROUP_ARN.test(resource.id)
    )
      return { key: `targets#${resource.id}`, step: 'continues', stands };
    return undefined;
  }
  // A revert opens the story its undo (the interaction function's finding, same event id) continues.
  if (finding.kind.startsWith('sg.') && finding.eventId && finding.outcome === 'acted')
    return { key: `revert#${finding.eventId}`, step: 'opens', stands: 'reverted' };
  return undefined;
}

/** The story of an alarm: ALARM opens it, OK ends it. Without an ARN AWS gave, no story. */
export function alarmStory(alarm: AlarmNotice): StoryPlace | undefined {
  if (!alarm.arn || !ALARM_ARN.test(alarm.arn)) return undefined;
  const step: StoryStep =
    alarm.newState === 'ALARM' ? 'opens' : alarm.newState === 'OK' ? 'ends' : 'continues';
  return { key: `alarm#${alarm.arn}`, step, stands: `${alarm.newState} (was ${alarm.oldState ?? '?'})` };
}

/** The colour bar of app mode: red for what wakes someone, amber for a warning, green for good news. */
export const SEVERITY_COLOR: Record<Finding['severity'], string> = {
  critical: '#e01e5a',
  warning: '#ecb22e',
  info: '#2eb67d',
};

export const ALARM_COLOR: Record<AlarmNotice['newState'], string> = {
  ALARM: '#e01e5a',
  INSUFFICIENT_DATA: '#9e9e9e',
  OK: '#2eb67d',
};
