/**
 * The SDK-free SecureString read: signed as the SDK signs (checked against @smithy/signature-v4 itself),
 * sent over HTTP to the simulated account's endpoint on 127.0.0.1, retried as the SDK's standard mode
 * retries, and failing with AWS's error code only.
 */
import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SecretUnavailable,
  secureStringOverHttp,
  signedHeaders,
  stringParameterOverHttp,
  useSsmWire,
} from '../../../shared/aws/secure-string';
import { postWebhook } from '../../../shared/slack/http-post';
import { type ServedSimulation, serveSimulation } from '../../../simulated-account/endpoint';
import { useSimulation } from '../../helpers/simulation';

const NAME = '/netwarden/test/slack-webhook-url';
const URL_VALUE = 'https://hooks.slack.com/services/T0NETWARDEN/B0ONCALL/xoxsecret';
const sim = useSimulation();

const bytes = (data: SourceData): string | Buffer =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** The SDK’s Checksum over node:crypto, for its signer. */
class Sha256 {
  readonly #hash;
  constructor(secret?: SourceData) {
    this.#hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData) {
    this.#hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.#hash.digest());
  }
}

describe('signedHeaders', () => {
  it('signs a GetParameter exactly as the SDK’s SigV4 signer does', async () => {
    const at = new Date('2026-12-02T14:20:39.123Z');
    const endpoint = new URL('https://ssm.ap-northeast-2.amazonaws.com/');
    const body = JSON.stringify({ Name: NAME, WithDecryption: true });
    const credentials = {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret/key+1',
      sessionToken: 'token==',
    };
    const headers = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParameter',
    };

    const ours = signedHeaders({
      endpoint,
      headers,
      body,
      region: 'ap-northeast-2',
      service: 'ssm',
      credentials,
      at,
    });
    const sdk = await new SignatureV4({
      credentials,
      region: 'ap-northeast-2',
      service: 'ssm',
      sha256: Sha256,
      applyChecksum: false,
    }).sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: endpoint.hostname,
        path: '/',
        query: {},
        headers: { ...headers, host: endpoint.host },
        body,
      },
      { signingDate: at },
    );

    expect(ours.authorization).toBe(sdk.headers.authorization);
    expect(ours['x-amz-date']).toBe('20261202T142039Z');
    expect(ours['x-amz-security-token']).toBe('token==');
  });
});

describe('secureStringOverHttp against the simulated account’s endpoint', () => {
  let endpoint: ServedSimulation;
  beforeEach(async () => {
    endpoint = await serveSimulation(sim.current);
    useSsmWire({
      post: postWebhook,
      env: {
        AWS_REGION: 'ap-northeast-2',
        AWS_ACCESS_KEY_ID: 'ASIASIMULATEDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'simulated',
        AWS_SESSION_TOKEN: 'simulated',
        AWS_ENDPOINT_URL: endpoint.url,
      },
      sleep: async () => {},
    });
  });
  afterEach(async () => {
    useSsmWire(undefined);
    await endpoint.close();
  });
  const ssmCalls = () => sim.current.account.calls.filter((call) => call.service === 'SSM');

  it('reads the SecureString with decryption, once per TTL', async () => {
    sim.current.ssm.put(NAME, URL_VALUE);
    const read = secureStringOverHttp(NAME, { ttlMs: 300_000, now: () => new Date(0) });

    expect((await read()).reveal()).toBe(URL_VALUE);
    await read();

    expect(ssmCalls().map((call) => [call.command, call.input])).toEqual([
      ['GetParameter', { Name: NAME, WithDecryption: true }],
    ]);
  });

  it('names the parameter and AWS’s error code when it is missing, without retrying', async () => {
    const error = await secureStringOverHttp(NAME)().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretUnavailable);
    expect((error as Error).message).toBe(`could not read SSM parameter ${NAME}: ParameterNotFound`);
    expect(ssmCalls()).toHaveLength(1);
  });

  it('retries throttling, a server error and a dropped connection, then reads it', async () => {
    sim.current.ssm.put(NAME, URL_VALUE);
    sim.current.account.failNext({ operation: 'GetParameter', fault: 'throttle' });
    sim.current.account.failNext({ operation: 'GetParameter', fault: 'server-error' });
    sim.current.account.failNext({ operation: 'GetParameter', fault: 'drop' });

    expect((await secureStringOverHttp(NAME)()).reveal()).toBe(URL_VALUE);
    expect(ssmCalls().filter((call) => call.command === 'GetParameter').length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a plain String parameter and never shows the value', async () => {
    sim.current.ssm.put(NAME, URL_VALUE, 'String');
    const error = await secureStringOverHttp(NAME)().catch((e: unknown) => e);
    expect((error as Error).message).toBe(`SSM parameter ${NAME} is a String, expected a SecureString`);
    expect(JSON.stringify(error)).not.toContain('xoxsecret');
    expect(inspect(error)).not.toContain('xoxsecret');
  });

  it('reads a plain String parameter (the kill switch) without asking for decryption', async () => {
    sim.current.ssm.put('/netwarden/prod/paused', 'true', 'String');

    expect(await stringParameterOverHttp('/netwarden/prod/paused')).toBe('true');
    expect(ssmCalls().map((call) => [call.command, call.input])).toEqual([
      ['GetParameter', { Name: '/netwarden/prod/paused' }],
    ]);
  });

  it('answers undefined for a String parameter that does not exist, and throws any other error by its code', async () => {
    expect(await stringParameterOverHttp('/netwarden/prod/paused')).toBeUndefined();

    sim.current.account.failNext({
      operation: 'GetParameter',
      fault: { code: 'AccessDeniedException', message: 'not authorized', status: 400 },
    });
    const error = await stringParameterOverHttp('/netwarden/prod/paused').catch((e: unknown) => e);
    expect((error as Error).name).toBe('AccessDeniedException');
  });
});
