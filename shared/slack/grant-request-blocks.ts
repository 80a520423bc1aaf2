/**
 * The channel message of a grant request asked for with `/netwarden grant` (shared/grants/approval.ts),
 * rebuilt from the record at every state change and put in place with chat.update, so the channel
 * always shows where the request stands. Approve and Deny only while it is pending. Pure.
 */
import type { GrantRequestRecord, RequestState } from '../grants/approval';
import { isoSeconds } from '../grants/tags';
import { formatDuration } from '../policy/duration';
import { summarise } from '../rules/rule';
import {
  type ActionButton,
  context,
  fieldsSection,
  header,
  message,
  mrkdwn,
  plainText,
  type SlackMessage,
  slack,
} from './blocks';
import { ACTION_PREFIX } from './interaction';

const SHOWN: Record<RequestState, string> = {
  pending: 'pending approval',
  approved: 'approved, granting',
  granted: 'granted',
  denied: 'denied',
  'timed-out': 'timed out',
  failed: 'failed',
  expired: 'expired',
};

const COLOR: Record<RequestState, string> = {
  pending: '#daa038',
  approved: '#2eb886',
  granted: '#2eb886',
  denied: '#a30200',
  'timed-out': '#a30200',
  failed: '#a30200',
  expired: '#868686',
};

export const stateText = (state: RequestState): string => SHOWN[state];

/** The buttons of a pending request: the request's id, never the payload's texts, is what is trusted. */
export function requestButtons(request: GrantRequestRecord): ActionButton[] {
  if (request.state !== 'pending') return [];
  return [
    {
      type: 'button',
      action_id: `${ACTION_PREFIX}approve`,
      text: { type: 'plain_text', text: 'Approve' },
      value: request.id,
      style: 'primary',
    },
    {
      type: 'button',
      action_id: `${ACTION_PREFIX}deny`,
      text: { type: 'plain_text', text: 'Deny' },
      value: request.id,
      style: 'danger',
    },
  ];
}

export function grantRequestMessage(request: GrantRequestRecord): SlackMessage {
  const access = summarise(request.access);
  const state = SHOWN[request.state];
  const answered = request.answeredBy
    ? `${request.answeredBy.name} (${request.answeredBy.slack})`
    : request.state === 'timed-out'
      ? 'nobody, within the approval timeout'
      : 'no approval needed';
  const fields = [
    slack`*Requested by*\n${request.requester.name} (${request.requester.slack})`,
    slack`*State*\n${state}`,
    slack`*Access*\n${access} on ${request.access.groupId}`,
    slack`*For*\n${formatDuration(request.ttlMs)}`,
    request.state === 'pending'
      ? slack`*Answer by*\n${isoSeconds(request.answerBy)}`
      : slack`*Answered by*\n${answered}`,
  ];
  const notes = [
    ...(request.expiresAt && (request.state === 'granted' || request.state === 'expired')
      ? [slack`Grant ${request.ruleId ?? '?'} until ${isoSeconds(request.expiresAt)}`]
      : []),
    ...(request.why ? [slack`${request.why}`] : []),
  ];
  const buttons = requestButtons(request);
  return {
    ...message(
      slack`Grant request ${state}: ${access} on ${request.access.groupId} for ${request.requester.name}`,
      [
        header(slack`Grant request ${state}: ${access} on ${request.access.groupId}`),
        fieldsSection(fields),
        // The requester's own words go as plain_text: *bold*, ~strike~, `code` or a <link> typed into
        // the reason show as typed and cannot dress it up as netwarden's own markup.
        {
          type: 'context' as const,
          elements: [mrkdwn(slack`*Reason*`), plainText(slack`${request.reason}`)],
        },
        ...(notes.length > 0 ? [context(notes)] : []),
        ...(buttons.length > 0 ? [{ type: 'actions' as const, elements: buttons }] : []),
      ],
    ),
    color: COLOR[request.state],
  };
}
