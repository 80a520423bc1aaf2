/**
 * Slack's interaction payloads, as the interaction function reads them once their signature is
 * verified (signature.ts), and the buttons netwarden puts on its messages. Pure.
 *
 * A button carries an opaque reference only: the CloudTrail event id of a revert (Undo) or the rule id
 * of a grant (Extend, Revoke). Everything the press acts on is looked up again in netwarden's state
 * table; nothing else in the payload (texts, the message it came with) is trusted.
 */
import * as z from 'zod';
import type { Finding } from '../findings/finding';
import type { SlackAction } from '../policy/people';
import type { ActionButton } from './blocks';

/** The action ids of netwarden's buttons: `netwarden:<action>`. */
export const ACTION_PREFIX = 'netwarden:';

const EVENT_ID = /^[0-9a-fA-F-]{8,64}$/;
const RULE_ID = /^sgr-[0-9a-f]{8,17}$/;
/** A grant request's id (shared/grants/approval.ts): a UUID netwarden made. */
const REQUEST_ID = /^[0-9a-f-]{36}$/;

/** What a press names: the action and the reference it carries, checked in shape before any lookup. */
export type Pressed =
  | { readonly action: 'undo'; readonly eventId: string }
  | { readonly action: 'extend' | 'revoke'; readonly ruleId: string }
  | { readonly action: 'approve' | 'deny'; readonly requestId: string };

const Interaction = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]{2,}$/) }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z.object({ message_ts: z.string().optional(), channel_id: z.string().optional() }).optional(),
  message: z.object({ ts: z.string() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

export interface Press {
  /** The Slack user id Slack vouched for (the signed request). */
  readonly userId: string;
  /** The channel and message the button was on: where the press is answered. */
  readonly channel: string;
  readonly messageTs: string;
  readonly pressed: Pressed;
}

export type ReadInteraction = { ok: true; press: Press } | { ok: false; reason: string };

/** A reference's shape decides nothing but whether to look it up: it keeps junk out of the table's keys. */
export function pressedOf(actionId: string, value: string | undefined): Pressed | undefined {
  const action = actionId.startsWith(ACTION_PREFIX) ? actionId.slice(ACTION_PREFIX.length) : '';
  if (action === 'undo' && value && EVENT_ID.test(value)) return { action, eventId: value };
  if ((action === 'extend' || action === 'revoke') && value && RULE_ID.test(value))
    return { action, ruleId: value };
  if ((action === 'approve' || action === 'deny') && value && REQUEST_ID.test(value))
    return { action, requestId: value };
  return undefined;
}

/** The verified form body (`payload=<json>`) → the press, or why it is none. */
export function readInteraction(form: URLSearchParams): ReadInteraction {
  const payload = form.get('payload');
  if (payload === null) return { ok: false, reason: 'no payload field: not an interaction' };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  const parsed = Interaction.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'not a block_actions interaction netwarden reads' };
  const { user, channel, container, message, actions } = parsed.data;
  const [first] = actions;
  const channelId = container?.channel_id ?? channel?.id;
  const messageTs = container?.message_ts ?? message?.ts;
  const pressed = first ? pressedOf(first.action_id, first.value) : undefined;
  if (!pressed) return { ok: false, reason: `action ${first?.action_id ?? '?'} is not a netwarden button` };
  if (!channelId || !messageTs) return { ok: false, reason: 'the press names no message' };
  return { ok: true, press: { userId: user.id, channel: channelId, messageTs, pressed } };
}

/**
 * The key of one press in the state table: the message and the button. A double press, Slack's retry
 * of the same delivery and two people pressing at once all have the same key, so one conditional put
 * lets exactly one of them act.
 */
export const pressKey = (press: Press): string =>
  `${press.channel}#${press.messageTs}#${press.pressed.action}#${reference(press.pressed)}`;

export function reference(pressed: Pressed): string {
  if (pressed.action === 'undo') return pressed.eventId;
  return 'requestId' in pressed ? pressed.requestId : pressed.ruleId;
}

/** What the policy's people must list (`may`) for a press: Approve and Deny both need `approve`. */
export const permissionOf = (pressed: Pressed): SlackAction =>
  pressed.action === 'deny' ? 'approve' : pressed.action;

/** Who did a press first, as the state table keeps it. */
export interface PressClaim {
  readonly person: string;
  readonly userId: string;
  readonly at: string;
}

/** The presses in the state table: one conditional write per press key. */
export interface PressLedger {
  /** true when this press is the first; otherwise who was first. */
  claim(key: string, by: PressClaim): Promise<true | PressClaim>;
  /** Forgets a press whose action failed on a transient error, so a new press can act. */
  release(key: string): Promise<void>;
}

type Button = ActionButton;

const button = (action: SlackAction, text: string, value: string, style?: Button['style']): Button => ({
  type: 'button',
  action_id: `${ACTION_PREFIX}${action}`,
  text: { type: 'plain_text', text },
  value,
  ...(style ? { style } : {}),
});

/**
 * The buttons of a finding's message in app mode: Undo on a revert netwarden made (its CloudTrail
 * event id), Extend 1h and Revoke now on a live grant (its rule id). Anything else has none.
 */
export function buttonsFor(finding: Finding): ActionButton[] {
  if (finding.mode !== 'enforce' || finding.outcome !== 'acted') return [];
  const ruleId = finding.rules?.[0]?.ruleId;
  if (
    (finding.kind === 'grant.created' || finding.kind === 'grant.extended') &&
    ruleId &&
    RULE_ID.test(ruleId)
  )
    return [
      button('extend', 'Extend 1h', ruleId, 'primary'),
      button('revoke', 'Revoke now', ruleId, 'danger'),
    ];
  const revoked = finding.actions.some((action) => action.startsWith('RevokeSecurityGroup'));
  if (finding.kind.startsWith('sg.') && revoked && finding.eventId && EVENT_ID.test(finding.eventId))
    return [button('undo', 'Undo (as a grant)', finding.eventId)];
  return [];
}
