/**
 * A simulated AWS Organization: the central account netwarden runs in and member accounts, each a
 * whole simulated account of its own (its own security groups, calls and CloudTrail), behind one wire.
 * A request goes to the account its credentials belong to, as AWS decides by the access key: the
 * default credentials are the central account's; STS AssumeRole (served by the central account, on the
 * Query protocol like AWS's) issues keys that reach a member account as the member role's session.
 *
 * AssumeRole answers as AWS documents it: AccessDenied ("is not authorized to perform:
 * sts:AssumeRole on resource: …") when the role does not exist, does not trust the caller, or the
 * external id is not the one its trust policy requires.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { awsError } from './errors';
import { assumedRole, type Identity } from './identities';
import { ACCOUNT_ID, createSimulatedAccount, type Simulation } from './index';
import { connect } from './wire/in-process';
import type { WireRequest, WireResponse } from './wire/router';

/** The remediation role the StackSet creates in a member account, and whom its trust policy admits. */
export interface MemberRole {
  readonly name: string;
  readonly externalId: string;
  /** False: the role's trust policy does not name the central account's functions. */
  readonly trustsCentral: boolean;
}

export interface MemberSpec {
  readonly id: string;
  readonly role: MemberRole;
}

/** One AssumeRole as the central account's STS received it (its answer: credentials or the error code). */
export interface AssumeRoleRecord {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly externalId?: string;
  readonly outcome: 'issued' | 'AccessDenied';
}

export interface SimulatedOrganization {
  readonly central: Simulation;
  readonly members: ReadonlyMap<string, Simulation>;
  /** The member account `id` (throws for an account the organisation does not have). */
  member(id: string): Simulation;
  readonly assumeRoles: AssumeRoleRecord[];
  /**
   * An access key that reaches account `id` as whoever that account's `as()` names: for a test to act
   * in a member account (`new EC2Client({ credentials: { accessKeyId, secretAccessKey } })`).
   */
  accessKeyOf(id: string): string;
  restore(): void;
}

const accessKeyOf = (authorization = ''): string => /Credential=([^/]+)\//.exec(authorization)?.[1] ?? '';

/** A session AssumeRole issued: the account it reaches and the principal its calls are made as. */
interface Session {
  readonly account: string;
  readonly identity: Identity;
}

const DEFAULT_DURATION_SECONDS = 3600;

export function createSimulatedOrganization(options: {
  readonly members: ReadonlyArray<MemberSpec>;
}): SimulatedOrganization {
  const central = createSimulatedAccount();
  const members = new Map(
    options.members.map((spec) => [spec.id, createSimulatedAccount({ accountId: spec.id })] as const),
  );
  const roles = new Map(options.members.map((spec) => [spec.id, spec.role] as const));
  const sessions = new Map<string, Session>();
  const assumeRoles: AssumeRoleRecord[] = [];
  let issued = 0;

  central.account.handle(
    STSClient,
    AssumeRoleCommand,
    (input: {
      RoleArn?: string;
      RoleSessionName?: string;
      ExternalId?: string;
      DurationSeconds?: number;
    }) => {
      const roleArn = input.RoleArn ?? '';
      const sessionName = input.RoleSessionName ?? '';
      const [, account = '', roleName = ''] = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn) ?? [];
      const role = roles.get(account);
      const record = { roleArn, sessionName, ...(input.ExternalId ? { externalId: input.ExternalId } : {}) };
      if (!role || role.name !== roleName || !role.trustsCentral || role.externalId !== input.ExternalId) {
        assumeRoles.push({ ...record, outcome: 'AccessDenied' });
        const caller = String(central.account.caller.userIdentity.arn ?? 'the caller');
        throw awsError(
          'AccessDenied',
          `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
          403,
        );
      }
      issued += 1;
      // ASIA + the account + a counter: 20 characters, as AWS's temporary access keys are.
      const accessKeyId = `ASIA${account}${issued.toString(16).toUpperCase().padStart(4, '0')}`;
      const identity = assumedRole(roleName, sessionName, { accountId: account, sourceIp: '3.35.0.10' });
      sessions.set(accessKeyId, { account, identity });
      assumeRoles.push({ ...record, outcome: 'issued' });
      const seconds = input.DurationSeconds ?? DEFAULT_DURATION_SECONDS;
      return {
        Credentials: {
          AccessKeyId: accessKeyId,
          SecretAccessKey: `simulated-secret-${issued}`,
          SessionToken: `simulated-session-token-${issued}`,
          Expiration: new Date(central.account.clock.now().getTime() + seconds * 1000),
        },
        AssumedRoleUser: {
          AssumedRoleId: `${String(identity.userIdentity.principalId)}`,
          Arn: String(identity.userIdentity.arn),
        },
      };
    },
  );

  const member = (id: string): Simulation => {
    const found = members.get(id);
    if (!found) throw new Error(`the simulated organisation has no member account ${id}`);
    return found;
  };
  const staticKey = (id: string) => `AKIA${id}TEST`;

  /** The organisation's wire: each request to the account its access key belongs to. */
  const wire = {
    async handle(request: WireRequest): Promise<WireResponse> {
      const key = accessKeyOf(request.headers.authorization);
      const session = sessions.get(key);
      if (session) {
        // A member role's session: its calls are made, and recorded in CloudTrail, as that role.
        const outcome = await member(session.account).account.as(session.identity, () =>
          member(session.account).account.router.handle(request),
        );
        if (outcome.error) throw outcome.error;
        if (!outcome.result) throw new Error('the simulated account gave no answer');
        return outcome.result;
      }
      const direct = [...members.keys()].find((id) => key === staticKey(id));
      return (direct ? member(direct) : central).account.router.handle(request);
    },
  };
  // Every account connected its own router on creation; the organisation's wire replaces them all.
  connect(wire);

  return {
    central,
    members,
    member,
    assumeRoles,
    accessKeyOf: (id) => {
      member(id);
      return staticKey(id);
    },
    restore: () => central.restore(),
  };
}

/** `value` with every string's seed account id in an ARN replaced by `id` (Dates and numbers kept). */
function rewritten<T>(value: T, id: string): T {
  if (typeof value === 'string') return value.replaceAll(`:${ACCOUNT_ID}:`, `:${id}:`) as T;
  if (Array.isArray(value)) return value.map((item) => rewritten(item, id)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewritten(item, id)])) as T;
  return value;
}

/**
 * A member's load balancers, listeners and target groups under that member's own ARNs. The seed's
 * estate (estate-targets.ts) names the seed's account in its ARNs in every simulated account; an alarm
 * of a member names its own account, so a test of healing in a member gives the member its own ARNs.
 * (Only ELBv2: the checks' certificates and alarms keep the seed's ARNs.)
 */
export function ownLoadBalancingArns(member: Simulation): void {
  const id = member.account.accountId;
  for (const store of [member.elbv2.loadBalancers, member.elbv2.listeners, member.elbv2.targetGroups]) {
    const entries = [...store.entries()];
    store.clear();
    for (const [arn, resource] of entries)
      (store as Map<string, unknown>).set(rewritten(arn, id), rewritten(resource, id));
  }
}
