/**
 * Packages the service once per test file with `osls package` (offline) and exposes the
 * CloudFormation template, so template tests check what would really be deployed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}
export interface Packaged {
  readonly dir: string;
  readonly template: Template;
  readonly artifacts: string[];
}

const packagedBy = new Map<string, Packaged>();

/** Packages once per stage and region in this test file; without a region, the provider's default. */
export function packageService(stage = 'prod', region?: string): Packaged {
  const key = `${stage}/${region ?? ''}`;
  const done = packagedBy.get(key);
  if (done) return done;
  const dir = mkdtempSync(join(tmpdir(), 'netwarden-package-'));
  const where = region ? ['--region', region] : [];
  execFileSync('npx', ['osls', 'package', '--stage', stage, ...where, '--package', dir], {
    stdio: 'pipe',
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
    // Generous: packaging is the slowest thing the tests do, and CI machines are often busy.
    timeout: 600_000,
  });
  const template = JSON.parse(
    readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  const packaged = { dir, template, artifacts: readdirSync(dir).filter((file) => file.endsWith('.zip')) };
  packagedBy.set(key, packaged);
  return packaged;
}

export function resourcesOfType(template: Template, type: string) {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every action a role's inline policies allow. */
export function allowedActions(template: Template, roleLogicalId: string): string[] {
  const role = template.Resources[roleLogicalId];
  if (!role) throw new Error(`no resource ${roleLogicalId} in the template`);
  const policies = (role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
    .sort();
}
