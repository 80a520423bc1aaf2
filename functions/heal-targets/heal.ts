/**
 * The heal-targets use case: trigger → which opted-in target groups → for each, in turn: gather a
 * snapshot → diagnose (pure) → carry out the actions (or, in report mode, only report them) →
 * publish one finding. Groups are handled one after another so that the second group sees what
 * the first one did (an instance behind both is started once, then is `pending` for the second).
 */

import { createTagsCall, deleteTagsCall, instancesCall, targetsCall } from '../../shared/aws/calls';
import { errorMessage } from '../../shared/errors';
import type { InstanceFacts, Instances } from '../../shared/estate/instances';
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
import { effectiveMode } from '../../shared/policy/mode';
import type { Mode, Policy, TargetPolicy } from '../../shared/policy/schema';
import { budgetLimits, type HeldBack, markHeldBack } from '../../shared/safety/budget';
import {
  type Made,
  newFindingId,
  UNGATED,
  type WriteGate,
  type WriteRequest,
  withFindingId,
} from '../../shared/safety/gate';
import type { JournalEntry } from '../../shared/safety/journal';
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
  /**
   * Every heal write passes it (shared/safety/gate.ts): charged to the blast-radius budget of the
   * account and the target group first, journaled with its inverse after. Absent, writes pass unjournaled.
   */
  readonly gate?: WriteGate;
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

/** What the heal tags were before a write changes them: the call that puts them back, or why none can. */
function tagsInverse(id: string, before: Readonly<Record<string, string>>, keys: ReadonlyArray<string>) {
  const had = keys.filter((key) => before[key] !== undefined);
  if (had.length === 0) return deleteTagsCall([id], keys);
  if (had.length === keys.length)
    return createTagsCall([id], Object.fromEntries(keys.map((key) => [key, before[key] ?? ''])));
  return {
    irreversible: `${id} had only some of the heal tags (${had.join(', ')}): no one call puts back both the values and the absence; set them by hand`,
  };
}

const REBOOT_IRREVERSIBLE =
  'a reboot cannot be reversed: the instance has restarted, and no call returns it to before';

/** Who or what caused a heal: the alarm, or the sweep's schedule. */
function causeOf(trigger: Extract<HealTrigger, { kind: 'alarm' | 'sweep' }>): string {
  return trigger.kind === 'alarm'
    ? `alarm ${trigger.alarmArn ?? trigger.alarmName}`
    : 'schedule (the heal-targets sweep)';
}

interface Acted {
  readonly error?: unknown;
}

/**
 * Enforce mode: tag first (so a retry or a second trigger sees the attempt), then act. Each call made
 * is returned with its inverse, also when a later call fails (the failure is returned, not thrown, so
 * the calls already made are journaled before it is raised).
 */
async function act(
  decision: Extract<TargetDecision, { type: 'act' }>,
  group: TargetGroupFacts,
  before: Readonly<Record<string, string>>,
  deps: HealDeps,
): Promise<{ value: Acted; made: Made[] }> {
  const id = decision.instanceId;
  const made: Made[] = [];
  const resource = group.arn;
  try {
    const tags = {
      [HEAL_TAGS.attempts]: String(decision.attempt),
      [HEAL_TAGS.lastAt]: deps.now().toISOString(),
      [HEAL_TAGS.lastAction]: decision.action,
      [HEAL_TAGS.targetGroup]: group.name,
    };
    await deps.instances.tagInstance(id, tags);
    made.push({
      action: 'tag',
      resource,
      call: createTagsCall([id], tags),
      inverse: tagsInverse(id, before, Object.keys(tags)),
    });
    switch (decision.action) {
      case 'start':
        await deps.instances.startInstance(id);
        made.push({
          action: 'start',
          resource,
          call: instancesCall('StartInstances', id),
          inverse: instancesCall('StopInstances', id),
        });
        break;
      case 'reboot':
        await deps.instances.rebootInstance(id);
        made.push({
          action: 'reboot',
          resource,
          call: instancesCall('RebootInstances', id),
          inverse: { irreversible: REBOOT_IRREVERSIBLE },
        });
        break;
      case 'reregister': {
        // Register on the right port before removing the stale registration: never fewer targets.
        const registered = { id, port: decision.registerPort ?? group.port };
        await deps.elbv2.registerTargets(group.arn, [registered]);
        made.push({
          action: 'register',
          resource,
          call: targetsCall('RegisterTargets', group.arn, registered),
          inverse: targetsCall('DeregisterTargets', group.arn, registered),
        });
        const stale = { id, port: decision.port };
        await deps.elbv2.deregisterTargets(group.arn, [stale]);
        made.push({
          action: 'deregister',
          resource,
          call: targetsCall('DeregisterTargets', group.arn, stale),
          inverse: targetsCall('RegisterTargets', group.arn, stale),
        });
        break;
      }
    }
    return { value: {}, made };
  } catch (error) {
    return { value: { error }, made };
  }
}

/** What the gate charges and journals for a heal of `group`: the account and the target group. */
interface HealRequest {
  readonly trigger: Extract<HealTrigger, { kind: 'alarm' | 'sweep' }>;
  /** The one id of the group's finding, under which each of its writes is journaled. */
  readonly findingId: string;
  /** The group's targets (draining ones excepted): the budget holds it to healCap of them per window. */
  readonly targets: number;
}

function writeRequest(
  how: HealRequest,
  group: TargetGroupFacts,
  planned: ReadonlyArray<string>,
  exempt?: string,
): WriteRequest {
  return {
    scope: { account: how.trigger.account, group: group.arn, targets: how.targets },
    region: how.trigger.region,
    eventId: how.trigger.eventId,
    cause: causeOf(how.trigger),
    planned,
    findingId: how.findingId,
    ...(exempt ? { exempt } : {}),
  };
}

const journalFinding = (title: string): { kind: 'targets.healing' | 'targets.recovered'; title: string } => ({
  kind: title.includes('recovered') ? 'targets.recovered' : 'targets.healing',
  title,
});

async function carryOut(
  diagnosis: Diagnosis,
  group: TargetGroupFacts,
  instances: Readonly<Record<string, InstanceFacts>>,
  mode: Mode,
  deps: HealDeps,
  how: HealRequest,
) {
  const carried: CarriedOut[] = [];
  const failures: unknown[] = [];
  const heldBack: HeldBack[] = [];
  let journaled = false;
  const gate = deps.gate ?? UNGATED;
  for (const decision of diagnosis.decisions) {
    if (decision.type !== 'act') continue;
    const calls = plannedCalls(decision, group, deps.now());
    if (mode === 'report') {
      carried.push({ decision, calls });
      continue;
    }
    const before = instances[decision.instanceId]?.tags ?? {};
    const title = `Healing ${group.name}: ${decision.action} ${decision.instanceId} (attempt ${decision.attempt})`;
    const outcome = await gate.write(writeRequest(how, group, calls), async () => {
      const { value, made } = await act(decision, group, before, deps);
      return { value, made, finding: journalFinding(title) };
    });
    if (outcome.status === 'held') {
      // Past the blast-radius budget: this heal is reported as would-act, with the budget's note.
      heldBack.push(outcome.held);
      carried.push({ decision, calls });
      continue;
    }
    if (outcome.findingId) journaled = true;
    const { error } = outcome.value;
    if (error === undefined) {
      carried.push({ decision, calls });
      continue;
    }
    deps.log?.('heal action failed', { targetGroup: group.name, decision, error: errorMessage(error) });
    carried.push({ decision, calls, error: errorMessage(error) });
    failures.push(error);
  }
  const cleared: string[] = [];
  if (mode === 'enforce') {
    const keys = Object.values(HEAL_TAGS);
    for (const instanceId of diagnosis.recovered) {
      const before = instances[instanceId]?.tags ?? {};
      const request = writeRequest(
        how,
        group,
        [`ec2:DeleteTags ${instanceId} netwarden:heal-*`],
        // Only netwarden's own count of attempts goes: no access and no running state changes.
        'clearing the heal tags of a recovered instance changes no access and no running state',
      );
      const outcome = await gate.write(request, async () => {
        await deps.instances.untagInstance(instanceId, keys);
        const present = keys.filter((key) => before[key] !== undefined);
        const made: Made[] = [
          {
            action: 'untag',
            resource: group.arn,
            call: deleteTagsCall([instanceId], keys),
            inverse:
              present.length > 0
                ? createTagsCall(
                    [instanceId],
                    Object.fromEntries(present.map((key) => [key, before[key] ?? ''])),
                  )
                : ({ irreversible: `${instanceId} had no heal tags to put back` } as JournalEntry['inverse']),
          },
        ];
        return {
          value: undefined,
          made,
          finding: journalFinding(`${group.name} recovered: heal tags of ${instanceId} cleared`),
        };
      });
      if (outcome.status === 'written' && outcome.findingId) journaled = true;
      cleared.push(instanceId);
    }
  }
  return { carried, cleared, failures, heldBack, journaled };
}

/**
 * The group's finding. Decisions the blast-radius budget held back are reported as report mode would
 * report them: the whole finding when every one was held back (with the budget's note), else listed in
 * its details beside those made.
 */
function healFinding(
  diagnosis: Diagnosis,
  outcome: Awaited<ReturnType<typeof carryOut>>,
  mode: Mode,
  now: Date,
  source: Parameters<typeof targetGroupFinding>[5],
): Finding {
  const [firstHeld] = outcome.heldBack;
  const acting = outcome.carried.length;
  if (firstHeld && outcome.heldBack.length === acting)
    return markHeldBack(
      targetGroupFinding(diagnosis, outcome.carried, outcome.cleared, 'report', now, source),
      firstHeld,
    );
  const finding = targetGroupFinding(diagnosis, outcome.carried, outcome.cleared, mode, now, source);
  if (!firstHeld) return finding;
  return { ...finding, details: { ...finding.details, heldBack: firstHeld.note } };
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
    // The per-run cap and the budget's per-window limit of the group are one number (healCap).
    const diagnosis = diagnose(snapshot, policy, deps.now(), budgetLimits(deps.policy.budget));
    const findingId = newFindingId(trigger.eventId);
    const outcome = await carryOut(diagnosis, group, snapshot.instances, mode, deps, {
      trigger,
      findingId,
      targets: diagnosis.counts.total,
    });
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
    const finding = healFinding(diagnosis, outcome, mode, deps.now(), {
      eventId: trigger.eventId,
      account: trigger.account,
      region: trigger.region,
      trigger: trigger.kind === 'alarm' ? `alarm ${trigger.alarmName}` : 'sweep',
    });
    const stamped = withFindingId(finding, outcome.journaled ? findingId : undefined);
    // An alarm's answer, an action and a recovery are always news; an unchanged diagnosis is not, every sweep.
    const news = trigger.kind === 'alarm' || finding.outcome === 'acted' || diagnosis.status === 'recovered';
    const fingerprint = `${finding.kind}|${finding.title}`;
    if (news) await deps.repeats?.remember(group.arn, fingerprint, deps.now());
    else if ((await deps.repeats?.shouldPublish(group.arn, fingerprint, deps.now())) === false) {
      deps.log?.('unchanged since the last finding: not repeated', { targetGroup: group.name, fingerprint });
      continue;
    }
    findings.push(stamped);
    await deps.publish(stamped);
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
