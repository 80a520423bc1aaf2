import { describe, expect, it } from 'vitest';
import { effectiveMode, loadPolicy, PolicyError, parsePolicy } from '../../../shared/policy/load';

const minimal = (extra: string) => `version: 1\n${extra}`;

describe('parsePolicy', () => {
  it('loads the shipped policy file', () => {
    const policy = loadPolicy('netwarden.policy.yml');
    expect(policy.securityGroups.map((section) => section.name)).toEqual([
      'account-wide-guardrails',
      'gateway-front-door',
      'rds-postgres',
      'rds-mysql',
    ]);
    expect(policy.securityGroups[0]).toMatchObject({ select: { all: true }, guardrailsOnly: true });
    expect(policy.grants?.maxTtl).toBe(8 * 3_600_000);
    expect(policy.targets?.cooldown).toBe(30 * 60_000);
  });

  it('turns ports, ranges and durations into values', () => {
    const policy = parsePolicy(
      minimal(
        `securityGroups:\n  - name: db\n    select: { ids: [sg-0123456789abcdef0] }\n    forbid:\n      - { source: 10.1.2.3/0, ports: [22, "27017-27019"] }\ngrants:\n  ports: [5432]\n  maxTtl: 1h30m\n  defaultTtl: 15m`,
      ),
    );
    expect(policy.securityGroups[0]?.forbid[0]).toEqual({
      direction: 'ingress',
      source: '0.0.0.0/0',
      ports: [
        { from: 22, to: 22 },
        { from: 27017, to: 27019 },
      ],
    });
    expect(policy.grants?.maxTtl).toBe(5_400_000);
    expect(policy.mode).toBe('report');
  });

  it.each([
    [
      'a port out of range',
      'securityGroups:\n  - name: db\n    select: { ids: [sg-0123456789abcdef0] }\n    forbid: [{ ports: [70000] }]',
      'policy.securityGroups[0].forbid[0].ports',
    ],
    [
      'a bad duration',
      'grants:\n  ports: [5432]\n  maxTtl: 8 hours',
      'policy.grants.maxTtl: expected a duration like "90s", "15m", "1h" or "1h30m", found "8 hours"',
    ],
    [
      'a bad CIDR',
      'securityGroups:\n  - name: db\n    select: { ids: [sg-0123456789abcdef0] }\n    forbid: [{ source: 10.0.0.0/33 }]',
      'policy.securityGroups[0].forbid[0].source: expected an IPv4 or IPv6 CIDR, found "10.0.0.0/33"',
    ],
    [
      'a typo in a key',
      'securityGroups:\n  - name: db\n    select: { ids: [sg-0123456789abcdef0] }\n    forbids: []',
      'policy.securityGroups[0]: expected only known keys, found unknown key(s) forbids',
    ],
    [
      'an empty selector',
      'securityGroups:\n  - name: db\n    select: {}',
      'policy.securityGroups[0].select: expected at least one of all, tags, ids, names',
    ],
    ['a bad mode', 'mode: enforced', 'policy.mode:'],
    [
      'defaultTtl above maxTtl',
      'grants:\n  ports: [5432]\n  defaultTtl: 9h\n  maxTtl: 8h',
      'policy.grants.defaultTtl: expected defaultTtl <= maxTtl, found "9h"',
    ],
  ])('rejects %s with the path, what was expected and what was found', (_name, body, message) => {
    expect(() => parsePolicy(minimal(body))).toThrowError(PolicyError);
    expect(() => parsePolicy(minimal(body))).toThrowError(message);
  });

  it('rejects YAML that does not parse, and a missing file, saying which', () => {
    expect(() => parsePolicy('version: [1', 'p.yml')).toThrowError(/^p\.yml: not valid YAML/);
    expect(() => loadPolicy('/nonexistent/netwarden.policy.yml')).toThrowError(
      /cannot read the policy file \/nonexistent\/netwarden.policy.yml/,
    );
  });
});

describe('effectiveMode', () => {
  const policy = parsePolicy(minimal('mode: enforce'));
  it('lets the stage override replace the file, and report win anywhere', () => {
    expect(effectiveMode(policy, undefined, undefined)).toBe('enforce');
    expect(effectiveMode(policy, undefined, 'report')).toBe('report');
    expect(effectiveMode(policy, { mode: 'report' }, 'enforce')).toBe('report');
    expect(effectiveMode(parsePolicy(minimal('mode: report')), undefined, 'enforce')).toBe('enforce');
    expect(effectiveMode(policy, { mode: 'enforce' }, 'report')).toBe('report');
  });
});
