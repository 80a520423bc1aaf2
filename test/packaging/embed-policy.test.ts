/**
 * The policy a bundle starts from (tools/embed-policy-plugin.cjs in place of shared/policy/startup.ts):
 * exactly what the functions' validator returns for the file, built without the schema or a YAML parser.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInThisContext } from 'node:vm';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy } from '../../shared/policy/load';
import type { Policy } from '../../shared/policy/schema';

const REPO = resolve(import.meta.dirname, '../..');
const POLICY = readFileSync(join(REPO, 'netwarden.policy.yml'), 'utf8');
const plugin = createRequire(import.meta.url)('../../tools/embed-policy-plugin.cjs') as {
  readonly embedPolicyPlugin: Plugin;
  readonly embeddedPolicySource: (policy: unknown) => string;
  readonly policySource: (value: unknown) => string;
};
const made: string[] = [];

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const rebuilt = (source: string): unknown => runInThisContext(`(${source})`);

describe('the embedded policy', () => {
  it('is, in a bundle of shared/policy/startup.ts, the policy the validator returns, without the schema or YAML', async () => {
    const output = await build({
      absWorkingDir: REPO,
      entryPoints: ['shared/policy/startup.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      plugins: [plugin.embedPolicyPlugin],
    });
    const inputs = Object.keys(output.metafile.inputs);
    expect(
      inputs.filter((input) => /shared\/policy\/(load|schema|timezone|document)\.ts$|yaml|zod/.test(input)),
    ).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'netwarden-embed-'));
    made.push(dir);
    const file = join(dir, 'startup.mjs');
    writeFileSync(file, output.outputFiles[0]?.text ?? '');
    const bundled = (await import(pathToFileURL(file).href)) as { startupPolicy: (path: string) => Policy };

    expect(bundled.startupPolicy('netwarden.policy.yml')).toStrictEqual(
      loadPolicy(join(REPO, 'netwarden.policy.yml')),
    );
  });

  it('keeps an exception’s expiry a Date, the instant the validator read', () => {
    const withException = POLICY.replace(
      'exceptions: []',
      `exceptions:
  - group: sg-0db00000000006379
    rule: { direction: ingress, protocol: tcp, ports: 6379, source: 10.30.0.0/16 }
    reason: CHG-1234 legacy batch hosts until the migration
    expires: 2027-03-31`,
    );
    expect(withException).not.toBe(POLICY);
    const policy = parsePolicy(withException);
    const source = plugin.embeddedPolicySource(policy);

    const embedded = rebuilt(source) as Policy;
    expect(embedded).toStrictEqual(policy);
    expect(embedded.exceptions[0]?.expires).toEqual(new Date('2027-03-31T00:00:00Z'));
  });

  it('refuses, naming where it is, anything it would not rebuild equal', () => {
    expect(() => plugin.policySource({ checks: { cost: [Number.NaN] } })).toThrow(
      'policy.checks.cost[0]: cannot embed number NaN in a bundle',
    );
    expect(() => plugin.policySource({ a: undefined })).toThrow('policy.a: cannot embed undefined undefined');
    expect(() => plugin.policySource({ a: -0 })).toThrow('policy.a: cannot embed number -0');
    expect(() => plugin.policySource({ a: new Map() })).toThrow('policy.a: cannot embed [object Map]');
    expect(() => plugin.policySource({ a: Object.create(null) })).toThrow(
      'policy.a: cannot embed [object Object]',
    );
    expect(() => plugin.policySource({ a: new Date(Number.NaN) })).toThrow(
      'policy.a: cannot embed [object Date]',
    );
  });

  it('refuses a value that would not rebuild equal even where each part is embeddable', () => {
    // An own "__proto__" key (JSON.parse makes one) would set the prototype of an object literal instead.
    const policy = JSON.parse('{"tags":{"__proto__":{"team":"db"}}}') as unknown;
    expect(() => plugin.embeddedPolicySource(policy)).toThrow(
      'the validated policy does not rebuild equal from its embedded form',
    );
  });
});
