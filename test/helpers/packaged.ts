/**
 * The service as `osls package` builds it: the CloudFormation template and the artifacts, so that
 * template tests check what would really be deployed and the e2e tests run the shipped zips. The
 * global setup (test/helpers/package-once.ts) packages each stage and region once per test run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { beforeAll, inject } from 'vitest';

export interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}
export interface Packaged {
  readonly dir: string;
  readonly template: Template;
  readonly artifacts: string[];
}

/** Packaging takes tens of seconds on a busy machine, longer when another package is queued first. */
export const PACKAGING_HANG_LIMIT_MS = 900_000;

const packagedBy = new Map<string, Promise<Packaged>>();

/** Asks the global setup for a package (node:http, which has no response timeout of its own). */
function packageDir(stage: string, region: string | undefined, params: readonly string[]): Promise<string> {
  const url = new URL(inject('packagingUrl'));
  url.searchParams.set('stage', stage);
  if (region) url.searchParams.set('region', region);
  for (const param of params) url.searchParams.append('param', param);
  return new Promise((resolve, reject) => {
    // A connection of its own (no keep-alive agent): the global agent keeps sockets alive, and a file's
    // second request could go out on the socket of its first just as the server's 5-second keep-alive
    // timeout closed it ("socket hang up", seen once under load while a package was being waited for).
    get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode === 200) resolve((JSON.parse(body) as { dir: string }).dir);
        else reject(new Error(body));
      });
    }).on('error', reject);
  });
}

/**
 * The service packaged for a stage and region (without a region, the provider's default) and
 * `--param`s given as `name=value`.
 */
export function packageService(
  stage = 'prod',
  region?: string,
  params: readonly string[] = [],
): Promise<Packaged> {
  const key = `${stage}/${region ?? ''}/${[...params].sort().join('&')}`;
  let packaged = packagedBy.get(key);
  if (!packaged) {
    packaged = packageDir(stage, region, params).then((dir) => ({
      dir,
      template: JSON.parse(
        readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
      ) as Template,
      artifacts: readdirSync(dir).filter((file) => file.endsWith('.zip')),
    }));
    packagedBy.set(key, packaged);
  }
  return packaged;
}

/**
 * The one other deployment the template tests package: another region and an ops e-mail address. What
 * `--region` changes (role names) and what `--param="opsEmail=…"` changes (the subscription) do not
 * touch each other, so one `osls package` run serves both files' tests (each run costs seconds of CPU).
 */
const OTHER_OPS_EMAIL = 'oncall@example.com';
export const OTHER_DEPLOYMENT = {
  region: 'us-east-1',
  opsEmail: OTHER_OPS_EMAIL,
  params: [`opsEmail=${OTHER_OPS_EMAIL}`],
} as const;

/**
 * A test file's package, ready from its first test: `beforeAll` (in the describe block it is called
 * in) waits for it with the packaging hang limit, and the tests read `.template`, `.dir`, `.artifacts`.
 * `view` is how the file reads the template, e.g. as deployed under a condition (withCondition).
 */
export function usePackage(
  options: {
    readonly stage?: string;
    readonly region?: string;
    readonly params?: readonly string[];
    readonly view?: (template: Template) => Template;
  } = {},
): Packaged {
  let current: Packaged | undefined;
  beforeAll(async () => {
    const service = await packageService(options.stage, options.region, options.params);
    current = options.view ? { ...service, template: options.view(service.template) } : service;
  }, PACKAGING_HANG_LIMIT_MS);
  const ready = (): Packaged => {
    if (!current) throw new Error('usePackage() is only available inside a test');
    return current;
  };
  return {
    get dir() {
      return ready().dir;
    },
    get template() {
      return ready().template;
    },
    get artifacts() {
      return ready().artifacts;
    },
  };
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

/**
 * The template as CloudFormation would deploy it when `condition` is `holds`: each `Fn::If` on that
 * condition replaced by its chosen branch (`AWS::NoValue` removes the list element or property), and
 * the resources conditioned on it kept or dropped. Other conditions are left as they are.
 */
export function withCondition(template: Template, condition: string, holds: boolean): Template {
  const NO_VALUE = Symbol('AWS::NoValue');
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const branches = record['Fn::If'];
    if (Array.isArray(branches) && branches[0] === condition) {
      const chosen: unknown = holds ? branches[1] : branches[2];
      const isNoValue = JSON.stringify(chosen) === JSON.stringify({ Ref: 'AWS::NoValue' });
      return isNoValue ? NO_VALUE : resolve(chosen);
    }
    return Object.fromEntries(
      Object.entries(record)
        .map(([key, item]) => [key, resolve(item)] as const)
        .filter(([, item]) => item !== NO_VALUE),
    );
  };
  const resources = Object.entries(template.Resources).filter(
    ([, resource]) => (resource as { Condition?: string }).Condition !== condition || holds,
  );
  return {
    ...template,
    Resources: Object.fromEntries(
      resources.map(([id, resource]) => {
        const { Condition: _condition, ...rest } = resource as Record<string, unknown>;
        const kept = (resource as { Condition?: string }).Condition === condition ? rest : resource;
        return [id, resolve(kept) as Template['Resources'][string]];
      }),
    ),
  };
}
