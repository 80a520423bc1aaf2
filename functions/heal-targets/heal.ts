/**
 * The heal-targets use case: trigger → which opted-in target groups → for each, in turn: gather a
 * snapshot → diagnose (pure) → carry out the actions (or, in report mode, only report them) →
 * publish one finding. Groups are handled one after another so that the second group sees what
 * the first one did (an instance behind both is started once, then is `pending` for the second).
 */

import { errorMessage } from '../../shared/errors';
import type { Instances } from '../../shared/estate/instances';
import type {
  ListenerFacts,
  LoadBalancerFacts,
  LoadBalancing,
  TargetGroupFacts,
  TargetHealthFacts,
} from '../../shared/estate/load-balancing';
import type { SecurityGroups } from '../../shared/estate/security-groups';
import type { TargetGroupSnapshot } from '../../shared/estate/snapshot';
import { foreignPlaces, type Home, type Place } from '../../shared/events/home';
import type { Finding, Publish } from '../../shared/findings/finding';
import type { RepeatGate } from '../../shared/findings/repeats';
import { effectiveMode } from '../../shared/policy/load';
import type { Mode, Policy, TargetPolicy } from '../../shared/policy/schema';
import { held, type KillSwitch } from '../../shared/safety/kill-switch';
import { type Diagnosis, diagnose, HEAL_TAGS, type TargetDecision } from '../../shared/targets/diagnose';
import {
  type CarriedOut,
  foreignTriggerFinding,
  targetGroupFinding,
  targetGroupMissingFinding,
} from '../../shared/targets/findings';
import type { HealTrigger } from './schema';

export interface HealDeps {
  readonly elbv2: LoadBalancing;
  readonly instances: Instances;
  readonly sg: Pick<SecurityGroups, 'describeRulesByFilters'>;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  /** The accounts and region netwarden heals in (shared/events/home.ts). */
  readonly home: Home;
  /** Read once an event has groups to heal: while it is on (or unreadable), report mode. */
  readonly killSwitch?: KillSwitch;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
  /** Keeps sweeps from repeating unchanged news (see repeats.ts); without it every sweep publishes. */
  readonly repeats?: RepeatGate;
}

/** An unresolved problem that nothing changed is said again after an hour, not every five minutes. */
export const SWEEP_REPEAT_AFTER_MS = 60 * 60_000;

export interface GroupResult {
  readonly targetGroup: string;
  readonly status: Diagnosis['status'];
  /** `start:i-…`, `hold:cooldown:i-…` …: the decisions in a word each. */
  readonly decisions: string[];
}

export type HealOutcome =
  | { readonly status: 'ignored'; readonly reason: string }
  /** Reported once and not acted on: an event from elsewhere, or an alarm for a group that is gone. */
  | { readonly status: 'foreign' | 'target-group-missing'; readonly finding: Finding }
  | {
      readonly status: 'done';
      readonly trigger: 'alarm' | 'sweep';
      readonly mode: Mode;
      readonly groups: GroupResult[];
      readonly findings: Finding[];
    };

export function describeTargetDecision(decision: TargetDecision): string {
  return decision.type === 'act'
    ? `${decision.action}:${decision.instanceId}`
    : `hold:${decision.reason}:${decision.instanceId}`;
}

/** Target groups opted in by policy.targets.select (tags and/or names; ids select security groups only). */
export function isSelected(
  select: TargetPolicy['select'],
  group: TargetGroupFacts,
  tags: Readonly<Record<string, string>>,
): boolean {
  if (select.names?.includes(group.name)) return true;
  if (select.tags) return Object.entries(select.tags).every(([key, value]) => tags[key] === value);
  return false;
}

/** Per-run memo: load balancers, listeners and sibling health are read once per run at most. */
function runMemo(deps: HealDeps) {
  const loadBalancers = new Map<string, Promise<LoadBalancerFacts[]>>();
  const listeners = new Map<string, Promise<ListenerFacts[]>>();
  const health = new Map<string, Promise<TargetHealthFacts[]>>();
  const once = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
    let value = cache.get(key);
    if (!value) {
      value = load();
      cache.set(key, value);
    }
    return value;
  };
  return {
    loadBalancers: (arns: ReadonlyArray<string>) =>
      once(loadBalancers, [...arns].sort().join(','), async () => {
        const found = await deps.elbv2.loadBalancers(arns);
        const cidrs = await deps.instances.subnetCidrs(
          found.flatMap((lb) => lb.subnets.map((s) => s.subnetId)),
        );
        return found.map((lb) => ({
          ...lb,
          subnets: lb.subnets.map((subnet) => ({
            ...subnet,
            ...(cidrs[subnet.subnetId] ? { cidr: cidrs[subnet.subnetId] } : {}),
          })),
        }));
      }),
    listeners: (arn: string) => once(listeners, arn, () => deps.elbv2.listeners(arn)),
    siblingHealth: (arn: string) => once(health, arn, () => deps.elbv2.targetHealth(arn)),
  };
}
type Memo = ReturnType<typeof runMemo>;

const isUnhealthy = (target: TargetHealthFacts) =>
  target.state === 'unhealthy' || target.state === 'unhealthy.draining';

/**
 * Reads what diagnose() needs. A group whose targets are all fine costs one DescribeTargetHealth and
 * one instance describe (for the heal tags); the path, listeners and siblings are read only on trouble.
 */
async function gather(
  group: TargetGroupFacts,
  tags: Readonly<Record<string, string>>,
  siblingsOf: (lbArns: ReadonlyArray<string>) => Promise<TargetGroupFacts[]>,
  memo: Memo,
  deps: HealDeps,
): Promise<TargetGroupSnapshot> {
  const targets = await deps.elbv2.targetHealth(group.arn);
  const instances = await deps.instances.describeInstances([
    ...new Set(targets.map((target) => target.instanceId)),
  ]);
  const base = {
    group,
    tags,
    targets,
    instances: Object.fromEntries(instances.map((instance) => [instance.instanceId, instance])),
  };
  if (!targets.some(isUnhealthy) || group.loadBalancerArns.length === 0)
    return { ...base, loadBalancers: [], listeners: [], rules: [], siblings: [] };
  const loadBalancers = await memo.loadBalancers(group.loadBalancerArns);
  const listeners = (await Promise.all(loadBalancers.map((lb) => memo.listeners(lb.arn))))
    .flat()
    .filter((listener) => listener.targetGroupArns.includes(group.arn));
  const groupIds = [
    ...new Set([
      ...instances.flatMap((instance) => instance.securityGroupIds),
      ...loadBalancers.flatMap((lb) => lb.securityGroupIds),
    ]),
  ];
  const rules =
    groupIds.length > 0 ? await deps.sg.describeRulesByFilters([{ Name: 'group-id', Values: groupIds }]) : [];
  const siblingGroups = (await siblingsOf(group.loadBalancerArns)).filter(
    (sibling) => sibling.arn !== group.arn,
  );
  const siblings = await Promise.all(
    siblingGroups.map(async (sibling) => ({
      group: sibling,
      targets: await memo.siblingHealth(sibling.arn),
    })),
  );
  return { ...base, loadBalancers, listeners, rules, siblings };
}

function plannedCalls(
  decision: Extract<TargetDecision, { type: 'act' }>,
  group: TargetGroupFacts,
  now: Date,
): string[] {
  const id = decision.instanceId;
  const tag = `ec2:CreateTags ${id} ${HEAL_TAGS.attempts}=${decision.attempt} ${HEAL_TAGS.lastAt}=${now.toISOString()}`;
  switch (decision.action) {
    case 'start':
      return [tag, `ec2:StartInstances ${id}`];
    case 'reboot':
      return [tag, `ec2:RebootInstances ${id}`];
    case 'reregister':
      return [
        tag,
        `elasticloadbalancing:RegisterTargets ${group.name} ${id}:${decision.registerPort}`,
        `elasticloadbalancing:DeregisterTargets ${group.name} ${id}:${decision.port}`,
      ];
  }
}

/** Enforce mode: tag first (so a retry or a second trigger sees the attempt), then act. */
async function act(
  decision: Extract<TargetDecision, { type: 'act' }>,
  group: TargetGroupFacts,
  deps: HealDeps,
) {
  const id = decision.instanceId;
  await deps.instances.tagInstance(id, {
    [HEAL_TAGS.attempts]: String(decision.attempt),
    [HEAL_TAGS.lastAt]: deps.now().toISOString(),
    [HEAL_TAGS.lastAction]: decision.action,
    [HEAL_TAGS.targetGroup]: group.name,
  });
  switch (decision.action) {
    case 'start':
      await deps.instances.startInstance(id);
      return;
    case 'reboot':
      await deps.instances.rebootInstance(id);
      return;
    case 'reregister':
      // Register on the right port before removing the stale registration: never fewer targets.
      await deps.elbv2.registerTargets(group.arn, [{ id, port: decision.registerPort ?? group.port }]);
      await deps.elbv2.deregisterTargets(group.arn, [{ id, port: decision.port }]);
      return;
  }
}

async function carryOut(diagnosis: Diagnosis, group: TargetGroupFacts, mode: Mode, deps: HealDeps) {
  const carried: CarriedOut[] = [];
  const failures: unknown[] = [];
  for (const decision of diagnosis.decisions) {
    if (decision.type !== 'act') continue;
    const calls = plannedCalls(decision, group, deps.now());
    if (mode === 'report') {
      carried.push({ decision, calls });
      continue;
    }
    try {
      await act(decision, group, deps);
      carried.push({ decision, calls });
    } catch (error) {
      deps.log?.('heal action failed', { targetGroup: group.name, decision, error: errorMessage(error) });
      carried.push({ decision, calls, error: errorMessage(error) });
      failures.push(error);
    }
  }
  const cleared: string[] = [];
  if (mode === 'enforce') {
    for (const instanceId of diagnosis.recovered) {
      await deps.instances.untagInstance(instanceId, Object.values(HEAL_TAGS));
      cleared.push(instanceId);
    }
  }
  return { carried, cleared, failures };
}

/** The target groups this trigger is about, with their tags; only opted-in ones. */
async function groupsFor(
  trigger: Extract<HealTrigger, { kind: 'alarm' | 'sweep' }>,
  policy: TargetPolicy,
  deps: HealDeps,
): Promise<
  | { groups: TargetGroupFacts[]; tags: Record<string, Record<string, string>> }
  | { missing: Extract<HealTrigger, { kind: 'alarm' }> }
  | { notSelected: string }
> {
  if (trigger.kind === 'alarm') {
    const group = await deps.elbv2.targetGroup(trigger.targetGroupArn);
    if (!group) return { missing: trigger };
    const tags = await deps.elbv2.tags([group.arn]);
    if (!isSelected(policy.select, group, tags[group.arn] ?? {})) return { notSelected: group.name };
    return { groups: [group], tags };
  }
  const all = await deps.elbv2.targetGroups();
  const tags = all.length > 0 ? await deps.elbv2.tags(all.map((group) => group.arn)) : {};
  return { groups: all.filter((group) => isSelected(policy.select, group, tags[group.arn] ?? {})), tags };
}

/** The fields of a trigger that name an account or a region: all must be home. */
function placesOf(
  trigger: Extract<HealTrigger, { kind: 'alarm' | 'sweep' }>,
): [accounts: Place[], regions: Place[]] {
  const accounts: Place[] = [['account', trigger.account]];
  const regions: Place[] = [['region', trigger.region]];
  if (trigger.kind === 'alarm' && trigger.alarmArn) {
    const [, , , region, account] = trigger.alarmArn.split(':');
    accounts.push(['resources[0] (the alarm ARN)', account || undefined]);
    regions.push(['resources[0] (the alarm ARN)', region || undefined]);
  }
  return [accounts, regions];
}

/** A trigger (already read by the schema: schema.ts) → the opted-in groups diagnosed, healed and reported. */
export async function healTargets(trigger: HealTrigger, given: HealDeps): Promise<HealOutcome> {
  if (trigger.kind === 'ignored') {
    given.log?.('ignored event', { eventId: trigger.eventId, reason: trigger.reason });
    return { status: 'ignored', reason: trigger.reason };
  }
  // Before any AWS call: is this event netwarden's to act on at all?
  const foreign = foreignPlaces(...placesOf(trigger), given.home);
  if (foreign.length > 0) {
    const finding = foreignTriggerFinding(
      {
        eventId: trigger.eventId,
        trigger: trigger.kind === 'alarm' ? `alarm ${trigger.alarmName}` : 'sweep',
        account: trigger.account,
        region: trigger.region,
      },
      foreign,
      given.home,
      effectiveMode(given.policy, given.policy.targets),
      given.now(),
    );
    given.log?.('event from outside netwarden’s accounts and region', { eventId: trigger.eventId, foreign });
    await given.publish(finding);
    return { status: 'foreign', finding };
  }
  const policy = given.policy.targets;
  if (!policy)
    return { status: 'ignored', reason: 'the policy has no targets section: no target group is opted in' };

  const scope = await groupsFor(trigger, policy, given);
  if ('missing' in scope) {
    // Not a retry: the group is gone, and asking again cannot bring it back.
    const finding = targetGroupMissingFinding(
      scope.missing,
      effectiveMode(given.policy, policy),
      given.now(),
    );
    given.log?.('alarm for a target group that does not exist', {
      eventId: trigger.eventId,
      targetGroup: scope.missing.targetGroupArn,
    });
    await given.publish(finding);
    return { status: 'target-group-missing', finding };
  }
  if ('notSelected' in scope) {
    given.log?.('target group not opted in', { targetGroup: scope.notSelected, eventId: trigger.eventId });
    return { status: 'ignored', reason: `${scope.notSelected} is not opted in by policy.targets.select` };
  }

  // The groups will be diagnosed and may be healed: while the kill switch is on, in report mode.
  const deps = await held(given);
  const mode = effectiveMode(deps.policy, policy);
  const memo = runMemo(deps);
  // Sibling groups (evidence of the port the application serves) are opted-in groups on the same load balancer.
  const siblingsOf = async (lbArns: ReadonlyArray<string>) => {
    if (trigger.kind === 'sweep')
      return scope.groups.filter((group) => group.loadBalancerArns.some((arn) => lbArns.includes(arn)));
    const found: TargetGroupFacts[] = [];
    for (const lbArn of lbArns) {
      const behind = await deps.elbv2.targetGroups({ loadBalancerArn: lbArn });
      const tags = behind.length > 0 ? await deps.elbv2.tags(behind.map((group) => group.arn)) : {};
      found.push(...behind.filter((group) => isSelected(policy.select, group, tags[group.arn] ?? {})));
    }
    return found;
  };

  const groups: GroupResult[] = [];
  const findings: Finding[] = [];
  const failures: unknown[] = [];
  for (const group of scope.groups) {
    const snapshot = await gather(group, scope.tags[group.arn] ?? {}, siblingsOf, memo, deps);
    const diagnosis = diagnose(snapshot, policy, deps.now());
    const outcome = await carryOut(diagnosis, group, mode, deps);
    failures.push(...outcome.failures);
    groups.push({
      targetGroup: group.name,
      status: diagnosis.status,
      decisions: diagnosis.decisions.map(describeTargetDecision),
    });
    deps.log?.('target group diagnosed', {
      targetGroup: group.name,
      status: diagnosis.status,
      systemic: diagnosis.systemic,
      decisions: diagnosis.decisions,
    });
    // A sweep stays quiet about groups with nothing to say; an alarm always gets an answer.
    const quiet = diagnosis.status === 'healthy' || diagnosis.status === 'settling';
    if (quiet) await deps.repeats?.clear(group.arn);
    if (trigger.kind === 'sweep' && quiet) continue;
    const finding = targetGroupFinding(diagnosis, outcome.carried, outcome.cleared, mode, deps.now(), {
      eventId: trigger.eventId,
      account: trigger.account,
      region: trigger.region,
      trigger: trigger.kind === 'alarm' ? `alarm ${trigger.alarmName}` : 'sweep',
    });
    // An alarm's answer, an action and a recovery are always news; an unchanged diagnosis is not, every sweep.
    const news = trigger.kind === 'alarm' || finding.outcome === 'acted' || diagnosis.status === 'recovered';
    const fingerprint = `${finding.kind}|${finding.title}`;
    if (news) await deps.repeats?.remember(group.arn, fingerprint, deps.now());
    else if ((await deps.repeats?.shouldPublish(group.arn, fingerprint, deps.now())) === false) {
      deps.log?.('unchanged since the last finding: not repeated', { targetGroup: group.name, fingerprint });
      continue;
    }
    findings.push(finding);
    await deps.publish(finding);
  }
  if (failures.length > 0)
    throw new Error(
      `heal-targets: ${failures.length} action(s) failed: ${failures.map(errorMessage).join('; ')}`,
      {
        cause: failures[0],
      },
    );
  return { status: 'done', trigger: trigger.kind, mode, groups, findings };
}
