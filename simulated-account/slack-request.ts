/**
 * A button press as Slack delivers it to the interaction function's Function URL (payload 2.0, auth
 * NONE): the form body `payload=<json>`, signed v0 (HMAC-SHA256) with a signing secret at a timestamp,
 * exactly as Slack signs it (shared/slack/signature.ts `sign`). Signed with another secret, it is a
 * forgery the function must refuse. For the demo and the tests: nothing here is trusted by netwarden.
 */
import { sign } from '../shared/slack/signature';
import { ACCOUNT_ID } from './identities';

/** The block_actions payload of one button press on a message. */
export interface ButtonPress {
  /** The Slack user id Slack vouches for. */
  readonly userId: string;
  readonly channel: string;
  /** The message the button is on. */
  readonly messageTs: string;
  readonly actionId: string;
  readonly value: string;
}

export function blockActionsPayload(press: ButtonPress): string {
  return JSON.stringify({
    type: 'block_actions',
    user: { id: press.userId },
    channel: { id: press.channel },
    container: { type: 'message', message_ts: press.messageTs, channel_id: press.channel },
    message: { ts: press.messageTs },
    actions: [{ type: 'button', action_id: press.actionId, value: press.value }],
  });
}

/**
 * The Function URL request carrying the form `body` (a button's `payload=<json>`, or a slash command's
 * fields), signed with `secret` at `timestamp` (Unix seconds).
 */
export function signedSlackForm(body: string, secret: string, timestamp: string) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': sign(secret, timestamp, body),
    },
    requestContext: { accountId: ACCOUNT_ID, http: { method: 'POST', path: '/' } },
    body,
    isBase64Encoded: false,
  };
}

/** The Function URL request carrying a button press's `payloadJson`, signed with `secret` at `timestamp`. */
export const signedSlackRequest = (payloadJson: string, secret: string, timestamp: string) =>
  signedSlackForm(`payload=${encodeURIComponent(payloadJson)}`, secret, timestamp);
