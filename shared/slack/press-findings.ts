/**
 * The findings of the interaction function (docs/findings.md): `slack.pressed` for a press a listed
 * person made and netwarden carried out, `slack.refused` for one it refused (someone the policy does
 * not list, an action the person may not do, or what the press asked for breaks the policy). Each names
 * who pressed, by the person's name in the policy and the Slack user id Slack signed for. Pure.
 */
import type { Finding } from '../findings/finding';
import type { Mode } from '../policy/schema';
import type { Press } from './interaction';

export interface Presser {
  /** The person's name in the policy; absent for someone the policy does not list. */
  readonly name?: string;
  readonly userId: string;
}

export const presserText = (who: Presser): string =>
  who.name ? `${who.name} (Slack ${who.userId})` : `Slack user ${who.userId}, whom the policy does not list`;

const actor = (who: Presser) => ({ display: presserText(who), viaConsole: false });

const BUTTON: Record<Press['pressed']['action'], string> = {
  undo: 'Undo',
  extend: 'Extend 1h',
  revoke: 'Revoke now',
  approve: 'Approve',
  deny: 'Deny',
};

/** What a press was about, once netwarden looked it up: the group and rule, the revert's event. */
export interface PressSubject {
  readonly groupId?: string;
  readonly rule?: { readonly summary: string; readonly ruleId?: string };
  /** The CloudTrail event id of the revert an Undo is about (its story: shared/slack/stories.ts). */
  readonly revertEventId?: string;
}

export function pressedFinding(
  press: Press,
  who: Presser,
  done: { subject: PressSubject; did: string; actions: string[]; mode: Mode; now: Date; account?: string },
): Finding<'slack.pressed'> {
  const { subject } = done;
  return {
    kind: 'slack.pressed',
    severity: 'info',
    // Who pressed is the finding's actor, said once in the message (Who); the title and why do not repeat it.
    title: `${BUTTON[press.pressed.action]} pressed in Slack: ${done.did}`,
    mode: done.mode,
    outcome: 'acted',
    time: done.now.toISOString(),
    ...(done.account ? { account: done.account } : {}),
    ...(subject.revertEventId ? { eventId: subject.revertEventId } : {}),
    actor: actor(who),
    ...(subject.groupId ? { resource: { type: 'security-group', id: subject.groupId } } : {}),
    ...(subject.rule ? { rules: [subject.rule] } : {}),
    why: `the request was signed by Slack, and the policy's people allow this person to press ${BUTTON[press.pressed.action]}`,
    actions: done.actions,
    details: {
      action: press.pressed.action,
      person: who.name,
      slackUserId: who.userId,
      channel: press.channel,
      messageTs: press.messageTs,
    },
  };
}

export function refusedFinding(
  press: Press,
  who: Presser,
  refused: { why: string; subject?: PressSubject; mode: Mode; now: Date; account?: string },
): Finding<'slack.refused'> {
  const subject = refused.subject ?? {};
  return {
    kind: 'slack.refused',
    severity: who.name ? 'info' : 'warning',
    title: `${BUTTON[press.pressed.action]} pressed in Slack was refused: ${refused.why}`,
    mode: refused.mode,
    outcome: 'no-action',
    time: refused.now.toISOString(),
    ...(refused.account ? { account: refused.account } : {}),
    ...(subject.revertEventId ? { eventId: subject.revertEventId } : {}),
    actor: actor(who),
    ...(subject.groupId ? { resource: { type: 'security-group', id: subject.groupId } } : {}),
    ...(subject.rule ? { rules: [subject.rule] } : {}),
    why: refused.why,
    actions: [],
    details: {
      action: press.pressed.action,
      ...(who.name ? { person: who.name } : {}),
      slackUserId: who.userId,
      channel: press.channel,
      messageTs: press.messageTs,
    },
  };
}
