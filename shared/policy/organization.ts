/**
 * An AWS Organization in the policy: which member accounts netwarden serves, what each is called, and
 * which policy entries apply in which account. Pure: the functions call `policyFor` once they know the
 * account an event or a check is about, and everything downstream reads that account's policy exactly
 * as it reads the single-account policy today.
 *
 * The member list is the only source of trust. An account id, an OU or a name in an event is written by
 * whoever sent it; the list is reviewed in git. OUs are read from the list too (never asked of AWS
 * Organizations at run time), so moving an account between OUs takes effect with the policy's review.
 */
import type { FieldIssue } from '../events/issues';
import { MEMBER_FUNCTIONS } from './member-functions';
import type { MemberAccount, OrganizationPolicy, Policy } from './schema';

export { MEMBER_FUNCTIONS, MEMBER_ROLE_NAME_MAX } from './member-functions';

/** The account an event or a check is about, as the policy knows it. */
export interface AccountScope {
  readonly id: string;
  /** The member's name in the policy; the central account is called `central`. */
  readonly name: string;
  readonly ou?: string;
  /** The account netwarden runs in: it acts there with its own role, never an assumed one. */
  readonly central: boolean;
}

/** The name the central account goes by in findings and Slack. */
export const CENTRAL_NAME = 'central';

/** An entry's `accounts` / `ous` selectors (shared/policy/schema.ts `scope`). */
interface Scoped {
  readonly accounts?: ReadonlyArray<string> | undefined;
  readonly ous?: ReadonlyArray<string> | undefined;
}

/** Whether an entry applies in `account`: no selector = everywhere; else the account or its OU is named. */
export function appliesIn(entry: Scoped, account: AccountScope): boolean {
  if (entry.accounts === undefined && entry.ous === undefined) return true;
  if (entry.accounts?.includes(account.id)) return true;
  return account.ou !== undefined && (entry.ous?.includes(account.ou) ?? false);
}

/**
 * `account` as the policy knows it: the central account (netwarden's own), a listed member, or
 * undefined — an account netwarden does not serve.
 */
export function scopeOf(policy: Policy, accountId: string, centralAccount: string): AccountScope | undefined {
  if (accountId === centralAccount) return { id: accountId, name: CENTRAL_NAME, central: true };
  const member = policy.organization?.accounts.find((candidate) => candidate.id === accountId);
  if (member) return memberScope(member);
  // Single-account mode's `accounts` list (one stack serving accounts it already has credentials for).
  return policy.accounts.includes(accountId) ? { id: accountId, name: accountId, central: true } : undefined;
}

const memberScope = (member: MemberAccount): AccountScope => ({
  id: member.id,
  name: member.name,
  ...(member.ou ? { ou: member.ou } : {}),
  central: false,
});

/** Every account the daily and weekly checks cover: the central one first, then each member in policy order. */
export function accountsToCheck(policy: Policy, centralAccount: string): AccountScope[] {
  const central: AccountScope = { id: centralAccount, name: CENTRAL_NAME, central: true };
  const members = (policy.organization?.accounts ?? [])
    .filter((member) => member.id !== centralAccount)
    .map(memberScope);
  return [central, ...members];
}

/**
 * The policy as it applies in `account`: only the entries whose selectors name it (or that have none).
 * A section that applies nowhere here (grants, targets) is absent, as if the file had not named it.
 */
export function policyFor(policy: Policy, account: AccountScope): Policy {
  if (!policy.organization) return policy;
  const here = <T extends Scoped>(entry: T) => appliesIn(entry, account);
  const { grants, targets, ...rest } = policy;
  return {
    ...rest,
    securityGroups: policy.securityGroups.filter(here),
    exceptions: policy.exceptions.filter(here),
    terraformState: policy.terraformState.filter(here),
    ...(grants && here(grants) ? { grants } : {}),
    ...(targets && here(targets) ? { targets } : {}),
  };
}

export type MemberFunction = (typeof MEMBER_FUNCTIONS)[number];

/** The member functions that write in a member account: their roles' CloudTrail events there are netwarden's own. */
export const WRITING_MEMBER_FUNCTIONS: ReadonlyArray<MemberFunction> = [
  'revert-sg-drift',
  'heal-targets',
  'grant-access',
  'expire-grants',
];

const isMemberFunction = (fn: string): fn is MemberFunction =>
  (MEMBER_FUNCTIONS as ReadonlyArray<string>).includes(fn);

/** The name of `fn`'s role in every member account (the StackSet creates it with this name). */
export const memberRoleName = (organization: OrganizationPolicy, fn: MemberFunction): string =>
  `${organization.memberRoleName}-${fn}`;

/** The role `fn` assumes in member account `accountId`. */
export const memberRoleArn = (
  organization: OrganizationPolicy,
  accountId: string,
  fn: MemberFunction,
): string => `arn:aws:iam::${accountId}:role/${memberRoleName(organization, fn)}`;

/**
 * Cross-checks of the organization section and the selectors, in the schema's issue form (load.ts
 * lists them with the schema's own): a selector may name only listed accounts and OUs, a member is
 * listed once, and selectors mean nothing without an organization.
 */
export function organizationIssues(policy: Policy): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const organization = policy.organization;
  const accounts = organization?.accounts.map((member) => member.id) ?? [];
  const ous = [...new Set(organization?.accounts.flatMap((member) => (member.ou ? [member.ou] : [])) ?? [])];
  const seen = new Set<string>();
  for (const [index, member] of (organization?.accounts ?? []).entries()) {
    if (seen.has(member.id))
      issues.push({
        path: ['organization', 'accounts', index, 'id'],
        message: 'expected each member account listed once',
      });
    seen.add(member.id);
  }
  const check = (entry: Scoped, path: ReadonlyArray<string | number>) => {
    for (const [index, id] of (entry.accounts ?? []).entries())
      if (!accounts.includes(id))
        issues.push({
          path: [...path, 'accounts', index],
          message: organization
            ? `expected an account that policy.organization.accounts lists (${accounts.join(', ')})`
            : 'expected no account selector without an organization section (policy.organization)',
        });
    for (const [index, ou] of (entry.ous ?? []).entries())
      if (!ous.includes(ou))
        issues.push({
          path: [...path, 'ous', index],
          message: organization
            ? `expected an OU that policy.organization.accounts names (${ous.join(', ') || 'none names one'})`
            : 'expected no OU selector without an organization section (policy.organization)',
        });
  };
  // Where events of more than one account are acted on, a principal trusted in "any account" is trusted
  // in each of them: whoever may create IAM roles in a member account can name one like the trusted
  // role there, and their changes would no longer be drift. The account must be said.
  if (organization || policy.accounts.length > 1)
    for (const [index, principal] of policy.trustedPrincipals.entries())
      if (!/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/.test(principal))
        issues.push({
          path: ['trustedPrincipals', index],
          message: `expected an ARN that names its account (12 digits): with ${
            organization ? 'an organization' : 'several accounts'
          }, a glob there trusts a role of that name in every account netwarden acts on, and anyone who may create IAM roles in one of them can make it`,
        });
  for (const [index, section] of policy.securityGroups.entries()) check(section, ['securityGroups', index]);
  for (const [index, exception] of policy.exceptions.entries()) check(exception, ['exceptions', index]);
  for (const [index, state] of policy.terraformState.entries()) check(state, ['terraformState', index]);
  if (policy.grants) check(policy.grants, ['grants']);
  if (policy.targets) check(policy.targets, ['targets']);
  return issues;
}

/** How a function reaches a member account: its member role, the external id, and its session's name. */
export interface MemberAccess {
  readonly account: string;
  readonly roleArn: string;
  readonly externalId: string;
  /** `netwarden-<function>`: the member account's CloudTrail names the function that acted. */
  readonly sessionName: string;
}

/**
 * The member role access of `fn` in `account`: its own member role there. Undefined for the central
 * account (its own role). A function with no member role (notify-slack, slack-interact) that asks for a
 * member is a bug, and fails loudly: answering undefined would make it act in the central account.
 */
export function memberAccess(policy: Policy, account: AccountScope, fn: string): MemberAccess | undefined {
  if (account.central || !policy.organization) return undefined;
  if (!isMemberFunction(fn))
    throw new Error(
      `${fn} has no member role: only ${MEMBER_FUNCTIONS.join(', ')} act in member accounts (stacksets/member.yml)`,
    );
  return {
    account: account.id,
    roleArn: memberRoleArn(policy.organization, account.id, fn),
    externalId: policy.organization.externalId,
    sessionName: `netwarden-${fn}`.slice(0, 64),
  };
}

/**
 * The member role access of `fn` in `accountId` when the policy's organisation lists that account;
 * undefined otherwise (the central account, or an account the policy does not list: never reached).
 */
export function memberAccessOf(policy: Policy, accountId: string, fn: string): MemberAccess | undefined {
  const member = policy.organization?.accounts.find((candidate) => candidate.id === accountId);
  return member ? memberAccess(policy, memberScope(member), fn) : undefined;
}

/**
 * netwarden's own writing roles in each member account: their calls there come back as CloudTrail
 * events too. The checks' member roles write nothing, so no event of theirs arrives.
 */
export function memberRoleArns(policy: Policy): string[] {
  const organization = policy.organization;
  if (!organization) return [];
  return organization.accounts.flatMap((member) =>
    WRITING_MEMBER_FUNCTIONS.map((fn) => memberRoleArn(organization, member.id, fn)),
  );
}

/** The deployment parameters the organisation's infrastructure is made from (serverless.yml `params`). */
export interface DeployParams {
  /** `--param="organizationId=o-…"`; empty: the stack deploys no organisation resource. */
  readonly organizationId: string;
  readonly memberRoleName: string;
}

/**
 * Why a stack deployed with `params` would not serve the policy's organisation, one sentence per
 * mismatch; empty when they agree. Checked when the service is packaged (tools/organization-params-plugin.cjs):
 * a policy listing members with a stack that has no organisation bus would receive none of their
 * events, and a stack whose functions may assume another role than the policy's would fail every member call.
 */
export function deployParamProblems(policy: Policy, params: DeployParams): string[] {
  const organization = policy.organization;
  // Without the section the functions act for no member whatever the stack deploys (a member's event is
  // refused as foreign), so the param alone is no mismatch; the packaging tests of the organisation
  // template rely on that.
  if (!organization) return [];
  const id = params.organizationId.trim();
  const problems: string[] = [];
  if (id === '')
    problems.push(
      `the policy's organization.id is "${organization.id}" but the stack would deploy without --param="organizationId=${organization.id}": no organisation bus, no member role to assume, and no member event would arrive`,
    );
  else if (id !== organization.id)
    problems.push(
      `--param organizationId is "${id}" but the policy's organization.id is "${organization.id}": the organisation bus would admit another organisation's accounts and none of this one's`,
    );
  if (params.memberRoleName !== organization.memberRoleName)
    problems.push(
      `--param memberRoleName is "${params.memberRoleName}" but the policy's organization.memberRoleName is "${organization.memberRoleName}": the functions could not assume the role they are configured for`,
    );
  return problems;
}
