/**
 * The simulated account: an in-memory AWS account that the real SDK v3 clients talk to over the AWS
 * wire protocols, in-process (through the clients' request handler) or over HTTP on 127.0.0.1
 * (endpoint.ts). It serves `npm start`, the CLI's --simulated mode, the sandbox and the tests. Each
 * service lives in its own module that registers operations here; every call is recorded as it
 * arrived on the wire, and every security-group write is also emitted as the CloudTrail event AWS
 * would send.
 */
import { randomUUID } from 'node:crypto';
import type { Tag } from '@aws-sdk/client-ec2';
import { ACCOUNT_ID, type Identity, netwardenRole } from './identities';
import { connect, disconnect, patch } from './wire/in-process';
import { type FaultRule, WireRouter } from './wire/router';
import type { AnyClientClass, AnyCommandClass } from './wire/schema';

export interface CallRecord {
  readonly service: string;
  readonly command: string;
  readonly input: unknown;
  readonly write: boolean;
  readonly error?: string;
}

export type CloudTrailEvent = {
  version: '0';
  id: string;
  'detail-type': 'AWS API Call via CloudTrail';
  source: string;
  account: string;
  time: string;
  region: string;
  resources: [];
  detail: Record<string, unknown>;
};

const READ_PREFIXES = ['Describe', 'Get', 'List', 'Lookup'];

/** A clock the test or demo moves by hand: nothing in the simulation reads the real time. */
export class SimulatedClock {
  private current: number;
  constructor(start = '2026-11-23T00:00:00Z') {
    this.current = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
  set(iso: string): void {
    this.current = Date.parse(iso);
  }
}

export class SimulatedAccount {
  readonly region = 'ap-northeast-2';
  readonly clock = new SimulatedClock();
  readonly calls: CallRecord[] = [];
  readonly trail: CloudTrailEvent[] = [];
  /** Resources that CreateTags/DeleteTags can reach, by id prefix (sg-, sgr-, i-, …). */
  readonly taggables = new Map<string, (id: string) => Tag[] | undefined>();
  private identity: Identity = netwardenRole('revert-sg-drift');
  private counter = 0;
  /** Answers the wire: the in-process request handler and the HTTP endpoint both go through it. */
  readonly router = new WireRouter((call) => {
    const write = !READ_PREFIXES.some((prefix) => call.command.startsWith(prefix));
    this.calls.push({ ...call, write });
  });
  private readonly clients = new Set<AnyClientClass>();

  /** `accountId`: another account of a simulated organisation (organization.ts); the seed's by default. */
  constructor(readonly accountId: string = ACCOUNT_ID) {
    connect(this.router);
  }

  /** Who is calling now: the principal the next call's CloudTrail event names (STS GetCallerIdentity and trust checks, SSM's LastModifiedUser read it); netwarden's role unless `as`. */
  get caller(): Identity {
    return this.identity;
  }

  /** Makes `identity` the caller of every call from now on, as a function's execution role is for its invocation. */
  actAs(identity: Identity): void {
    this.identity = identity;
  }

  /** Deterministic AWS-looking ids: `sgr-` followed by 17 hex digits. */
  newId(prefix: string, digits = 17): string {
    this.counter += 1;
    return `${prefix}-${(0xa0000 + this.counter).toString(16).padStart(digits, '0')}`;
  }

  /** Simulates an operation: `run` gets the input as read from the wire and returns the output to write. */
  handle<I, O>(client: AnyClientClass, command: AnyCommandClass, run: (input: I) => O | Promise<O>): void {
    this.router.register(client, command, run as (input: never) => unknown);
    if (!this.clients.has(client)) {
      this.clients.add(client);
      patch(client);
    }
  }

  /** Makes the next call(s) of an operation fail: throttled, a 5xx, a dropped connection or any error. */
  failNext(rule: FaultRule): void {
    this.router.failNext(rule);
  }

  /** Runs `act` as another principal; returns the CloudTrail events it produced. */
  async as<T>(
    identity: Identity,
    act: () => Promise<T>,
  ): Promise<{ result?: T; error?: Error; events: CloudTrailEvent[] }> {
    const previous = this.identity;
    const before = this.trail.length;
    this.identity = identity;
    try {
      const result = await act();
      return { result, events: this.trail.slice(before) };
    } catch (error) {
      return { error: error as Error, events: this.trail.slice(before) };
    } finally {
      this.identity = previous;
    }
  }

  /** Records the CloudTrail event of a write call, as EventBridge would deliver it. */
  emit(
    eventName: string,
    requestParameters: Record<string, unknown>,
    outcome: { responseElements: Record<string, unknown> } | { errorCode: string; errorMessage: string },
    eventSource = 'ec2.amazonaws.com',
  ): CloudTrailEvent {
    const time = this.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const requestId = randomUUID();
    const failed = 'errorCode' in outcome;
    const event: CloudTrailEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'AWS API Call via CloudTrail',
      source: `aws.${eventSource.split('.')[0]}`,
      account: this.accountId,
      time,
      region: this.region,
      resources: [],
      detail: {
        eventVersion: '1.10',
        userIdentity: this.identity.userIdentity,
        eventTime: time,
        eventSource,
        eventName,
        awsRegion: this.region,
        sourceIPAddress: this.identity.sourceIPAddress,
        userAgent: this.identity.userAgent,
        ...(failed ? { errorCode: `Client.${outcome.errorCode}`, errorMessage: outcome.errorMessage } : {}),
        requestParameters,
        responseElements: failed ? null : { requestId, ...outcome.responseElements },
        requestID: requestId,
        eventID: randomUUID(),
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: this.accountId,
        eventCategory: 'Management',
        tlsDetails: {
          tlsVersion: 'TLSv1.3',
          cipherSuite: 'TLS_AES_128_GCM_SHA256',
          clientProvidedHostHeader: `ec2.${this.region}.amazonaws.com`,
        },
        ...(this.identity.console ? { sessionCredentialFromConsole: 'true' } : {}),
      },
    };
    this.trail.push(event);
    return event;
  }

  writes(): CallRecord[] {
    return this.calls.filter((call) => call.write);
  }
  reads(): CallRecord[] {
    return this.calls.filter((call) => !call.write);
  }

  /** Gives the SDK clients their own request handlers back. */
  restore(): void {
    disconnect();
  }
}
