/**
 * The functions that act in member accounts and the longest member role prefix they allow, apart from
 * shared/policy/organization.ts so that the policy schema can read the limit without an import cycle.
 */

/**
 * The central functions that act in member accounts. Each has a member role of its own in every member
 * (stacksets/member.yml), allowing only what its central role allows in the central account and
 * trusting only that central role: a function can never act in a member with another's rights, and the
 * checks, read-only centrally, are read-only there too.
 */
export const MEMBER_FUNCTIONS = [
  'revert-sg-drift',
  'heal-targets',
  'grant-access',
  'expire-grants',
  'daily-check',
  'weekly-check',
] as const;
/** IAM's limit on a role name. */
const IAM_ROLE_NAME_MAX = 64;
/**
 * The longest `organization.memberRoleName` whose every function role (`<memberRoleName>-<function>`)
 * still fits IAM's limit: 64 less "-revert-sg-drift" = 48.
 */
export const MEMBER_ROLE_NAME_MAX =
  IAM_ROLE_NAME_MAX - Math.max(...MEMBER_FUNCTIONS.map((fn) => fn.length + 1));
