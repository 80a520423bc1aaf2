/** Who made a change, from where and how — the "who" of every security-group finding. */
import type { UserIdentity } from '../events/cloudtrail';
import { globMatches } from '../policy/match';

export interface Actor {
  /** The identity's own ARN (for an assumed role, the session ARN). */
  readonly arn?: string;
  /** The IAM role behind an assumed-role session, which is what trust decisions key on. */
  readonly roleArn?: string;
  readonly sessionName?: string;
  readonly type: string;
  readonly display: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly viaConsole: boolean;
}

export function actorOf(detail: {
  userIdentity: UserIdentity;
  sourceIPAddress?: string;
  userAgent?: string;
  sessionCredentialFromConsole?: string | boolean;
}): Actor {
  const identity = detail.userIdentity;
  const roleArn = identity.sessionContext?.sessionIssuer?.arn;
  const sessionName =
    identity.type === 'AssumedRole'
      ? identity.arn?.split('/').slice(2).join('/') || identity.principalId?.split(':')[1]
      : undefined;
  const viaConsole =
    String(detail.sessionCredentialFromConsole) === 'true' ||
    detail.userAgent === 'console.ec2.amazonaws.com' ||
    (detail.userAgent ?? '').startsWith('AWS Internal');
  let display: string;
  switch (identity.type) {
    case 'AssumedRole':
      // The person or system behind the session first, then the role it used.
      display = `${sessionName ?? 'unknown session'} via role ${identity.sessionContext?.sessionIssuer?.userName ?? roleArn ?? 'unknown'}`;
      break;
    case 'IAMUser':
      display = `IAM user ${identity.userName ?? identity.arn ?? identity.principalId ?? 'unknown'}`;
      break;
    case 'Root':
      display = `root account ${identity.accountId ?? ''}`.trim();
      break;
    case 'AWSService':
      display = `AWS service ${identity.invokedBy ?? 'unknown'}`;
      break;
    default:
      display = identity.arn ?? identity.principalId ?? identity.type;
  }
  return {
    type: identity.type,
    display,
    viaConsole,
    ...(identity.arn ? { arn: identity.arn } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(sessionName ? { sessionName } : {}),
    ...(detail.sourceIPAddress ? { sourceIp: detail.sourceIPAddress } : {}),
    ...(detail.userAgent ? { userAgent: detail.userAgent } : {}),
  };
}

/** The ARNs a trust glob may name: the role behind a session and the identity itself. */
function candidateArns(actor: Actor): string[] {
  return [actor.roleArn, actor.arn].filter((arn): arn is string => arn !== undefined);
}

export function matchesAny(actor: Actor, globs: ReadonlyArray<string>): boolean {
  const arns = candidateArns(actor);
  return globs.some((glob) => arns.some((arn) => globMatches(glob, arn)));
}

/**
 * netwarden's own calls come back as CloudTrail events; recognise them by the session issuer (the
 * role), never by the session name, which any caller can choose.
 */
export function isSelf(actor: Actor, selfRoleGlobs: ReadonlyArray<string>): boolean {
  return actor.roleArn !== undefined && selfRoleGlobs.some((glob) => globMatches(glob, actor.roleArn ?? ''));
}

/**
 * Who acted, in words — "alice@example.com via role Admin in the console from 203.0.113.10". The one
 * way findings, digests and Slack messages name an actor, so on-call reads it the same everywhere.
 */
export function describeActor(actor: {
  readonly display: string;
  readonly viaConsole: boolean;
  readonly sourceIp?: string | undefined;
}): string {
  const where = [actor.viaConsole ? 'in the console' : undefined, actor.sourceIp && `from ${actor.sourceIp}`];
  return [actor.display, ...where].filter(Boolean).join(' ');
}

/** What happened and who did it: "AuthorizeSecurityGroupIngress by alice@example.com in the console". */
export function describeCall(eventName: string, actor: Parameters<typeof describeActor>[0]): string {
  return `${eventName} by ${describeActor(actor)}`;
}

export function findingActor(actor: Actor) {
  return {
    display: actor.display,
    viaConsole: actor.viaConsole,
    ...(actor.roleArn || actor.arn ? { arn: actor.arn ?? actor.roleArn } : {}),
    ...(actor.sourceIp ? { sourceIp: actor.sourceIp } : {}),
    ...(actor.userAgent ? { userAgent: actor.userAgent } : {}),
  };
}
