/** Slack's v0 signature, checked on the raw bytes: Slack's documented example, replays, and alterations. */
import { describe, expect, it } from 'vitest';
import { precheck, rawBodyOf, sign, verifySignature } from '../../../shared/slack/signature';

// The example of https://api.slack.com/authentication/verifying-requests-from-slack.
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const SLACK_TIMESTAMP = '1531420618';
const SLACK_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SLACK_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const at = (seconds: number) => new Date(seconds * 1000);

describe('verifySignature', () => {
  it("computes Slack's documented example signature", () => {
    expect(sign(SLACK_SECRET, SLACK_TIMESTAMP, SLACK_BODY)).toBe(SLACK_SIGNATURE);
  });

  it('accepts the example within 5 minutes of its timestamp, either way', () => {
    const request = {
      headers: { 'X-Slack-Request-Timestamp': SLACK_TIMESTAMP, 'X-Slack-Signature': SLACK_SIGNATURE },
      rawBody: Buffer.from(SLACK_BODY),
    };
    expect(verifySignature(request, SLACK_SECRET, at(1531420618 + 300))).toEqual({ ok: true });
    expect(verifySignature(request, SLACK_SECRET, at(1531420618 - 300))).toEqual({ ok: true });
  });

  it('refuses a replay older than 5 minutes, a wrong secret, an altered body or a missing header', () => {
    const headers = { 'x-slack-request-timestamp': SLACK_TIMESTAMP, 'x-slack-signature': SLACK_SIGNATURE };
    const now = at(1531420618);
    expect(
      verifySignature({ headers, rawBody: Buffer.from(SLACK_BODY) }, SLACK_SECRET, at(1531420618 + 301)),
    ).toEqual({
      ok: false,
      reason: 'request timestamp is 301 s away from now (at most 300 s): a replay or a wrong clock',
    });
    expect(verifySignature({ headers, rawBody: Buffer.from(SLACK_BODY) }, 'another-secret', now)).toEqual({
      ok: false,
      reason: 'X-Slack-Signature does not match the body',
    });
    expect(
      verifySignature(
        { headers, rawBody: Buffer.from(SLACK_BODY.replace('roadrunner', 'coyote')) },
        SLACK_SECRET,
        now,
      ),
    ).toMatchObject({ ok: false, reason: 'X-Slack-Signature does not match the body' });
    expect(
      verifySignature(
        { headers: { 'x-slack-signature': SLACK_SIGNATURE }, rawBody: Buffer.from(SLACK_BODY) },
        SLACK_SECRET,
        now,
      ),
    ).toEqual({ ok: false, reason: 'missing X-Slack-Request-Timestamp or X-Slack-Signature' });
    expect(
      verifySignature(
        { headers: { ...headers, 'x-slack-signature': 'v1=abc' }, rawBody: Buffer.from(SLACK_BODY) },
        SLACK_SECRET,
        now,
      ),
    ).toEqual({ ok: false, reason: 'X-Slack-Signature is not a v0 signature' });
  });

  it('prechecks the headers and the window without the secret', () => {
    expect(
      precheck({ 'x-slack-request-timestamp': 'soon', 'x-slack-signature': SLACK_SIGNATURE }, at(0)),
    ).toEqual({
      ok: false,
      reason: 'X-Slack-Request-Timestamp is not a Unix time',
    });
  });

  it('verifies the decoded bytes of a base64-encoded body', () => {
    const event = { body: Buffer.from(SLACK_BODY).toString('base64'), isBase64Encoded: true };
    expect(rawBodyOf(event).toString('utf8')).toBe(SLACK_BODY);
    expect(
      verifySignature(
        {
          headers: { 'x-slack-request-timestamp': SLACK_TIMESTAMP, 'x-slack-signature': SLACK_SIGNATURE },
          rawBody: rawBodyOf(event),
        },
        SLACK_SECRET,
        at(1531420618),
      ),
    ).toEqual({ ok: true });
  });
});
