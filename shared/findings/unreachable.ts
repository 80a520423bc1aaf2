/**
 * The finding for an event about a member account whose role netwarden could not assume: nothing was
 * read or written there, and retrying would only fail again (a missing StackSet instance, a trust
 * policy or external id that does not match), so the event is reported once, critical, instead of
 * being thrown to the dead-letter queue where no one reads why.
 */
import { type MemberRoleRefused, memberRoleRefusalOf } from '../errors';
import type { Mode } from '../policy/schema';
import type { Finding, Publish } from './finding';

export function unreachableFinding(
  refusal: MemberRoleRefused,
  now: Date,
  source: { function: string; mode: Mode; eventId?: string; region?: string },
): Finding<'organization.unreachable'> {
  const { access, code } = refusal;
  return {
    kind: 'organization.unreachable',
    severity: 'critical',
    title: `${source.function} could not act in account ${access.account}: sts:AssumeRole on ${access.roleArn} answered ${code}`,
    mode: source.mode,
    // Not "no-action": the event may record a breach netwarden was meant to close and could not.
    outcome: 'failed',
    time: now.toISOString(),
    account: access.account,
    ...(source.region ? { region: source.region } : {}),
    ...(source.eventId ? { eventId: source.eventId } : {}),
    resource: { type: 'iam-role', id: access.roleArn },
    why: `${refusal.message}. Nothing was read or changed in ${access.account} for this event, and it is not retried: fix the member role, then check the account by hand (or wait for the next daily check).`,
    actions: [],
    details: { roleArn: access.roleArn, stsErrorCode: code, function: source.function },
  };
}

/** What a use case returns instead of its outcome when the member role was refused. */
export interface UnreachableAnswer {
  readonly status: 'unreachable';
  readonly account: string;
  readonly decisions: ['report:unreachable'];
}

/**
 * Runs `act`; when it fails because a member role was refused, publishes `organization.unreachable`
 * and answers instead of throwing. Any other failure is thrown as it was (transient: retried).
 */
export async function orUnreachable<T>(
  act: () => Promise<T>,
  report: {
    readonly publish: Publish;
    readonly now: () => Date;
    readonly function: string;
    readonly mode: Mode;
    readonly eventId?: string;
    readonly region?: string;
  },
): Promise<T | UnreachableAnswer> {
  try {
    return await act();
  } catch (error) {
    const refusal = memberRoleRefusalOf(error);
    if (!refusal) throw error;
    const { publish, now, ...source } = report;
    await publish(unreachableFinding(refusal, now(), source));
    return { status: 'unreachable', account: refusal.access.account, decisions: ['report:unreachable'] };
  }
}
