/** One finding per target group and run: the diagnosis, the fix, and what was (or would be) done. */
import type { Finding, FindingKind } from '../findings/finding';
import type { Mode } from '../policy/schema';
import type { Diagnosis, HealAction, TargetDecision } from './diagnose';

const KIND = {
  systemic: 'targets.systemic',
  healing: 'targets.healing',
  'human-needed': 'targets.human-needed',
  waiting: 'targets.waiting',
  recovered: 'targets.recovered',
  settling: 'targets.healthy',
  healthy: 'targets.healthy',
} as const satisfies Record<Diagnosis['status'], FindingKind>;

/** The kinds a target group's diagnosis is published as. */
export type DiagnosisKind = (typeof KIND)[Diagnosis['status']];

const VERB: Record<HealAction, { done: string; would: string }> = {
  start: { done: 'started', would: 'would start' },
  reboot: { done: 'rebooted', would: 'would reboot' },
  reregister: { done: 're-registered', would: 'would re-register' },
};

export interface CarriedOut {
  readonly decision: Extract<TargetDecision, { type: 'act' }>;
  /** The AWS calls, made or (report mode) planned. */
  readonly calls: string[];
  readonly error?: string;
}

function severityOf(diagnosis: Diagnosis): Finding['severity'] {
  if (diagnosis.status === 'systemic') return diagnosis.counts.healthy === 0 ? 'critical' : 'warning';
  if (diagnosis.status === 'recovered' || diagnosis.status === 'healthy' || diagnosis.status === 'settling')
    return 'info';
  return 'warning';
}

function titleOf(diagnosis: Diagnosis, carried: ReadonlyArray<CarriedOut>, mode: Mode): string {
  const name = diagnosis.targetGroup.name;
  const { total, healthy } = diagnosis.counts;
  switch (diagnosis.status) {
    case 'systemic':
      return `${name}: ${diagnosis.systemic[0]?.summary ?? 'a systemic problem'} — nothing touched`;
    case 'healing': {
      const done = carried.map(
        ({ decision, error }) =>
          `${error ? `failed to ${decision.action}` : mode === 'report' ? VERB[decision.action].would : VERB[decision.action].done} ${decision.instanceId}`,
      );
      return `${name}: ${total - healthy} of ${total} targets unhealthy — ${done.join(', ')}`;
    }
    case 'human-needed':
      return `${name}: ${total - healthy} of ${total} targets unhealthy — a human is needed`;
    case 'waiting':
      return `${name}: ${total - healthy} of ${total} targets unhealthy — waiting (cooldown or cap)`;
    case 'recovered':
      return `${name} recovered: ${healthy} of ${total} targets healthy (${diagnosis.recovered.join(', ')})`;
    default:
      return `${name}: ${healthy} of ${total} targets healthy`;
  }
}

function whyOf(diagnosis: Diagnosis, mode: Mode): string {
  const parts: string[] = [];
  for (const cause of diagnosis.systemic) {
    parts.push(`${cause.summary}. Fix: ${cause.fix}.`);
    if (cause.evidence.length > 0) parts.push(`Evidence: ${cause.evidence.join('; ')}.`);
    parts.push('Systemic causes are explained, not healed: netwarden touched nothing.');
  }
  for (const decision of diagnosis.decisions) {
    const subject = `${decision.instanceId}:${decision.port}`;
    if (decision.type === 'act')
      parts.push(
        `${subject} ${decision.why} → ${mode === 'report' ? `would ${decision.action}` : decision.action} (attempt ${decision.attempt}).`,
      );
    else parts.push(`${subject} ${decision.why}.`);
  }
  if (diagnosis.recovered.length > 0)
    parts.push(
      `Healthy again after netwarden acted: ${diagnosis.recovered.join(', ')}; attempt counts reset.`,
    );
  if (parts.length === 0) parts.push(`All ${diagnosis.counts.total} targets are healthy or settling.`);
  return parts.join(' ');
}

export function targetGroupFinding(
  diagnosis: Diagnosis,
  carried: ReadonlyArray<CarriedOut>,
  cleared: ReadonlyArray<string>,
  mode: Mode,
  now: Date,
  source: { eventId?: string; account?: string; region?: string; trigger: string },
): Finding<DiagnosisKind> {
  const acting = diagnosis.status === 'healing';
  const failed = carried.some((entry) => entry.error);
  const outcome: Finding['outcome'] = !acting
    ? 'no-action'
    : mode === 'report'
      ? 'would-act'
      : failed
        ? 'failed'
        : 'acted';
  return {
    kind: KIND[diagnosis.status],
    severity: severityOf(diagnosis),
    title: titleOf(diagnosis, carried, mode),
    mode,
    outcome,
    time: now.toISOString(),
    ...(source.eventId ? { eventId: source.eventId } : {}),
    ...(source.account ? { account: source.account } : {}),
    ...(source.region ? { region: source.region } : {}),
    resource: { type: 'target-group', id: diagnosis.targetGroup.arn, name: diagnosis.targetGroup.name },
    why: whyOf(diagnosis, mode),
    actions: [
      ...carried.flatMap((entry) => entry.calls),
      ...cleared.map((id) => `ec2:DeleteTags ${id} netwarden:heal-*`),
    ],
    details: {
      trigger: source.trigger,
      status: diagnosis.status,
      probePort: diagnosis.probePort,
      counts: diagnosis.counts,
      systemic: diagnosis.systemic,
      targets: diagnosis.targets,
      decisions: diagnosis.decisions,
      ...(failed
        ? {
            errors: carried
              .filter((entry) => entry.error)
              .map((entry) => `${entry.decision.instanceId}: ${entry.error}`),
          }
        : {}),
    },
  };
}

/**
 * An alarm names a target group that no longer exists (ELBv2 TargetGroupNotFound): the group was
 * deleted or replaced and its alarm was left behind. Said once; retrying cannot make it appear.
 */
export function targetGroupMissingFinding(
  source: { eventId: string; alarmName: string; targetGroupArn: string; account: string; region: string },
  mode: Mode,
  now: Date,
): Finding<'targets.group-missing'> {
  const name = source.targetGroupArn.split('/')[1] ?? source.targetGroupArn;
  return {
    kind: 'targets.group-missing',
    severity: 'warning',
    title: `alarm ${source.alarmName} names target group ${name}, which does not exist — nothing touched`,
    mode,
    outcome: 'no-action',
    time: now.toISOString(),
    eventId: source.eventId,
    account: source.account,
    region: source.region,
    resource: { type: 'target-group', id: source.targetGroupArn, name },
    why: `DescribeTargetGroups answers TargetGroupNotFound for ${source.targetGroupArn}: the group was deleted or replaced (Terraform replaces a target group to change its port) and the alarm still watches the old one. Point the alarm at the current group, or delete it.`,
    actions: [],
    details: { trigger: `alarm ${source.alarmName}` },
  };
}

/**
 * An alarm or sweep event of another account or region (shared/events/home.ts decides which): it
 * names target groups netwarden cannot see with its own credentials, so it is reported and never acted on.
 */
export function foreignTriggerFinding(
  source: { eventId: string; trigger: string; account: string; region: string },
  problems: ReadonlyArray<string>,
  home: { readonly accounts: ReadonlyArray<string>; readonly region: string },
  mode: Mode,
  now: Date,
): Finding<'targets.foreign-event'> {
  return {
    kind: 'targets.foreign-event',
    severity: 'warning',
    title: `${source.trigger} from outside netwarden's accounts and region ignored (${source.account}, ${source.region})`,
    mode,
    outcome: 'no-action',
    time: now.toISOString(),
    eventId: source.eventId,
    account: source.account,
    region: source.region,
    why: `${problems.join('; ')}. netwarden heals only target groups of ${home.accounts.join(', ')} in ${home.region}; an event from elsewhere reached it (check the event bus rules and policies) and nothing was read or acted on.`,
    actions: [],
    details: { trigger: source.trigger },
  };
}
