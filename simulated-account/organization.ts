/**
 * A simulated AWS Organization: the central account netwarden runs in and member accounts, each a
 * whole simulated account of its own (its own security groups, calls and CloudTrail), behind one wire.
 * A request goes to the account its credentials belong to, as AWS decides by the access key: the
 * default credentials are the central account's; STS AssumeRole (served by the central account, on the
 * Query protocol like AWS's) issues keys that reach a member account as the member role's session.
 *
 * AssumeRole answers as AWS documents it: AccessDenied ("is not authorized to perform:
 * sts:AssumeRole on resource: …") when the role does not exist, its trust policy does not name the
 * caller's role (the central account's current caller: a function's execution role, `runAs`), or the
 * external id is not the one its trust policy requires. A member role's session may make only the
 * calls its policy's actions name: any other is refused at the wire as AWS refuses it (EC2's
 * UnauthorizedOperation, the Query services' AccessDenied, the JSON services' AccessDeniedException).
 * Only actions are evaluated, not resources or conditions: those are held against the template by
 * test/packaging/member-stackset.test.ts.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { awsError } from './errors';
import { assumedRole, type Identity, netwardenRole } from './identities';
import { ACCOUNT_ID, createSimulatedAccount, type Simulation } from './index';
import { connect } from './wire/in-process';
import type { WireRequest, WireResponse } from './wire/router';
import type { ServiceModel } from './wire/schema';

/** A member role the StackSet creates in a member account: whom its trust policy admits, and what it allows. */
export interface MemberRole {
  readonly name: string;
  readonly externalId: string;
  /** The principals (role ARNs) its trust policy names; empty: it trusts no one. */
  readonly trusts: ReadonlyArray<string>;
  /** The IAM actions its policies allow (`ec2:DescribeSecurityGroups`); every other call is refused. */
  readonly allows: ReadonlyArray<string>;
}

export interface MemberSpec {
  readonly id: string;
  readonly roles: ReadonlyArray<MemberRole>;
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
  /**
   * The central function whose execution role the central account's calls are made as from now on,
   * as a Lambda's are for its whole invocation (`netwarden-demo-ap-northeast-2-<fn>`); revert-sg-drift's
   * until a test says otherwise. Member roles admit only the function roles their trust policy names.
   */
  runAs(fn: string): void;
  restore(): void;
}

const accessKeyOf = (authorization = ''): string => /Credential=([^/]+)\//.exec(authorization)?.[1] ?? '';

/** A session AssumeRole issued: the account it reaches, the principal its calls are made as, and its role. */
interface Session {
  readonly account: string;
  readonly identity: Identity;
  readonly role: MemberRole;
}

/** IAM's service prefix where it is not the SigV4 signing name. */
const IAM_PREFIX: Record<string, string> = { monitoring: 'cloudwatch' };

/** The refusal of a call its role's policy does not allow, in the service's own words. */
function notAuthorized(service: ServiceModel, action: string, caller: string) {
  const because = `User: ${caller} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
  if (service.protocol === 'ec2')
    return awsError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. ${because}`,
      403,
    );
  if (service.protocol.startsWith('json')) return awsError('AccessDeniedException', because, 400);
  return awsError('AccessDenied', because, 403);
}

/** The role ARN a caller's calls are authorised as: an assumed role's issuer, or the principal itself. */
const principalOf = (identity: Identity): string => {
  const context = identity.userIdentity.sessionContext as { sessionIssuer?: { arn?: string } } | undefined;
  return String(context?.sessionIssuer?.arn ?? identity.userIdentity.arn ?? '');
};

const DEFAULT_DURATION_SECONDS = 3600;

export function createSimulatedOrganization(options: {
  readonly members: ReadonlyArray<MemberSpec>;
}): SimulatedOrganization {
  const central = createSimulatedAccount();
  const members = new Map(
    options.members.map((spec) => [spec.id, createSimulatedAccount({ accountId: spec.id })] as const),
  );
  const roles = new Map(options.members.map((spec) => [spec.id, spec.roles] as const));
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
      const role = roles.get(account)?.find((candidate) => candidate.name === roleName);
      const record = { roleArn, sessionName, ...(input.ExternalId ? { externalId: input.ExternalId } : {}) };
      const callerRole = principalOf(central.account.caller);
      if (!role?.trusts.includes(callerRole) || role.externalId !== input.ExternalId) {
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
      sessions.set(accessKeyId, { account, identity, role });
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
          member(session.account).account.router.handle(request, (service, operation) => {
            const action = `${IAM_PREFIX[service.signingName] ?? service.signingName}:${operation}`;
            if (!session.role.allows.includes(action))
              throw notAuthorized(service, action, String(session.identity.userIdentity.arn));
          }),
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
    runAs: (fn) => central.account.actAs(netwardenRole(fn)),
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
