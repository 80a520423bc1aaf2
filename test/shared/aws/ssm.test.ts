import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret, SecretUnavailable, secureStringOverHttp } from '../../../shared/aws/secure-string';
import { useSimulation } from '../../helpers/simulation';

const NAME = '/netwarden/test/slack-webhook-url';
const URL = 'https://hooks.slack.com/services/T0NETWARDEN/B0ONCALL/xoxsecret';
const sim = useSimulation();

function clock() {
  let now = 0;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}
const ssmCalls = () => sim.current.account.calls.filter((call) => call.service === 'SSM');

// The cache and checks of every function's secret reader (secure-string.ts), through the simulated
// account's in-process connection (the signed call as it goes on the network).
describe('secureStringOverHttp', () => {
  it('reads the SecureString with decryption', async () => {
    sim.current.ssm.put(NAME, URL);
    const read = secureStringOverHttp(NAME);

    const secret = await read();

    expect(secret.reveal()).toBe(URL);
    expect(ssmCalls().map((call) => call.input)).toEqual([{ Name: NAME, WithDecryption: true }]);
  });

  it('reads once per TTL across calls (warm invocations), then again after it expires', async () => {
    sim.current.ssm.put(NAME, URL);
    const time = clock();
    const read = secureStringOverHttp(NAME, { ttlMs: 300_000, now: time.now });

    await Promise.all([read(), read()]);
    time.advance(299_999);
    await read();
    expect(ssmCalls()).toHaveLength(1);

    sim.current.ssm.put(NAME, `${URL}-rotated`);
    time.advance(1);
    expect((await read()).reveal()).toBe(`${URL}-rotated`);
    expect(ssmCalls()).toHaveLength(2);
  });

  it('names the parameter and AWS’s error code when it is missing, and does not cache the failure', async () => {
    const read = secureStringOverHttp(NAME);

    const error = await read().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretUnavailable);
    expect((error as Error).message).toBe(`could not read SSM parameter ${NAME}: ParameterNotFound`);
    sim.current.ssm.put(NAME, URL);
    expect((await read()).reveal()).toBe(URL);
  });

  it('refuses a plain String parameter: the webhook must be a SecureString', async () => {
    sim.current.ssm.put(NAME, URL, 'String');
    const error = await secureStringOverHttp(NAME)().catch((e: unknown) => e);
    expect((error as Error).message).toBe(`SSM parameter ${NAME} is a String, expected a SecureString`);
    expect(JSON.stringify(error)).not.toContain('xoxsecret');
    expect(inspect(error)).not.toContain('xoxsecret');
  });
});

it('a Secret prints as [redacted] in strings, JSON and inspection', () => {
  const secret = new Secret(URL);
  expect(`${secret}`).toBe('[redacted]');
  expect(JSON.stringify({ webhook: secret })).toBe('{"webhook":"[redacted]"}');
  expect(inspect({ webhook: secret })).not.toContain('xoxsecret');
});
