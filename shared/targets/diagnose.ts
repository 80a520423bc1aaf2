/**
 * diagnose(snapshot, policy, now, budget) → Diagnosis: pure, no AWS calls.
 *
 * First the group as a whole. Systemic causes are explained with the fix and nothing is touched:
 *   - the port health checks probe is not the port the application serves (the seed's 443 vs 80),
 *   - the health-check port is not open from the load balancer to the targets,
 *   - more than maxUnhealthyFraction of the targets are unhealthy (a configuration or application
 *     problem: an NLB fails open, and restarting most of a group at once is an outage).
 * Then each target, if nothing is systemic: stopped → start; registered on the wrong port →
 * re-register; impaired or failing health checks while running → reboot. Each action must be allowed
 * by the policy, past the instance's cooldown, under maxAttempts, and within a per-run cap that
 * never puts most of the group in flux (healCap: at most half the targets and the budget's
 * perTargetGroup, the same number the blast-radius budget holds the group to per window,
 * shared/safety/budget.ts); healthy targets are never touched. Every state but `healthy`
 * is a target not serving; only `initial` (within initialBoundMs) and `draining` are left to settle,
 * and `unavailable` (health checks disabled, or none to be had) is reported, never acted on.
 */

import type { InstanceFacts } from '../estate/instances';
import type { TargetHealthFacts } from '../estate/load-balancing';
import type { TargetGroupSnapshot } from '../estate/snapshot';
import { BUDGET_DEFAULTS } from '../policy/defaults';
import type { TargetPolicy } from '../policy/schema';
import { type BudgetLimits, healCap } from '../safety/budget';
import { checkPath, pathOpen, portsOpenFromLoadBalancer } from './path';

export const HEAL_TAGS = {
  attempts: 'netwarden:heal-attempts',
  lastAt: 'netwarden:heal-last-at',
  lastAction: 'netwarden:heal-last-action',
  targetGroup: 'netwarden:heal-target-group',
} as const;
/** Optional tag on a target group: the port its application serves, when the evidence is not enough. */
export const APP_PORT_TAG = 'netwarden:app-port';

export type HealAction = 'start' | 'reboot' | 'reregister';

export interface HealHistory {
  readonly attempts: number;
  readonly lastAt?: Date;
  readonly lastAction?: string;
  readonly targetGroup?: string;
}

export function historyOf(tags: Readonly<Record<string, string>>): HealHistory {
  const attempts = Number.parseInt(tags[HEAL_TAGS.attempts] ?? '0', 10);
  const lastAt = tags[HEAL_TAGS.lastAt] ? new Date(tags[HEAL_TAGS.lastAt] ?? '') : undefined;
  return {
    attempts: Number.isFinite(attempts) && attempts > 0 ? attempts : 0,
    ...(lastAt && !Number.isNaN(lastAt.getTime()) ? { lastAt } : {}),
    ...(tags[HEAL_TAGS.lastAction] ? { lastAction: tags[HEAL_TAGS.lastAction] } : {}),
    ...(tags[HEAL_TAGS.targetGroup] ? { targetGroup: tags[HEAL_TAGS.targetGroup] } : {}),
  };
}

export const hasHealTags = (tags: Readonly<Record<string, string>>) =>
  Object.values(HEAL_TAGS).some((key) => key in tags);

export type SystemicKind = 'port-mismatch' | 'health-check-port-closed' | 'most-unhealthy' | 'not-in-use';

export interface SystemicCause {
  readonly kind: SystemicKind;
  readonly summary: string;
  readonly fix: string;
  readonly evidence: string[];
}

/** What is wrong with one target, and the action that could fix it (if one can). */
export type TargetCause =
  | { readonly kind: 'healthy' }
  | { readonly kind: 'transitional'; readonly text: string }
  | {
      readonly kind: 'healable';
      readonly action: HealAction;
      readonly text: string;
      readonly registerPort?: number;
    }
  | { readonly kind: 'unhealable'; readonly text: string };

export type HoldReason =
  | 'cooldown'
  | 'max-attempts'
  | 'not-allowed'
  | 'capped'
  | 'no-healthy-target'
  | 'needs-human';

export type TargetDecision =
  | {
      readonly type: 'act';
      readonly action: HealAction;
      readonly instanceId: string;
      readonly port: number;
      /** reregister: the port to register on (the stale registration on `port` is removed). */
      readonly registerPort?: number;
      readonly attempt: number;
      readonly why: string;
    }
  | {
      readonly type: 'hold';
      readonly reason: HoldReason;
      readonly action?: HealAction;
      readonly instanceId: string;
      readonly port: number;
      readonly why: string;
    };

export interface TargetReport {
  readonly instanceId: string;
  readonly port: number;
  readonly state: string;
  readonly reason?: string;
  readonly cause: string;
}

/** settling: nothing wrong, only targets in transition (initial checks, draining, an instance starting). */
export type DiagnosisStatus =
  | 'healthy'
  | 'settling'
  | 'recovered'
  | 'systemic'
  | 'healing'
  | 'human-needed'
  | 'waiting';

export interface Diagnosis {
  readonly targetGroup: { readonly arn: string; readonly name: string };
  readonly status: DiagnosisStatus;
  readonly counts: {
    readonly total: number;
    readonly healthy: number;
    readonly unhealthy: number;
    readonly transitional: number;
  };
  /** The port health checks probe for targets on the group's port. */
  readonly probePort: number;
  readonly systemic: SystemicCause[];
  readonly targets: TargetReport[];
  readonly decisions: TargetDecision[];
  /** Instances whose heal tags (from this group) can be cleared: healthy again. */
  readonly recovered: string[];
}

const isUnhealthy = (target: TargetHealthFacts) =>
  target.state === 'unhealthy' || target.state === 'unhealthy.draining';
const isTransitional = (target: TargetHealthFacts) =>
  target.state === 'initial' || target.state === 'draining';

/**
 * How long a target may stay `initial` before it counts as stuck: the first verdict takes
 * HealthyThreshold × interval after the instance is up, plus one interval of slack, and never less
 * than INITIAL_FLOOR_MS (booting and registering take minutes, and a sweep comes every 5). Measured
 * from the later of the instance's launch and netwarden's last action on it: DescribeTargetHealth
 * does not say when a target was registered.
 */
export const INITIAL_FLOOR_MS = 5 * 60_000;
export function initialBoundMs(healthCheck: TargetGroupSnapshot['group']['healthCheck']): number {
  return Math.max(INITIAL_FLOOR_MS, (healthCheck.healthyThreshold + 1) * healthCheck.intervalSeconds * 1000);
}

/** When the target's first health checks can have started at the latest, if anything says. */
function checkingSince(instance: InstanceFacts | undefined): Date | undefined {
  if (!instance) return undefined;
  const times = [instance.launchedAt, historyOf(instance.tags).lastAt].filter(
    (time): time is Date => time !== undefined,
  );
  return times.length > 0 ? new Date(Math.max(...times.map((time) => time.getTime()))) : undefined;
}

export function probePortOf(snapshot: TargetGroupSnapshot, targetPort = snapshot.group.port): number {
  const port = snapshot.group.healthCheck.port;
  return port === 'traffic-port' ? targetPort : port;
}

/** The cause of one target's state, read from its health, its instance and its registration. */
export function causeOf(
  target: TargetHealthFacts,
  instance: InstanceFacts | undefined,
  snapshot: TargetGroupSnapshot,
  now: Date,
): TargetCause {
  if (target.state === 'healthy') return { kind: 'healthy' };
  if (target.state === 'draining')
    return { kind: 'transitional', text: 'deregistration in progress (draining): left alone' };
  if (target.state === 'initial') {
    const since = checkingSince(instance);
    const bound = initialBoundMs(snapshot.group.healthCheck);
    if (since && now.getTime() - since.getTime() > bound)
      // Nothing netwarden may do is known to help a registration that does not complete: report it.
      return {
        kind: 'unhealable',
        text: `still in its first health checks (${target.reason ?? 'initial'}) ${Math.round((now.getTime() - since.getTime()) / 1000)}s after the instance came up or was last healed, longer than the ${bound / 1000}s they take: check the registration and the health-check settings`,
      };
    return { kind: 'transitional', text: `first health checks in progress (${target.reason ?? 'initial'})` };
  }
  const probe = target.healthCheckPort ?? probePortOf(snapshot, target.port);
  if (!instance)
    return {
      kind: 'unhealable',
      text: `instance ${target.instanceId} no longer exists: deregister or replace it`,
    };
  switch (instance.state) {
    case 'stopped':
      return { kind: 'healable', action: 'start', text: 'the instance is stopped' };
    case 'pending':
    case 'stopping':
    case 'shutting-down':
      return { kind: 'transitional', text: `the instance is ${instance.state}` };
    case 'terminated':
      return {
        kind: 'unhealable',
        text: 'the instance is terminated: deregister it and register its replacement',
      };
  }
  if (target.state === 'unused') {
    if (target.reason === 'Target.InvalidState')
      return {
        kind: 'transitional',
        text: 'the instance is running again; the load balancer has not caught up yet',
      };
    if (target.reason === 'Target.NotInUse')
      return {
        kind: 'unhealable',
        text: `not in use (${target.description ?? 'its Availability Zone is not enabled on the load balancer'})`,
      };
    return { kind: 'unhealable', text: `unused (${target.reason ?? 'no reason given'})` };
  }
  if (target.state === 'unavailable')
    return target.reason === 'Target.HealthCheckDisabled'
      ? {
          kind: 'unhealable',
          text: 'health checks are disabled on the target group (Target.HealthCheckDisabled): nobody can tell whether it serves; enable them',
        }
      : {
          kind: 'unhealable',
          text: `health unavailable (${target.reason ?? 'no reason given'}): ELBv2 cannot say; nothing to heal`,
        };
  // Unhealthy on a running instance.
  const impaired = [
    instance.instanceStatus === 'impaired' ? 'instance status check' : undefined,
    instance.systemStatus === 'impaired' ? 'system status check' : undefined,
  ].filter(Boolean);
  if (impaired.length > 0)
    return {
      kind: 'healable',
      action: 'reboot',
      text: `${impaired.join(' and ')} impaired; fails health checks on ${probe}`,
    };
  if (snapshot.group.healthCheck.port === 'traffic-port' && target.port !== snapshot.group.port)
    return {
      kind: 'healable',
      action: 'reregister',
      registerPort: snapshot.group.port,
      text: `registered on port ${target.port} instead of the group's ${snapshot.group.port} (a stale port override); fails health checks there`,
    };
  const closed = snapshot.loadBalancers
    .map((lb) => checkPath(snapshot.rules, lb, instance, probe))
    .filter((check) => !pathOpen(check));
  if (snapshot.loadBalancers.length > 0 && closed.length === snapshot.loadBalancers.length)
    return {
      kind: 'unhealable',
      text: `port ${probe} is closed to the load balancer: ${closed.flatMap((check) => check.missing).join('; ')}`,
    };
  return {
    kind: 'healable',
    action: 'reboot',
    text: `fails health checks on ${probe} (${target.reason ?? 'unhealthy'}) while running with status checks ok`,
  };
}

interface Evidence {
  readonly appPort?: number;
  readonly candidates: number[];
  readonly lines: string[];
  /** The application's port is known from the netwarden:app-port tag, not inferred. */
  readonly tagged: boolean;
  /** The load balancer may reach the probed port: a mismatch then needs proof the application is up. */
  readonly probeOpen: boolean;
  /** The same instances pass health checks in a sibling group: the application answers somewhere. */
  readonly appUp: boolean;
}

/** Where does the application answer? A tag, then the ports the path allows that nothing else uses. */
export function appPortEvidence(snapshot: TargetGroupSnapshot, probe: number): Evidence {
  const lines: string[] = [];
  const tagged = Number.parseInt(snapshot.tags[APP_PORT_TAG] ?? '', 10);
  const running = snapshot.targets
    .map((target) => snapshot.instances[target.instanceId])
    .filter((instance): instance is InstanceFacts => instance?.state === 'running');
  const ids = new Set(running.map((instance) => instance.instanceId));
  const siblingPorts = new Set<number>();
  let appUp = false;
  for (const sibling of snapshot.siblings) {
    const healthy = sibling.targets.filter(
      (target) => target.state === 'healthy' && ids.has(target.instanceId),
    );
    siblingPorts.add(sibling.group.port);
    if (healthy.length > 0) appUp = true;
    if (healthy.length > 0)
      lines.push(
        `the same instances pass health checks on ${[...new Set(healthy.map((target) => target.port))].join(', ')} in ${sibling.group.name}, so they and the application are up`,
      );
  }
  const open = new Set<number>();
  const lb = snapshot.loadBalancers[0];
  if (lb)
    for (const instance of running)
      for (const port of portsOpenFromLoadBalancer(snapshot.rules, lb, instance)) open.add(port);
  if (lb && open.size > 0) {
    const groups = [...new Set(running.flatMap((instance) => instance.securityGroupIds))].join(', ');
    lines.push(
      `${groups} allow${open.has(probe) ? 's' : 's only'} ${[...open].sort((a, b) => a - b).join(', ')} from ${lb.name}${open.has(probe) ? '' : `, not ${probe}`}`,
    );
  }
  const candidates = [...open].filter((port) => port !== probe && !siblingPorts.has(port));
  const probeOpen = open.has(probe);
  if (Number.isInteger(tagged) && tagged > 0 && tagged < 65536) {
    lines.unshift(`the target group is tagged ${APP_PORT_TAG}=${tagged}`);
    return { appPort: tagged, candidates: [tagged], lines, tagged: true, probeOpen, appUp };
  }
  return {
    ...(candidates.length === 1 ? { appPort: candidates[0] } : {}),
    candidates,
    lines,
    tagged: false,
    probeOpen,
    appUp,
  };
}

function listenerLines(snapshot: TargetGroupSnapshot, probe: number): string[] {
  return snapshot.listeners.map(
    (listener) =>
      `listener ${listener.port} ${listener.protocol} forwards to port ${snapshot.group.port}${listener.protocol === 'TLS' ? ' (TLS ends at the load balancer, so the backend port is usually the plain one)' : ''}; health checks probe ${probe}`,
  );
}

function systemicCauses(
  snapshot: TargetGroupSnapshot,
  policy: TargetPolicy,
  counts: { total: number; problem: number; healthy: number },
  probe: number,
): SystemicCause[] {
  const group = snapshot.group;
  if (group.loadBalancerArns.length === 0 && snapshot.targets.length > 0)
    return [
      {
        kind: 'not-in-use',
        summary: `${group.name} is not behind any load balancer listener`,
        fix: 'attach it to a listener, or remove the netwarden:heal tag if it is unused',
        evidence: [],
      },
    ];
  const failing = snapshot.targets.filter(isUnhealthy);
  if (failing.length === 0) return [];
  const fraction = counts.total === 0 ? 0 : counts.problem / counts.total;
  const most = fraction > policy.maxUnhealthyFraction;
  const running = failing
    .map((target) => snapshot.instances[target.instanceId])
    .filter(
      (instance): instance is InstanceFacts =>
        instance?.state === 'running' &&
        instance.instanceStatus !== 'impaired' &&
        instance.systemStatus !== 'impaired',
    );
  // Closed for every running target, healthy ones included: one target's own group is a per-target cause.
  const everyRunning = snapshot.targets
    .map((target) => snapshot.instances[target.instanceId])
    .filter((instance): instance is InstanceFacts => instance?.state === 'running');
  const closedEverywhere =
    running.length > 0 &&
    everyRunning.every((instance) =>
      snapshot.loadBalancers.every((lb) => !pathOpen(checkPath(snapshot.rules, lb, instance, probe))),
    );
  const evidence = appPortEvidence(snapshot, probe);
  const checks =
    group.healthCheck.port === 'traffic-port' ? 'the target group port' : 'the health-check port';
  const setting = group.healthCheck.port === 'traffic-port' ? 'target group port' : 'health-check port';
  // An open probe port with the application down everywhere is an application problem, not a port one.
  const mismatchShown = evidence.tagged || !evidence.probeOpen || evidence.appUp;
  if (
    (most || closedEverywhere) &&
    running.length > 0 &&
    mismatchShown &&
    evidence.candidates.length > 0 &&
    evidence.appPort !== probe
  ) {
    const failingLine = `${failing.length} of ${counts.total} targets fail health checks on ${probe} (${[...new Set(failing.map((target) => target.reason ?? 'unhealthy'))].join(', ')})`;
    if (evidence.appPort !== undefined)
      return [
        {
          kind: 'port-mismatch',
          summary: `health checks probe ${probe}, the gateway is reachable on ${evidence.appPort}`,
          fix: `set the ${setting} to ${evidence.appPort}${group.healthCheck.port === 'traffic-port' ? ' (health check port: traffic-port) and register the targets on it' : ''}; do not open ${probe} instead`,
          evidence: [failingLine, ...evidence.lines, ...listenerLines(snapshot, probe)],
        },
      ];
    return [
      {
        kind: 'port-mismatch',
        summary: `health checks probe ${probe}, which the gateway does not answer on; the load balancer can reach it on ${evidence.candidates.join(' or ')}`,
        fix: `set ${checks} to the port the gateway serves (${evidence.candidates.join(' or ')}), or tag the target group ${APP_PORT_TAG}=<port> so netwarden can say which`,
        evidence: [failingLine, ...evidence.lines, ...listenerLines(snapshot, probe)],
      },
    ];
  }
  if (closedEverywhere) {
    const lb = snapshot.loadBalancers[0];
    const instance = running[0];
    const missing = lb && instance ? checkPath(snapshot.rules, lb, instance, probe).missing : [];
    return [
      {
        kind: 'health-check-port-closed',
        summary: `the health-check port ${probe} is not open from the load balancer to the targets`,
        fix: missing.map((line) => line.replace(/ does not allow (.*)$/, ': allow $1')).join('; '),
        evidence: [`${failing.length} of ${counts.total} targets fail health checks on ${probe}`, ...missing],
      },
    ];
  }
  if (most)
    return [
      {
        kind: 'most-unhealthy',
        summary: `${counts.problem} of ${counts.total} targets are unhealthy, more than maxUnhealthyFraction ${policy.maxUnhealthyFraction}: a configuration or application problem, not one bad target`,
        fix: `check the gateway application on the instances (is it listening on ${probe}? \`sudo ss -tlnp | grep :${probe}\`), recent deployments and the health-check settings; netwarden does not restart most of a group at once`,
        evidence: [
          ...(counts.healthy === 0
            ? ['no target is healthy: the NLB fails open and sends traffic to all of them']
            : []),
          ...evidence.lines,
        ],
      },
    ];
  return [];
}

/** One registered target with its instance (if it still exists) and what is wrong with it. */
interface AssessedTarget {
  readonly target: TargetHealthFacts;
  readonly instance: InstanceFacts | undefined;
  readonly cause: TargetCause;
}

/** The policy's budget defaults: a diagnosis asked for without the policy's budget caps as shipped. */
const DEFAULT_BUDGET: Pick<BudgetLimits, 'perTargetGroup'> = {
  perTargetGroup: BUDGET_DEFAULTS.perTargetGroup,
};

export function diagnose(
  snapshot: TargetGroupSnapshot,
  policy: TargetPolicy,
  now: Date,
  budget: Pick<BudgetLimits, 'perTargetGroup'> = DEFAULT_BUDGET,
): Diagnosis {
  const group = snapshot.group;
  const probe = probePortOf(snapshot);
  const assessed = snapshot.targets.map((target) => ({
    target,
    instance: snapshot.instances[target.instanceId],
    cause: causeOf(target, snapshot.instances[target.instanceId], snapshot, now),
  }));
  const counts = countsOf(assessed);
  const base = {
    targetGroup: { arn: group.arn, name: group.name },
    counts,
    probePort: probe,
    targets: assessed.map(reportOf),
  };

  const systemic = systemicCauses(
    snapshot,
    policy,
    { total: counts.total, problem: counts.unhealthy, healthy: counts.healthy },
    probe,
  );
  if (systemic.length > 0) return { ...base, status: 'systemic', systemic, decisions: [], recovered: [] };

  const recovered = recoveredInstances(assessed, group.name);
  const decisions = decideTargets(assessed, counts, policy, now, budget);
  return { ...base, status: statusOf(decisions, recovered, assessed), systemic: [], decisions, recovered };
}

/** Draining targets are on their way out: they count neither in the total nor as a problem. */
function countsOf(assessed: ReadonlyArray<AssessedTarget>): Diagnosis['counts'] {
  const considered = assessed.filter(({ target }) => target.state !== 'draining');
  return {
    total: considered.length,
    healthy: assessed.filter(({ target }) => target.state === 'healthy').length,
    unhealthy: considered.filter(({ cause }) => cause.kind === 'healable' || cause.kind === 'unhealable')
      .length,
    transitional: assessed.filter(({ target }) => isTransitional(target)).length,
  };
}

function reportOf({ target, cause }: AssessedTarget): TargetReport {
  return {
    instanceId: target.instanceId,
    port: target.port,
    state: target.state,
    ...(target.reason ? { reason: target.reason } : {}),
    cause: cause.kind === 'healthy' ? 'healthy' : cause.text,
  };
}

/** Instances healthy again (on every port) after netwarden acted on them for this group: their attempt count is cleared. */
function recoveredInstances(assessed: ReadonlyArray<AssessedTarget>, groupName: string): string[] {
  const healedHere = (instance: InstanceFacts | undefined): instance is InstanceFacts =>
    instance !== undefined &&
    historyOf(instance.tags).targetGroup === groupName &&
    hasHealTags(instance.tags);
  const healthyEverywhere = (instanceId: string) =>
    assessed
      .filter(({ target }) => target.instanceId === instanceId)
      .every(({ cause }) => cause.kind === 'healthy');
  const recovered = assessed
    .map(({ instance }) => instance)
    .filter(healedHere)
    .filter((instance) => healthyEverywhere(instance.instanceId))
    .map((instance) => instance.instanceId);
  return [...new Set(recovered)];
}

/**
 * One decision per target that is not healthy or settling, in instance id order: act, or hold with the
 * reason. Acting is capped so that most of the group is never in flux at once.
 */
function decideTargets(
  assessed: ReadonlyArray<AssessedTarget>,
  counts: Diagnosis['counts'],
  policy: TargetPolicy,
  now: Date,
  budget: Pick<BudgetLimits, 'perTargetGroup'>,
): TargetDecision[] {
  // Never more than half of the group at once, whatever maxUnhealthyFraction allows, nor more than the
  // budget's perTargetGroup: the cap the write gate also charges the group against, per window.
  const cap = healCap(counts.total, budget);
  let room = cap - inFlight(assessed, policy, now);
  const actedOn = new Set<string>();
  const decisions: TargetDecision[] = [];
  const byInstanceId = [...assessed].sort((a, b) => a.target.instanceId.localeCompare(b.target.instanceId));
  for (const { target, instance, cause } of byInstanceId) {
    const where = { instanceId: target.instanceId, port: target.port };
    if (cause.kind === 'unhealable') {
      decisions.push({ type: 'hold', reason: 'needs-human', ...where, why: cause.text });
      continue;
    }
    if (cause.kind !== 'healable' || !instance) continue;
    const hold = (reason: HoldReason, why: string) =>
      decisions.push({ type: 'hold', reason, action: cause.action, ...where, why: `${cause.text}: ${why}` });
    const history = historyOf(instance.tags);
    const held = policyHold(cause.action, history, policy, now);
    if (held) {
      hold(held.reason, held.why);
      continue;
    }
    // A second port of an instance already acted on in this run: the one action covers it.
    if (actedOn.has(instance.instanceId)) continue;
    // Starting a stopped instance takes no traffic from anyone; a reboot or re-register with nothing
    // healthy would disturb whatever the NLB's fail-open still delivers.
    if (counts.healthy === 0 && cause.action !== 'start') {
      hold(
        'no-healthy-target',
        'no target of the group is healthy: netwarden does not act while nothing carries traffic',
      );
      continue;
    }
    if (room <= 0) {
      hold(
        'capped',
        `at most ${cap} target(s) of ${counts.total} may be healed at once; deferred to the next sweep`,
      );
      continue;
    }
    room -= 1;
    actedOn.add(instance.instanceId);
    decisions.push({
      type: 'act',
      action: cause.action,
      ...where,
      ...(cause.registerPort !== undefined ? { registerPort: cause.registerPort } : {}),
      attempt: history.attempts + 1,
      why: cause.text,
    });
  }
  return decisions;
}

/** Targets still within the cooldown of netwarden's last action: they use up the run's cap. */
function inFlight(assessed: ReadonlyArray<AssessedTarget>, policy: TargetPolicy, now: Date): number {
  return assessed.filter(({ cause, instance }) => {
    const last = instance ? historyOf(instance.tags).lastAt : undefined;
    return cause.kind !== 'healthy' && last !== undefined && now.getTime() - last.getTime() < policy.cooldown;
  }).length;
}

/** Why the policy or the instance's history forbids the action now, if it does. */
function policyHold(
  action: HealAction,
  history: HealHistory,
  policy: TargetPolicy,
  now: Date,
): { reason: HoldReason; why: string } | undefined {
  if (!policy.actions.includes(action))
    return {
      reason: 'not-allowed',
      why: `${action} is not in policy.targets.actions (${policy.actions.join(', ')}): a human must act`,
    };
  if (history.attempts >= policy.maxAttempts)
    return {
      reason: 'max-attempts',
      why: `${history.attempts} attempts already (maxAttempts ${policy.maxAttempts}), last ${history.lastAction ?? 'action'} at ${history.lastAt?.toISOString() ?? 'unknown'}: a human is needed`,
    };
  if (history.lastAt && now.getTime() - history.lastAt.getTime() < policy.cooldown) {
    const next = new Date(history.lastAt.getTime() + policy.cooldown).toISOString();
    return {
      reason: 'cooldown',
      why: `${history.lastAction ?? 'acted'} at ${history.lastAt.toISOString()} (attempt ${history.attempts}); cooling down until ${next}`,
    };
  }
  return undefined;
}

/** Holds that no later run resolves by itself: a person must act. */
const NEEDS_A_PERSON: ReadonlySet<HoldReason> = new Set(['needs-human', 'max-attempts', 'not-allowed']);

/** The group's status when nothing is systemic, most pressing first. */
function statusOf(
  decisions: ReadonlyArray<TargetDecision>,
  recovered: ReadonlyArray<string>,
  assessed: ReadonlyArray<AssessedTarget>,
): DiagnosisStatus {
  if (decisions.some((decision) => decision.type === 'act')) return 'healing';
  if (decisions.some((decision) => decision.type === 'hold' && NEEDS_A_PERSON.has(decision.reason)))
    return 'human-needed';
  // Only holds that time or the cap will lift: cooldown, capped, no healthy target.
  if (decisions.length > 0) return 'waiting';
  if (recovered.length > 0) return 'recovered';
  if (assessed.some(({ cause }) => cause.kind === 'transitional')) return 'settling';
  return 'healthy';
}
