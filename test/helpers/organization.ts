/**
 * What the organisation tests share: the member accounts of the simulated organisation, the role the
 * StackSet puts in each (trusting the central functions with the external id), and a deployment whose
 * policy is the repository's plus an `organization:` section.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { ACCOUNT_ID } from '../../simulated-account/index';
import type { SimulatedOrganization } from '../../simulated-account/organization';

export const MEMBER_B = '222233334444';
export const MEMBER_C = '555566667777';
/** An account the organisation does not list. */
export const OUTSIDE_ACCOUNT = '999988887777';
export const MEMBER_ROLE = 'netwarden-member-remediation';
export const EXTERNAL_ID = 'netwarden-o-abc123def4';

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
