/**
 * Failure semantics. Bad input is `Unprocessable`: reported and not retried. Anything else thrown
 * from a handler is transient and left to the platform's retries and dead-letter queue.
 */
import type { MemberAccess } from './policy/organization';

export class Unprocessable extends Error {
  override readonly name = 'Unprocessable';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The AWS error code of an SDK exception (`InvalidPermission.NotFound`), or undefined. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { name?: unknown; Code?: unknown };
  if (typeof candidate.Code === 'string') return candidate.Code;
  return typeof candidate.name === 'string' ? candidate.name : undefined;
}

/**
 * The error codes with which AWS says a thing is already gone, by what it is. For netwarden, removing
 * or describing something that no longer exists is done, not a failure to retry (Cloud Custodian
 * #9656). Sources: "Error codes for the Amazon EC2 API" (docs.aws.amazon.com/ec2/latest/devguide/
 * errors-overview.html) for the EC2 codes; the Elastic Load Balancing API Reference, DeregisterTargets
 * and DescribeTargetGroups "Errors" (InvalidTarget: "the specified target does not exist…",
 * TargetGroupNotFound); the ACM API Reference, DescribeCertificate (ResourceNotFoundException: "the
 * specified certificate cannot be found in the caller's account").
 */
export const GONE_CODES = {
  'security group': ['InvalidGroup.NotFound'],
  /** A revoke by permission answers the first, a revoke or describe by sgr- id the second. */
  rule: ['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound'],
  'target group': ['TargetGroupNotFound'],
  target: ['InvalidTarget'],
  certificate: ['ResourceNotFoundException'],
} as const satisfies Record<string, ReadonlyArray<string>>;

export type GoneThing = keyof typeof GONE_CODES;

/** Whether `error` is AWS saying that `what` does not exist (any more). */
export function isGone(error: unknown, what: GoneThing): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && (GONE_CODES[what] as ReadonlyArray<string>).includes(code);
}

/**
 * A member account's role could not be assumed (sts:AssumeRole refused): nothing was read or written
 * in that account. Here, not beside the STS call (shared/aws/member-credentials.ts), so that a use case
 * can recognise it without loading STS.
 */
export class MemberRoleRefused extends Error {
  override readonly name = 'MemberRoleRefused';
  constructor(
    readonly access: MemberAccess,
    /** STS's error code (`AccessDenied` …). */
    readonly code: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `netwarden could not assume ${access.roleArn} in account ${access.account} (sts:AssumeRole answered ${code}: ${reason}); check that the member's StackSet instance exists, trusts this function's role, and expects the external id of the policy's organization.externalId`,
      { cause },
    );
  }
}

/** The MemberRoleRefused in `error` or its causes (an SDK call may wrap its credential provider's error). */
export function memberRoleRefusalOf(error: unknown): MemberRoleRefused | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof MemberRoleRefused) return current;
    current = current.cause;
  }
  return undefined;
}
