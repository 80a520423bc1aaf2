/**
 * Slack's request signature (https://api.slack.com/authentication/verifying-requests-from-slack), the
 * only authentication of the interaction function: its Function URL has no IAM auth, because Slack
 * cannot sign with SigV4. Slack computes `v0=` + hex(HMAC-SHA256(signing secret,
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`)) and sends it as `X-Slack-Signature`.
 *
 * A valid signature proves the bytes came from Slack (or someone holding the signing secret) at that
 * timestamp, unchanged; the 5-minute window bounds how long a captured request can be replayed. It
 * proves nothing about the payload's contents beyond that: the user id is Slack's word, and a value
 * in a button is whatever netwarden put there, looked up again before use. Pure: the secret and the
 * clock are given.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's window: a request older (or newer) than this is a replay, whatever its signature. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Header names are case-insensitive; the Function URL delivers them lower-cased, but nothing relies on it. */
export function header(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * What can be refused before the signing secret is read: both headers present and well-formed, and
 * the timestamp inside the window. A request failing this reads nothing at all.
 */
export function precheck(
  headers: Readonly<Record<string, string | undefined>>,
  now: Date,
): SignatureCheck & { timestamp?: string; signature?: string } {
  const timestamp = header(headers, 'x-slack-request-timestamp');
  const signature = header(headers, 'x-slack-signature');
  if (!timestamp || !signature)
    return { ok: false, reason: 'missing X-Slack-Request-Timestamp or X-Slack-Signature' };
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'X-Slack-Request-Timestamp is not a Unix time' };
  if (!/^v0=[0-9a-f]{64}$/.test(signature))
    return { ok: false, reason: 'X-Slack-Signature is not a v0 signature' };
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
  if (skew > MAX_SKEW_SECONDS)
    return {
      ok: false,
      reason: `request timestamp is ${skew} s away from now (at most ${MAX_SKEW_SECONDS} s): a replay or a wrong clock`,
    };
  return { ok: true, timestamp, signature };
}

/** The v0 signature of `body` at `timestamp`, as Slack computes it. */
export function sign(secret: string, timestamp: string, body: Buffer | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * The whole check on the raw bytes as received (decoded from base64 when the Function URL encoded
 * them, never re-serialised): headers, window, then a constant-time comparison of the signatures.
 */
export function verifySignature(
  request: { headers: Readonly<Record<string, string | undefined>>; rawBody: Buffer },
  secret: string,
  now: Date,
): SignatureCheck {
  const pre = precheck(request.headers, now);
  if (!pre.ok || !pre.timestamp || !pre.signature)
    return pre.ok ? { ok: false, reason: 'unreadable headers' } : pre;
  const expected = Buffer.from(sign(secret, pre.timestamp, request.rawBody), 'utf8');
  const given = Buffer.from(pre.signature, 'utf8');
  // Same length by the format check above; timingSafeEqual throws otherwise, so check anyway.
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'X-Slack-Signature does not match the body' };
  return { ok: true };
}

/** The raw body bytes of a Function URL event: base64-decoded when AWS encoded them. */
export function rawBodyOf(event: {
  body?: string | undefined;
  isBase64Encoded?: boolean | undefined;
}): Buffer {
  if (event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}
