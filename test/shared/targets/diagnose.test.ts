/** diagnose(): the pure decision, exhaustively, on small hand-made snapshots. */
import { describe, expect, it } from 'vitest';
import type { InstanceFacts } from '../../../shared/estate/instances';
import type { TargetHealthFacts } from '../../../shared/estate/load-balancing';
import type { TargetGroupSnapshot } from '../../../shared/estate/snapshot';
import { TargetPolicy } from '../../../shared/policy/schema';
import type { Rule } from '../../../shared/rules/rule';
import { diagnose, HEAL_TAGS } from '../../../shared/targets/diagnose';

const NOW = new Date('2026-11-23T12:00:00Z');
const NLB_SG = 'sg-0000000000000a001';
const APP_SG = 'sg-0000000000000b002';
const policy = TargetPolicy.parse({ select: { tags: { 'netwarden:heal': 'true' } } });

const rule = (groupId: string, direction: 'ingress' | 'egress', port: number, peerGroup: string): Rule => ({
  groupId,
  direction,
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  peer: { type: 'security-group', groupId: peerGroup },
  tags: {},
});
const openPath = (port: number) => [
  rule(APP_SG, 'ingress', port, NLB_SG),
  rule(NLB_SG, 'egress', port, APP_SG),
];

const instance = (id: string, overrides: Partial<InstanceFacts> = {}): InstanceFacts => ({
  instanceId: id,
  state: 'running',
  securityGroupIds: [APP_SG],
  tags: {},
  instanceStatus: 'ok',
  systemStatus: 'ok',
  ...overrides,
});
const target = (
  id: string,
  state: TargetHealthFacts['state'],
  reason?: string,
  port = 80,
): TargetHealthFacts => ({
  instanceId: id,
  port,
  state,
  ...(reason ? { reason } : {}),
});

function snapshot(
  targets: TargetHealthFacts[],
  instances: InstanceFacts[],
  rules = openPath(80),
): TargetGroupSnapshot {
  return {
    group: {
      arn: 'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/tg/0123456789abcdef',
      name: 'tg',
      protocol: 'TCP',
      port: 80,
      targetType: 'instance',
      loadBalancerArns: ['arn:lb'],
      healthCheck: { protocol: 'TCP', port: 'traffic-port', intervalSeconds: 30, healthyThreshold: 3 },
    },
    tags: { 'netwarden:heal': 'true' },
    loadBalancers: [
      {
        arn: 'arn:lb',
        name: 'nlb',
        type: 'network',
        securityGroupIds: [NLB_SG],
        subnets: [{ subnetId: 's-1', zone: 'a', cidr: '10.0.1.0/24' }],
      },
    ],
    listeners: [
      { arn: 'arn:l', loadBalancerArn: 'arn:lb', port: 443, protocol: 'TLS', targetGroupArns: ['x'] },
    ],
    targets,
    instances: Object.fromEntries(instances.map((item) => [item.instanceId, item])),
    rules,
    siblings: [],
  };
}

const ids = [
  'i-00000000000000001',
  'i-00000000000000002',
  'i-00000000000000003',
  'i-00000000000000004',
] as const;
const [a, b, c, d] = ids;

describe('per-target healing', () => {
  it('never acts on more than half of a group at once, even when maxUnhealthyFraction would allow it', () => {
    const result = diagnose(
      snapshot(
        [
          target(a, 'healthy'),
          target(b, 'unused', 'Target.InvalidState'),
          target(c, 'unused', 'Target.InvalidState'),
          target(d, 'unused', 'Target.InvalidState'),
        ],
        [
          instance(a),
          instance(b, { state: 'stopped' }),
          instance(c, { state: 'stopped' }),
          instance(d, { state: 'stopped' }),
        ],
      ),
      { ...policy, maxUnhealthyFraction: 0.8 },
      NOW,
    );
    expect(
      result.decisions.map((decision) => [
        decision.instanceId,
        decision.type === 'hold' ? decision.reason : decision.action,
      ]),
    ).toEqual([
      [b, 'start'],
      [c, 'start'],
      [d, 'capped'],
    ]);
  });

  it("caps a run at the budget's perTargetGroup too, when it is below half the group (one number: healCap)", () => {
    const result = diagnose(
      snapshot(
        [
          target(a, 'healthy'),
          target(b, 'unused', 'Target.InvalidState'),
          target(c, 'unused', 'Target.InvalidState'),
          target(d, 'unused', 'Target.InvalidState'),
        ],
        [
          instance(a),
          instance(b, { state: 'stopped' }),
          instance(c, { state: 'stopped' }),
          instance(d, { state: 'stopped' }),
        ],
      ),
      { ...policy, maxUnhealthyFraction: 0.8 },
      NOW,
      { perTargetGroup: 1 },
    );
    expect(
      result.decisions.map((decision) => [
        decision.instanceId,
        decision.type === 'hold' ? decision.reason : decision.action,
      ]),
    ).toEqual([
      [b, 'start'],
      [c, 'capped'],
      [d, 'capped'],
    ]);
    expect(result.decisions[1]).toMatchObject({
      why: 'the instance is stopped: at most 1 target(s) of 4 may be healed at once; deferred to the next sweep',
    });
  });

  it('counts an instance still cooling down against the cap', () => {
    const cooling = { [HEAL_TAGS.attempts]: '1', [HEAL_TAGS.lastAt]: '2026-11-23T11:50:00Z' };
    const result = diagnose(
      snapshot(
        [
          target(a, 'healthy'),
          target(b, 'unhealthy', 'Target.FailedHealthChecks'),
          target(c, 'unused', 'Target.InvalidState'),
          target(d, 'unused', 'Target.InvalidState'),
        ],
        [
          instance(a),
          instance(b, { tags: cooling }),
          instance(c, { state: 'stopped' }),
          instance(d, { state: 'stopped' }),
        ],
      ),
      { ...policy, maxUnhealthyFraction: 0.8 },
      NOW,
    );
    expect(
      result.decisions.map((decision) => [
        decision.instanceId,
        decision.type === 'hold' ? decision.reason : decision.action,
      ]),
    ).toEqual([
      [b, 'cooldown'],
      [c, 'start'],
      [d, 'capped'],
    ]);
  });

  it('does not reboot while no target is healthy, even under the fraction', () => {
    const result = diagnose(
      snapshot(
        [
          target(a, 'initial', 'Elb.InitialHealthChecking'),
          target(b, 'initial', 'Elb.InitialHealthChecking'),
          target(c, 'unhealthy', 'Target.FailedHealthChecks'),
        ],
        [instance(a), instance(b), instance(c, { instanceStatus: 'impaired' })],
      ),
      policy,
      NOW,
    );
    expect(result.decisions).toMatchObject([{ type: 'hold', reason: 'no-healthy-target', instanceId: c }]);
  });

  it('starts a stopped instance while no target is healthy: starting takes traffic from no one', () => {
    const result = diagnose(
      snapshot(
        [
          target(a, 'initial', 'Elb.InitialHealthChecking'),
          target(b, 'initial', 'Elb.InitialHealthChecking'),
          target(c, 'unused', 'Target.InvalidState'),
        ],
        [instance(a), instance(b), instance(c, { state: 'stopped' })],
      ),
      policy,
      NOW,
    );
    expect(result.decisions).toMatchObject([{ type: 'act', action: 'start', instanceId: c }]);
  });

  it('only takes actions the policy lists', () => {
    const result = diagnose(
      snapshot(
        [target(a, 'healthy'), target(b, 'healthy'), target(c, 'unhealthy', 'Target.FailedHealthChecks')],
        [instance(a), instance(b), instance(c, { instanceStatus: 'impaired' })],
      ),
      { ...policy, actions: ['start'] },
      NOW,
    );
    expect(result.status).toBe('human-needed');
    expect(result.decisions).toMatchObject([{ type: 'hold', reason: 'not-allowed', action: 'reboot' }]);
  });

  it('never touches a healthy target, and ignores draining and initial ones', () => {
    const result = diagnose(
      snapshot(
        [
          target(a, 'healthy'),
          target(b, 'draining', 'Target.DeregistrationInProgress'),
          target(c, 'initial', 'Elb.InitialHealthChecking'),
        ],
        [instance(a), instance(b, { state: 'stopped' }), instance(c)],
      ),
      policy,
      NOW,
    );
    expect(result.decisions).toEqual([]);
    expect(result.status).toBe('settling');
    expect(result.counts).toMatchObject({ total: 2, healthy: 1 });
  });

  it('says a target whose port is closed on its own security group needs a human, not a reboot', () => {
    const other = instance(c, { securityGroupIds: ['sg-0000000000000c003'] });
    const result = diagnose(
      snapshot(
        [target(a, 'healthy'), target(b, 'healthy'), target(c, 'unhealthy', 'Target.FailedHealthChecks')],
        [instance(a), instance(b), other],
      ),
      policy,
      NOW,
    );
    expect(result.decisions).toMatchObject([{ type: 'hold', reason: 'needs-human', instanceId: c }]);
    expect(result.decisions[0]?.why).toContain('port 80 is closed to the load balancer');
  });
});

describe('systemic causes', () => {
  it('reports a health-check port closed to the load balancer with the rule to add, when no other port is evidence', () => {
    const result = diagnose(
      snapshot(
        [
          target(a, 'unhealthy', 'Target.FailedHealthChecks'),
          target(b, 'unhealthy', 'Target.FailedHealthChecks'),
        ],
        [instance(a), instance(b)],
        [],
      ),
      policy,
      NOW,
    );
    expect(result.status).toBe('systemic');
    expect(result.systemic).toMatchObject([{ kind: 'health-check-port-closed' }]);
    expect(result.systemic[0]?.fix).toBe(
      `${APP_SG}: allow tcp 80 from nlb (${NLB_SG}); ${NLB_SG}: allow tcp 80 out to ${APP_SG}`,
    );
    expect(result.decisions).toEqual([]);
  });

  it('names the candidates when the evidence points at more than one port', () => {
    const result = diagnose(
      snapshot(
        [
          target(a, 'unhealthy', 'Target.FailedHealthChecks'),
          target(b, 'unhealthy', 'Target.FailedHealthChecks'),
        ],
        [instance(a), instance(b)],
        [...openPath(8080), ...openPath(8443)],
      ),
      policy,
      NOW,
    );
    expect(result.systemic[0]).toMatchObject({
      kind: 'port-mismatch',
      summary:
        'health checks probe 80, which the gateway does not answer on; the load balancer can reach it on 8080 or 8443',
    });
  });

  it('does not blame the port when the probed port is open and the application answers nowhere', () => {
    const failing = [
      target(a, 'unhealthy', 'Target.FailedHealthChecks'),
      target(b, 'unhealthy', 'Target.FailedHealthChecks'),
    ];
    // 80 (probed) and 8080 are open: with nothing healthy anywhere, 8080 is no evidence of a mismatch.
    const down = diagnose(
      snapshot(failing, [instance(a), instance(b)], [...openPath(80), ...openPath(8080)]),
      policy,
      NOW,
    );
    expect(down.systemic).toMatchObject([{ kind: 'most-unhealthy' }]);

    // The same instances healthy in a sibling group on 9995: the application is up, so the port is suspect.
    const base = snapshot(failing, [instance(a), instance(b)], [...openPath(80), ...openPath(8080)]);
    const sibling = {
      ...base,
      group: { ...base.group, name: 'tg-custom', port: 9995 },
      targets: [target(a, 'healthy', undefined, 9995), target(b, 'healthy', undefined, 9995)],
    };
    const up = diagnose({ ...base, siblings: [sibling] }, policy, NOW);
    expect(up.systemic[0]).toMatchObject({
      kind: 'port-mismatch',
      summary: 'health checks probe 80, the gateway is reachable on 8080',
    });
  });

  it('treats a group behind no listener as systemic', () => {
    const base = snapshot([target(a, 'unused', 'Target.NotInUse')], [instance(a)]);
    const result = diagnose({ ...base, group: { ...base.group, loadBalancerArns: [] } }, policy, NOW);
    expect(result.systemic).toMatchObject([{ kind: 'not-in-use' }]);
  });
});

describe('recovery', () => {
  it('clears the tags of instances this group healed once they are healthy, and only those', () => {
    const healed = {
      [HEAL_TAGS.attempts]: '1',
      [HEAL_TAGS.lastAt]: '2026-11-23T11:50:00Z',
      [HEAL_TAGS.targetGroup]: 'tg',
    };
    const healedElsewhere = { ...healed, [HEAL_TAGS.targetGroup]: 'other-tg' };
    const result = diagnose(
      snapshot(
        [target(a, 'healthy'), target(b, 'healthy')],
        [instance(a, { tags: healed }), instance(b, { tags: healedElsewhere })],
      ),
      policy,
      NOW,
    );
    expect(result.status).toBe('recovered');
    expect(result.recovered).toEqual([a]);
  });
});
