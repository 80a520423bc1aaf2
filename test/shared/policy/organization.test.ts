/**
 * The organization section: member accounts reviewed in git, selectors that may name only them, and
 * the policy each account gets. Single-account policies are untouched by all of it.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../shared/policy/load';
import {
  accountsToCheck,
  deployParamProblems,
  MEMBER_FUNCTIONS,
  memberAccess,
  memberAccessOf,
  memberRoleArn,
  memberRoleArns,
  policyFor,
  scopeOf,
} from '../../../shared/policy/organization';

const CENTRAL = '111122223333';
const PROD = '222233334444';
const STG = '555566667777';

const organization = `organization:
  id: o-abc123def4
  externalId: netwarden-o-abc123def4
  accounts:
    - { id: '${PROD}', name: gateway-prod, ou: ou-ab12-prodxxxx }
    - { id: '${STG}', name: gateway-stg, ou: ou-ab12-stgxxxxx }
`;

const policyText = `version: 1
${organization}
securityGroups:
  - name: everywhere
    select: { all: true }
    guardrailsOnly: true
    forbid: [{ source: 0.0.0.0/0, ports: [22] }]
  - name: prod-only
    accounts: ['${PROD}']
    select: { ids: [sg-0db00000000005432] }
    baseline: [{ ports: 5432, source: 10.20.0.0/16 }]
  - name: staging-ou
    ous: [ou-ab12-stgxxxxx]
    select: { ids: [sg-0db00000000003306] }
    baseline: [{ ports: 3306, source: 10.30.0.0/16 }]
targets:
  ous: [ou-ab12-prodxxxx]
  select: { tags: { "netwarden:heal": "true" } }
`;

describe('the organization section', () => {
  it('parses with its defaults: the member role name and the check concurrency', () => {
    const policy = parsePolicy(policyText);
    expect(policy.organization).toEqual({
      id: 'o-abc123def4',
      externalId: 'netwarden-o-abc123def4',
      memberRoleName: 'netwarden-member-remediation',
      checkConcurrency: 4,
      accounts: [
        { id: PROD, name: 'gateway-prod', ou: 'ou-ab12-prodxxxx' },
        { id: STG, name: 'gateway-stg', ou: 'ou-ab12-stgxxxxx' },
      ],
    });
    if (!policy.organization) throw new Error('the organization section did not parse');
    expect(memberRoleArn(policy.organization, PROD, 'heal-targets')).toBe(
      `arn:aws:iam::${PROD}:role/netwarden-member-remediation-heal-targets`,
    );
  });

  it('gives each function its own member role, with the external id and a session naming the function', () => {
    const policy = parsePolicy(policyText);
    const prod = scopeOf(policy, PROD, CENTRAL);
    const central = scopeOf(policy, CENTRAL, CENTRAL);
    if (!prod || !central) throw new Error('no scope');

    expect(memberAccess(policy, prod, 'daily-check')).toEqual({
      account: PROD,
      roleArn: `arn:aws:iam::${PROD}:role/netwarden-member-remediation-daily-check`,
      externalId: 'netwarden-o-abc123def4',
      sessionName: 'netwarden-daily-check',
    });
    expect(memberAccessOf(policy, STG, 'grant-access')?.roleArn).toBe(
      `arn:aws:iam::${STG}:role/netwarden-member-remediation-grant-access`,
    );
    // The central account: the function's own role, nothing assumed; an unlisted account: never reached.
    expect(memberAccess(policy, central, 'revert-sg-drift')).toBeUndefined();
    expect(memberAccessOf(policy, '999988887777', 'revert-sg-drift')).toBeUndefined();
    // A function with no member role must not quietly act with the central account's credentials.
    expect(() => memberAccess(policy, prod, 'slack-interact')).toThrowError(
      'slack-interact has no member role: only revert-sg-drift, heal-targets, grant-access, expire-grants, daily-check, weekly-check act in member accounts (stacksets/member.yml)',
    );
  });

  it('recognises as its own, in each member, the roles of the functions that write there (not the read-only checks)', () => {
    const roles = memberRoleArns(parsePolicy(policyText));
    const prefix = (account: string) => `arn:aws:iam::${account}:role/netwarden-member-remediation-`;
    expect(roles).toEqual([
      `${prefix(PROD)}revert-sg-drift`,
      `${prefix(PROD)}heal-targets`,
      `${prefix(PROD)}grant-access`,
      `${prefix(PROD)}expire-grants`,
      `${prefix(STG)}revert-sg-drift`,
      `${prefix(STG)}heal-targets`,
      `${prefix(STG)}grant-access`,
      `${prefix(STG)}expire-grants`,
    ]);
  });

  it('bounds memberRoleName so that every function role fits IAM’s 64 characters, naming field and value', () => {
    const longest = 'r'.repeat(48);
    const policy = parsePolicy(
      policyText.replace('  accounts:\n', `  memberRoleName: ${longest}\n  accounts:\n`),
    );
    if (!policy.organization) throw new Error('the organization section did not parse');
    const organization = policy.organization;
    const names = MEMBER_FUNCTIONS.map((fn) => memberRoleArn(organization, PROD, fn).split('/')[1] ?? '');
    expect(Math.max(...names.map((name) => name.length))).toBe(64);

    const tooLong = 'r'.repeat(49);
    expect(() =>
      parsePolicy(policyText.replace('  accounts:\n', `  memberRoleName: ${tooLong}\n  accounts:\n`)),
    ).toThrowError(
      `policy.organization.memberRoleName: expected at most 48 characters: each member role is named <memberRoleName>-<function> (up to "-revert-sg-drift", 16 more), and IAM allows 64, found "${tooLong}"`,
    );
    expect(() =>
      parsePolicy(policyText.replace('  accounts:\n', '  memberRoleName: "bad role"\n  accounts:\n')),
    ).toThrowError(
      'policy.organization.memberRoleName: expected an IAM role name (letters, digits and _+=,.@-), found "bad role"',
    );
  });

  it('gives each account only the entries that select it; unselected entries apply everywhere', () => {
    const policy = parsePolicy(policyText);
    const names = (account: string) => {
      const scope = scopeOf(policy, account, CENTRAL);
      if (!scope) throw new Error(`no scope for ${account}`);
      const own = policyFor(policy, scope);
      return {
        groups: own.securityGroups.map((section) => section.name),
        targets: own.targets !== undefined,
      };
    };

    expect(names(PROD)).toEqual({ groups: ['everywhere', 'prod-only'], targets: true });
    expect(names(STG)).toEqual({ groups: ['everywhere', 'staging-ou'], targets: false });
    expect(names(CENTRAL)).toEqual({ groups: ['everywhere'], targets: false });
  });

  it('knows the central account and the listed members, and no other account', () => {
    const policy = parsePolicy(policyText);
    expect(scopeOf(policy, CENTRAL, CENTRAL)).toEqual({ id: CENTRAL, name: 'central', central: true });
    expect(scopeOf(policy, STG, CENTRAL)).toEqual({
      id: STG,
      name: 'gateway-stg',
      ou: 'ou-ab12-stgxxxxx',
      central: false,
    });
    expect(scopeOf(policy, '999988887777', CENTRAL)).toBeUndefined();
    expect(accountsToCheck(policy, CENTRAL).map((account) => account.name)).toEqual([
      'central',
      'gateway-prod',
      'gateway-stg',
    ]);
  });

  it('refuses selectors naming an account or OU the organization does not list, naming field and value', () => {
    const text = policyText
      .replace(`accounts: ['${PROD}']`, `accounts: ['${PROD}', '999988887777']`)
      .replace('ous: [ou-ab12-stgxxxxx]', 'ous: [ou-ab12-elsewhere]');
    expect(() => parsePolicy(text)).toThrowError(
      [
        'netwarden.policy.yml is invalid:',
        `policy.securityGroups[1].accounts[1]: expected an account that policy.organization.accounts lists (${PROD}, ${STG}), found "999988887777"`,
        'policy.securityGroups[2].ous[0]: expected an OU that policy.organization.accounts names (ou-ab12-prodxxxx, ou-ab12-stgxxxxx), found "ou-ab12-elsewhere"',
      ].join('\n'),
    );
  });

  it('refuses a trusted principal whose account is a glob: it would be trusted in every member account', () => {
    const trusting = (principal: string) => `trustedPrincipals: ['${principal}']\n${policyText}`;
    expect(() => parsePolicy(trusting('arn:aws:iam::*:role/terraform-ci'))).toThrowError(
      [
        'netwarden.policy.yml is invalid:',
        'policy.trustedPrincipals[0]: expected an ARN that names its account (12 digits): with an organization, a glob there trusts a role of that name in every account netwarden acts on, and anyone who may create IAM roles in one of them can make it, found "arn:aws:iam::*:role/terraform-ci"',
      ].join('\n'),
    );
    expect(() => parsePolicy(trusting('arn:aws:iam::1111222233*:role/terraform-ci'))).toThrowError(
      'policy.trustedPrincipals[0]: expected an ARN that names its account',
    );
    expect(parsePolicy(trusting(`arn:aws:iam::${CENTRAL}:role/terraform-ci`)).trustedPrincipals).toEqual([
      `arn:aws:iam::${CENTRAL}:role/terraform-ci`,
    ]);
    // Several accounts acted on without an organisation: the same.
    const alone = `version: 1\ntrustedPrincipals: ['arn:aws:iam::*:role/terraform-ci']\n`;
    expect(() => parsePolicy(`${alone}accounts: ['${CENTRAL}', '${PROD}']\n`)).toThrowError(
      'policy.trustedPrincipals[0]: expected an ARN that names its account (12 digits): with several accounts,',
    );
    // One account, as the shipped policy is: the glob can only ever match that account.
    expect(parsePolicy(alone).trustedPrincipals).toEqual(['arn:aws:iam::*:role/terraform-ci']);
  });

  it('refuses selectors without an organization, and a member listed twice', () => {
    const noOrganization = policyText.replace(organization, '');
    expect(() => parsePolicy(noOrganization)).toThrowError(
      `policy.securityGroups[1].accounts[0]: expected no account selector without an organization section (policy.organization), found "${PROD}"`,
    );
    const twice = policyText.replace(
      `    - { id: '${STG}', name: gateway-stg, ou: ou-ab12-stgxxxxx }`,
      `    - { id: '${STG}', name: gateway-stg, ou: ou-ab12-stgxxxxx }\n    - { id: '${PROD}', name: again }`,
    );
    expect(() => parsePolicy(twice)).toThrowError(
      `policy.organization.accounts[2].id: expected each member account listed once, found "${PROD}"`,
    );
  });

  it('refuses a malformed organization id and external id', () => {
    const text = policyText
      .replace('id: o-abc123def4', 'id: abc')
      .replace('externalId: netwarden-o-abc123def4', 'externalId: "x"');
    expect(() => parsePolicy(text)).toThrowError(/policy\.organization\.id: expected an AWS Organization id/);
    expect(() => parsePolicy(text)).toThrowError(/policy\.organization\.externalId: expected 2-1224/);
  });

  it('leaves a single-account policy as it was', () => {
    const policy = parsePolicy(
      policyText
        .replace(organization, '')
        .replace(/ {4}(accounts|ous): .*\n/g, '')
        .replace(/ {2}ous: .*\n/, ''),
    );
    expect(policy.organization).toBeUndefined();
    expect(policyFor(policy, { id: CENTRAL, name: 'central', central: true })).toBe(policy);
  });
});

describe('the deployment parameters against the organization section (deployParamProblems)', () => {
  const policy = parsePolicy(policyText);
  const ROLE = 'netwarden-member-remediation';

  it('agree when organizationId and memberRoleName are the policy’s', () => {
    expect(deployParamProblems(policy, { organizationId: 'o-abc123def4', memberRoleName: ROLE })).toEqual([]);
  });

  it('refuse a deploy without organizationId, naming the param to add', () => {
    expect(deployParamProblems(policy, { organizationId: '', memberRoleName: ROLE })).toEqual([
      `the policy's organization.id is "o-abc123def4" but the stack would deploy without --param="organizationId=o-abc123def4": no organisation bus, no member role to assume, and no member event would arrive`,
    ]);
  });

  it('refuse another organisation id and another member role name, each named', () => {
    expect(
      deployParamProblems(policy, { organizationId: 'o-zzz999zzz9', memberRoleName: 'other-role' }),
    ).toEqual([
      `--param organizationId is "o-zzz999zzz9" but the policy's organization.id is "o-abc123def4": the organisation bus would admit another organisation's accounts and none of this one's`,
      `--param memberRoleName is "other-role" but the policy's organization.memberRoleName is "${ROLE}": the functions could not assume the role they are configured for`,
    ]);
  });

  it('say nothing for a single-account policy, with or without the param', () => {
    const single = parsePolicy('version: 1\n');
    expect(deployParamProblems(single, { organizationId: '', memberRoleName: ROLE })).toEqual([]);
    expect(deployParamProblems(single, { organizationId: 'o-abc123def4', memberRoleName: ROLE })).toEqual([]);
  });
});
