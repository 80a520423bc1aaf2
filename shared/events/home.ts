/**
 * Where netwarden is at home: the accounts and the region whose CloudTrail events it acts on.
 *
 * EventBridge can forward events between accounts and regions, and an event bus policy is a
 * configuration anyone with events rights might widen. An event from elsewhere names groups netwarden
 * cannot see with its own credentials (or, worse, groups with the same id pattern in another estate),
 * so it is reported once and never acted on: no AWS read, no write, no retry.
 */
import type { Finding } from '../findings/finding';
import type { Mode } from '../policy/schema';
import { actorOf, findingActor } from '../sg/actor';
import type { CloudTrailEnvelope } from './cloudtrail';

export interface Home {
  /**
   * The policy's `accounts`, or else the account the function runs in; with an organization, also the
   * member accounts it lists (shared/policy/organization.ts).
   */
  readonly accounts: ReadonlyArray<string>;
  readonly region: string;
  /**
   * With an organization only: the account the function runs in (the central account), where netwarden
   * acts with its own role; in a member account it acts through the member role.
   */
  readonly central?: string;
}

const ACCOUNT_ID = /^\d{12}$/;

/** `arn:aws:lambda:<region>:<account>:function:<name>` → the account, when it looks like one. */
export function accountOfFunctionArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && ACCOUNT_ID.test(account) ? account : undefined;
}

/**
 * The policy's accounts replace the own account when it names any ("the account is the function's
 * own unless the policy names others"). Undefined when neither is known: netwarden then acts on nothing.
 */
export function homeOf(options: {
  readonly policyAccounts: ReadonlyArray<string>;
  readonly ownAccount: string | undefined;
  readonly region: string;
  /** The member accounts the policy's organization section lists: reviewed in git, the only ones trusted. */
  readonly memberAccounts?: ReadonlyArray<string>;
}): Home | undefined {
  const { ownAccount, region } = options;
  const members = options.memberAccounts ?? [];
  if (members.length > 0) {
    // An organization is served from the central account: without knowing it, netwarden cannot tell
    // which events need an assumed role, so it acts on none (as when home is unknown).
    if (!ownAccount) return undefined;
    const accounts = [...new Set([ownAccount, ...options.policyAccounts, ...members])];
    return { accounts, region, central: ownAccount };
  }
  // One account (or the policy's own list): every event is acted on with the function's own role.
  if (options.policyAccounts.length > 0) return { accounts: options.policyAccounts, region };
  return ownAccount ? { accounts: [ownAccount], region } : undefined;
}

/**
 * Why an event is refused when home is unknown: the one text both heal-targets and revert-sg-drift
 * publish (as `unprocessable`, through the way in: shared/wiring.ts `atHome`).
 */
export const UNKNOWN_HOME =
  'netwarden does not know the account it runs in (NETWARDEN_ACCOUNT_ID is unset and the invocation names no function ARN), so it acts on no event; set NETWARDEN_ACCOUNT_ID or the policy accounts';

/** A field of an event that names an account or a region, and its value (undefined when absent). */
export type Place = readonly [field: string, value: string | undefined];

/**
 * What makes an event foreign, one phrase per field; empty when it is at home. Every field that names
 * an account or a region must agree with home, and an event that names none of either cannot be
 * placed, so it is foreign too. Any trigger can use it: CloudTrail records, alarm state changes, schedules.
 */
export function foreignPlaces(
  accounts: ReadonlyArray<Place>,
  regions: ReadonlyArray<Place>,
  home: Home,
): string[] {
  const problems: string[] = [];
  // EventBridge sets the envelope's account itself; a record (or an alarm ARN) naming another account
  // than its envelope was made up or altered on the way, whichever of the two is a served account.
  const named = accounts.filter((place): place is readonly [string, string] => place[1] !== undefined);
  // (Said only when each is served: an unserved one is already named below.)
  const allServed = named.every(([, value]) => home.accounts.includes(value));
  if (allServed && new Set(named.map(([, value]) => value)).size > 1)
    problems.push(
      `the event's accounts disagree (${named.map(([field, value]) => `${field} ${JSON.stringify(value)}`).join(', ')})`,
    );
  for (const [field, value] of accounts)
    if (value !== undefined && !home.accounts.includes(value))
      problems.push(`${field} ${JSON.stringify(value)} is not ${home.accounts.join(' or ')}`);
  for (const [field, value] of regions)
    if (value !== undefined && value !== home.region)
      problems.push(`${field} ${JSON.stringify(value)} is not ${home.region}`);
  if (accounts.every(([, value]) => value === undefined)) problems.push('the event names no account');
  if (regions.every(([, value]) => value === undefined)) problems.push('the event names no region');
  return problems;
}

/** A CloudTrail event: both the envelope and the record name the account and the region. */
export function foreignFields(envelope: CloudTrailEnvelope, home: Home): string[] {
  return foreignPlaces(
    [
      ['account', envelope.account],
      ['detail.recipientAccountId', envelope.detail.recipientAccountId],
    ],
    [
      ['region', envelope.region],
      ['detail.awsRegion', envelope.detail.awsRegion],
    ],
    home,
  );
}

export function foreignEventFinding(
  envelope: CloudTrailEnvelope,
  problems: ReadonlyArray<string>,
  home: Home,
  mode: Mode,
  now: Date,
): Finding {
  const { detail } = envelope;
  const actor = actorOf(detail);
  const account = envelope.account ?? detail.recipientAccountId;
  const region = envelope.region ?? detail.awsRegion;
  return {
    kind: 'sg.foreign-event',
    severity: 'warning',
    title: `${detail.eventName} from outside netwarden's accounts and region ignored (${account ?? 'no account'}, ${region ?? 'no region'})`,
    mode,
    outcome: 'no-action',
    time: now.toISOString(),
    eventId: detail.eventID,
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
    actor: findingActor(actor),
    why: `${problems.join('; ')}. netwarden acts only on events of ${home.accounts.join(', ')} in ${home.region}; an event from elsewhere reached it (check the event bus rules and policies) and was neither read nor acted on. Name an account in the policy's accounts (or, for an organization, list the member under organization.accounts) to accept its events.`,
    actions: [],
  };
}
