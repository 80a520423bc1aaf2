/**
 * The simulated account: an in-memory AWS account that the real SDK v3 clients talk to in-process
 * (through aws-sdk-client-mock). It serves `npm start`, the CLI's --simulated mode and the scenario
 * tests. Each service lives in its own module that registers command handlers here; every call is
 * recorded, and every security-group write is also emitted as the CloudTrail event AWS would send.
 */
import { randomUUID } from 'node:crypto';
import type { Tag } from '@aws-sdk/client-ec2';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT_ID, type Identity, netwardenRole } from './identities';

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

// biome-ignore lint/suspicious/noExplicitAny: the SDK's client and command generics vary per service.
type AnyClientClass = new (...args: any[]) => any;
// biome-ignore lint/suspicious/noExplicitAny: command constructors of any service.
type AnyCommandClass = new (input: any) => any;
// biome-ignore lint/suspicious/noExplicitAny: one stub per service client.
type AnyStub = AwsStub<any, any, any>;

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
  readonly accountId = ACCOUNT_ID;
  readonly region = 'ap-northeast-2';
  readonly clock = new SimulatedClock();
  readonly calls: CallRecord[] = [];
  readonly trail: CloudTrailEvent[] = [];
  /** Resources that CreateTags/DeleteTags can reach, by id prefix (sg-, sgr-, i-, …). */
  readonly taggables = new Map<string, (id: string) => Tag[] | undefined>();
  private identity: Identity = netwardenRole('revert-sg-drift');
  private readonly stubs = new Map<AnyClientClass, AnyStub>();
  private counter = 0;

  /** Deterministic AWS-looking ids: `sgr-` followed by 17 hex digits. */
  newId(prefix: string, digits = 17): string {
    this.counter += 1;
    return `${prefix}-${(0xa0000 + this.counter).toString(16).padStart(digits, '0')}`;
  }

  /** The stub for a client class, created on first use; commands it does not simulate are refused loudly. */
  stubFor(client: AnyClientClass): AnyStub {
    let stub = this.stubs.get(client);
    if (!stub) {
      stub = mockClient(client);
      stub.onAnyCommand().callsFake((input: unknown) => {
        throw new Error(
          `the simulated account does not simulate this ${client.name} command (input ${JSON.stringify(input)})`,
        );
      });
      this.stubs.set(client, stub);
    }
    return stub;
  }

  /** Registers a command handler; every call is recorded with its outcome. */
  handle<I, O>(client: AnyClientClass, command: AnyCommandClass, run: (input: I) => O | Promise<O>): void {
    const service = client.name.replace(/Client$/, '');
    const name = command.name.replace(/Command$/, '');
    const write = !READ_PREFIXES.some((prefix) => name.startsWith(prefix));
    this.stubFor(client)
      .on(command)
      .callsFake(async (live: I) => {
        // SDK paginators reuse one input object across pages: record each call as it was sent.
        const input = structuredClone(live);
        try {
          const output = await run(input);
          this.calls.push({ service, command: name, input, write });
          return output;
        } catch (error) {
          this.calls.push({ service, command: name, input, write, error: (error as Error).name });
          throw error;
        }
      });
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

  /** Restores the real SDK clients. */
  restore(): void {
    for (const stub of this.stubs.values()) stub.restore();
    this.stubs.clear();
  }
}
