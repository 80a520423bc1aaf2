/**
 * What the organisation tests share: the member accounts of the simulated organisation, the roles the
 * StackSet puts in each (one per central function, read from stacksets/member.yml itself: whom each
 * trusts, with which external id, and what it allows), and a deployment whose policy is the
 * repository's plus an `organization:` section.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { ACCOUNT_ID } from '../../simulated-account/index';
import type { MemberRole, SimulatedOrganization } from '../../simulated-account/organization';
import { type CloudFormationTemplate, instantiate, readCloudFormationYaml } from './cloudformation-yaml';

export const MEMBER_B = '222233334444';
export const MEMBER_C = '555566667777';
/** An account the organisation does not list. */
export const OUTSIDE_ACCOUNT = '999988887777';
/** The policy's organization.memberRoleName (its default): each function's member role is `<it>-<function>`. */
export const MEMBER_ROLE = 'netwarden-member-remediation';
export const EXTERNAL_ID = 'netwarden-o-abc123def4';

/** The member role of `fn` in `account`, as the functions assume it. */
export const memberRoleArnOf = (account: string, fn: string): string =>
  `arn:aws:iam::${account}:role/${MEMBER_ROLE}-${fn}`;

interface Statement {
  readonly Effect: string;
  readonly Principal?: { readonly AWS?: string | string[] };
  readonly Action: string | string[];
  readonly Condition?: { readonly StringEquals?: Record<string, unknown> };
}
const listOf = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * The member roles one stack instance of stacksets/member.yml creates in `account`, in the central
 * region, for the simulated deployment (stage demo, region ap-northeast-2: simulated-account/identities.ts
 * netwardenRole). `trustsCentral: false`: a broken instance whose roles trust no central role;
 * `externalId`: the instance was given another external id than the policy's.
 */
export function stackSetRoles(
  account: string,
  options: { readonly trustsCentral?: boolean; readonly externalId?: string } = {},
): MemberRole[] {
  const template = readCloudFormationYaml(join(import.meta.dirname, '..', '..', 'stacksets', 'member.yml'));
  const resources = instantiate(template as CloudFormationTemplate, {
    region: 'ap-northeast-2',
    accountId: account,
    parameters: {
      CentralAccountId: ACCOUNT_ID,
      Stage: 'demo',
      CentralRegion: 'ap-northeast-2',
      ExternalId: options.externalId ?? EXTERNAL_ID,
      MemberRoleName: MEMBER_ROLE,
    },
  });
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Role' && resource.Properties.Policies !== undefined)
    .filter((resource) => String(resource.Properties.RoleName).startsWith(`${MEMBER_ROLE}-`))
    .map((role) => {
      const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
      const externalIds = new Set(
        trust.map((statement) => statement.Condition?.StringEquals?.['sts:ExternalId']),
      );
      if (externalIds.size !== 1)
        throw new Error(`${String(role.Properties.RoleName)}: one external id expected`);
      const policies = role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
      return {
        name: String(role.Properties.RoleName),
        externalId: String([...externalIds][0]),
        trusts:
          options.trustsCentral === false
            ? []
            : trust.flatMap((statement) => listOf(statement.Principal?.AWS)),
        allows: policies
          .flatMap((policy) => policy.PolicyDocument.Statement)
          .filter((statement) => statement.Effect === 'Allow')
          .flatMap((statement) => listOf(statement.Action)),
      };
    });
}

/** The policy's `organization:` section naming `accounts` (each line inside `{ … }` after the id), plus `extra` settings. */
export function organizationSection(accounts: Record<string, string>, extra = ''): string {
  const lines = Object.entries(accounts).map(([id, rest]) => `    - { id: '${id}', ${rest} }`);
  return `
organization:
  id: o-abc123def4
  externalId: ${EXTERNAL_ID}
${extra}  accounts:
${lines.join('\n')}
`;
}

/**
 * Deploys the functions, as far as a test needs: netwarden.policy.yml plus `appended` as their policy,
 * the central account as their own, their modules fresh, and their clock the organisation's, so the
 * expiry of the credentials its STS issues is read as AWS means it.
 */
export function deployWithPolicy(org: SimulatedOrganization, appended: string): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(org.central.account.clock.now());
  const path = join(mkdtempSync(join(tmpdir(), 'netwarden-policy-')), 'netwarden.policy.yml');
  writeFileSync(path, `${readFileSync('netwarden.policy.yml', 'utf8')}${appended}`);
  vi.stubEnv('POLICY_PATH', path);
  vi.stubEnv('NETWARDEN_ACCOUNT_ID', ACCOUNT_ID);
  vi.resetModules();
}
