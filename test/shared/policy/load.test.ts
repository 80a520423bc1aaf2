import { describe, expect, it } from 'vitest';
import { loadPolicy, PolicyError, parsePolicy } from '../../../shared/policy/load';
import { effectiveMode } from '../../../shared/policy/mode';
import { stagePolicy } from '../../../shared/wiring';

const minimal = (extra: string) => `version: 1\n${extra}`;

describe('parsePolicy: a baseline no guardrail forbids', () => {
  const policyWith = (baseline: string) => `version: 1
securityGroups:
  - name: account-wide-guardrails
    select: { all: true }
    guardrailsOnly: true
    forbid:
      - { source: 0.0.0.0/0, ports: [3306, 5432] }
      - { source: 0.0.0.0/0, ports: [22] }
  - name: front-door
    select: { tags: { "netwarden:protect": "true" } }
    forbid: [{ source: "::/0" }]
  - name: nlb
    select: { ids: [sg-0c0ffee0000000001] }
    baseline:
${baseline}
`;

  it('rejects a baseline entry that a guardrail of another section forbids, naming both', () => {
    expect(() =>
      parsePolicy(
        policyWith(`      - { ports: 443, source: 10.20.1.0/24 }
      - { ports: [443, 22], source: 0.0.0.0/0 }
      - { ports: 443, source: "::/0" }`),
      ),
    ).toThrowError(
      [
        'netwarden.policy.yml is invalid:',
        'policy.securityGroups[2].baseline[1]: tcp 22 from 0.0.0.0/0 is forbidden by policy.securityGroups[0].forbid[1] ("account-wide-guardrails"): netwarden never restores a rule a guardrail forbids, found {"ports":[443,22],"source":"0.0.0.0/0"}',
        'policy.securityGroups[2].baseline[2]: tcp 443 from ::/0 is forbidden by policy.securityGroups[1].forbid[0] ("front-door"): netwarden never restores a rule a guardrail forbids, found {"ports":443,"source":"::/0"}',
      ].join('\n'),
    );
  });

  it('accepts a baseline that clears every guardrail, and the shipped policy', () => {
    expect(() => parsePolicy(policyWith('      - { ports: 443, source: 0.0.0.0/0 }'))).not.toThrow();
    expect(() => loadPolicy('netwarden.policy.yml')).not.toThrow();
  });
});

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
    // The world-open database and admin ports on every group, however the world is spelled.
    const guarded = [
      { from: 22, to: 22 },
      { from: 3306, to: 3306 },
      { from: 5432, to: 5432 },
      { from: 6379, to: 6379 },
      { from: 27017, to: 27019 },
      { from: 3389, to: 3389 },
    ];
    expect(policy.securityGroups[0]?.forbid).toEqual([
      { direction: 'ingress', source: '0.0.0.0/0', ports: guarded },
      { direction: 'ingress', source: '::/0', ports: guarded },
      { direction: 'ingress', widerThan: 8, widerThanIpv6: 32, ports: guarded },
    ]);
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
    // The blast-radius budget's defaults, when the policy says nothing.
    expect(policy.budget).toEqual({ window: 600_000, perAccount: 20, perGroup: 5, perTargetGroup: 5 });
    expect(
      parsePolicy(minimal('budget:\n  window: 1h\n  perAccount: 50\n  perGroup: 10\n  perTargetGroup: 2'))
        .budget,
    ).toEqual({
      window: 3_600_000,
      perAccount: 50,
      perGroup: 10,
      perTargetGroup: 2,
    });
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
    [
      'minTtl above defaultTtl',
      'grants:\n  ports: [5432]\n  minTtl: 2h\n  defaultTtl: 1h',
      'policy.grants.minTtl: expected minTtl <= defaultTtl, found "2h"',
    ],
    [
      'a budget of no writes',
      'budget:\n  perAccount: 0',
      'policy.budget.perAccount: expected at least 1 write (to stop every write, use the kill switch: netwarden pause), found 0',
    ],
    [
      'a budget of part of a write',
      'budget:\n  perGroup: 2.5',
      'policy.budget.perGroup: expected a whole number of writes, found 2.5',
    ],
    [
      'a group budget above the account budget',
      'budget:\n  perAccount: 10\n  perGroup: 11',
      'policy.budget.perGroup: expected perGroup <= perAccount (one group cannot have more writes than its account), found 11',
    ],
    [
      'a target-group budget above the account budget',
      'budget:\n  perAccount: 10\n  perTargetGroup: 11',
      'policy.budget.perTargetGroup: expected perTargetGroup <= perAccount (one group cannot have more writes than its account), found 11',
    ],
    [
      'a target-group budget of no heals',
      'budget:\n  perTargetGroup: 0',
      'policy.budget.perTargetGroup: expected at least 1 heal (to stop every write, use the kill switch: netwarden pause), found 0',
    ],
    [
      'a budget window of seconds',
      'budget:\n  window: 30s',
      'policy.budget.window: expected a window between 1m and 1d',
    ],
    [
      'a typo in the budget',
      'budget:\n  perAcount: 10',
      'policy.budget: expected only known keys, found unknown key(s) perAcount',
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
  it('lets the stage’s mode (folded into the policy) replace the file, and report win anywhere', () => {
    expect(effectiveMode(stagePolicy(policy, undefined), undefined)).toBe('enforce');
    expect(effectiveMode(stagePolicy(policy, 'report'), undefined)).toBe('report');
    expect(effectiveMode(stagePolicy(policy, 'enforce'), { mode: 'report' })).toBe('report');
    expect(effectiveMode(stagePolicy(parsePolicy(minimal('mode: report')), 'enforce'), undefined)).toBe(
      'enforce',
    );
    expect(effectiveMode(stagePolicy(policy, 'report'), { mode: 'enforce' })).toBe('report');
  });
});
