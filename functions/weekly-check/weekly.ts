/**
 * The weekly check: gather (reads only) → audit and build the digest (pure) → publish one finding.
 * As in the daily check, a part that cannot be read is named in the digest and the rest still arrives.
 */

import type { Digest } from '../../shared/audits/digest';
import { checkFinding } from '../../shared/audits/findings';
import { gather } from '../../shared/audits/gather';
import { auditAccount, emptyAuditReport } from '../../shared/audits/security-group-audit';
import {
  type CertificateUse,
  NLB_METRICS,
  type NlbWeek,
  seriesTotals,
  type TargetGroupSettings,
  WEEK_MS,
  weeklyDigest,
} from '../../shared/audits/weekly-digest';
import type { Certificates } from '../../shared/estate/certificates';
import type {
  ListenerFacts,
  LoadBalancerFacts,
  LoadBalancing,
  TargetGroupFacts,
} from '../../shared/estate/load-balancing';
import type { MetricQuery, Metrics } from '../../shared/estate/monitoring';
import type {
  AuditGroup,
  NetworkReferences,
  SecurityGroupInventory,
} from '../../shared/estate/security-groups';
import type { Finding, Publish } from '../../shared/findings/finding';
import type { GrantRecord, GrantStore } from '../../shared/grants/record';
import type { Policy } from '../../shared/policy/schema';
import type { StateBaselineLoader } from '../../shared/terraform/baseline-loader';
import { baselineFromState, type StateBaseline } from '../../shared/terraform/state';

export interface WeeklyDeps {
  readonly elb: Pick<LoadBalancing, 'loadBalancers' | 'targetGroups' | 'targetGroupAttributes' | 'listeners'>;
  readonly metrics: Metrics;
  readonly certificates: Certificates;
  readonly sg: Pick<SecurityGroupInventory, 'groups' | 'rules'>;
  readonly network: NetworkReferences;
  readonly state: StateBaselineLoader;
  /** netwarden's state table: open grants are temporary access, not drift (tags say nothing). */
  readonly grants?: Pick<GrantStore, 'open'>;
  readonly policy: Policy;
  readonly publish?: Publish;
  /** Items per digest section; the CLI shows everything. */
  readonly itemLimit?: number;
}

/** Protocols of NLB target groups; the seed's recommendations are for those. */
const NLB_PROTOCOLS = new Set(['TCP', 'TLS', 'UDP', 'TCP_UDP']);
const DAY_SECONDS = 86_400;

/** `net/gateway-nlb/5f3c…`: the LoadBalancer dimension is the ARN after `loadbalancer/`. */
export const dimensionOf = (arn: string, marker: 'loadbalancer/' | 'targetgroup/') =>
  marker === 'loadbalancer/'
    ? arn.slice(arn.indexOf(marker) + marker.length)
    : arn.slice(arn.indexOf(marker));

async function audit(at: Date, deps: WeeklyDeps, failures: string[]) {
  const [groups, rules] = await Promise.all([deps.sg.groups(), deps.sg.rules()]);
  const vpcIds = [...new Set(groups.flatMap((group) => (group.vpcId ? [group.vpcId] : [])))];
  const [staleReferences, attachedGroupIds, state, grants] = await Promise.all([
    gather('stale security groups', failures, [], () => deps.network.staleReferences(vpcIds)),
    gather('network interfaces', failures, undefined as Set<string> | undefined, () =>
      deps.network.attachedGroupIds(),
    ),
    gather('Terraform state', failures, undefined as StateBaseline | undefined, () => deps.state.load()),
    // Unread, open grants count as unapproved rules: the digest lists the failure and errs on the loud side.
    gather(
      'grants (state table)',
      failures,
      [] as GrantRecord[],
      async () => (await deps.grants?.open()) ?? [],
    ),
  ]);
  const report = auditAccount({
    groups,
    rules,
    policy: deps.policy,
    // Without the interfaces, "attached to nothing" cannot be judged: say nothing rather than everything.
    attachedGroupIds: attachedGroupIds ?? new Set(groups.map((group) => group.groupId)),
    staleReferences,
    now: at,
    ...(state ? { extraBaseline: (groupId: string) => baselineFromState(state, groupId) } : {}),
    ...(accountOf(groups) ? { accountId: accountOf(groups) } : {}),
    recordedGrants: new Set(grants.flatMap((grant) => (grant.ruleId ? [grant.ruleId] : []))),
  });
  return { report, baselineProblems: state?.problems ?? [] };
}

const accountOf = (groups: ReadonlyArray<AuditGroup>) => groups.find((group) => group.ownerId)?.ownerId;

function metricQueries(
  nlbs: ReadonlyArray<LoadBalancerFacts>,
  targetGroups: ReadonlyArray<TargetGroupFacts>,
) {
  const queries: Array<MetricQuery & { loadBalancerArn: string; key: string }> = [];
  for (const nlb of nlbs) {
    const LoadBalancer = dimensionOf(nlb.arn, 'loadbalancer/');
    for (const { key, metric, stat } of NLB_METRICS)
      queries.push({
        id: `q${queries.length}`,
        namespace: 'AWS/NetworkELB',
        metric,
        stat,
        period: DAY_SECONDS,
        dimensions: { LoadBalancer },
        loadBalancerArn: nlb.arn,
        key,
      });
    for (const group of targetGroups.filter((candidate) => candidate.loadBalancerArns.includes(nlb.arn)))
      queries.push({
        id: `q${queries.length}`,
        namespace: 'AWS/NetworkELB',
        metric: 'UnHealthyHostCount',
        stat: 'Maximum',
        period: DAY_SECONDS,
        dimensions: { LoadBalancer, TargetGroup: dimensionOf(group.arn, 'targetgroup/') },
        loadBalancerArn: nlb.arn,
        key: 'unhealthy',
      });
  }
  return queries;
}

async function loadBalancing(at: Date, deps: WeeklyDeps, failures: string[]) {
  const [loadBalancers, targetGroups] = await Promise.all([
    deps.elb.loadBalancers(),
    deps.elb.targetGroups(),
  ]);
  const nlbs = loadBalancers.filter((lb) => lb.type === 'network');
  const listeners: ListenerFacts[] = [];
  for (const lb of loadBalancers)
    listeners.push(...(await deps.elb.listeners(lb.arn, { certificates: true })));

  const queries = metricQueries(nlbs, targetGroups);
  const series = await gather('NLB metrics', failures, new Map(), () =>
    deps.metrics.metricData(queries, { start: new Date(at.getTime() - WEEK_MS), end: at }),
  );
  const weeks: NlbWeek[] = nlbs.map((loadBalancer) => {
    const mine = queries.filter((query) => query.loadBalancerArn === loadBalancer.arn);
    const total = (key: string, reduce: (values: ReturnType<typeof series.get>) => number) =>
      Math.max(0, ...mine.filter((query) => query.key === key).map((query) => reduce(series.get(query.id))));
    return {
      loadBalancer,
      newFlows: total('newFlows', seriesTotals.sum),
      peakActiveFlows: total('peakActiveFlows', seriesTotals.max),
      processedBytes: total('processedBytes', seriesTotals.sum),
      peakUnhealthyHosts: total('unhealthy', seriesTotals.max),
    };
  });

  const names = new Map(loadBalancers.map((lb) => [lb.arn, lb.name]));
  const certificateUses = new Map<string, string[]>();
  for (const listener of listeners)
    for (const arn of listener.certificateArns ?? [])
      certificateUses.set(arn, [
        ...(certificateUses.get(arn) ?? []),
        `${names.get(listener.loadBalancerArn) ?? listener.loadBalancerArn}:${listener.port}`,
      ]);
  const certificates: CertificateUse[] = [];
  for (const [arn, usedBy] of certificateUses) {
    const facts = await gather(`certificate ${arn}`, failures, null, () =>
      deps.certificates.certificate(arn),
    );
    if (facts !== null) certificates.push({ arn, usedBy, facts });
  }

  const settings: TargetGroupSettings[] = [];
  for (const targetGroup of targetGroups.filter((group) => NLB_PROTOCOLS.has(group.protocol ?? ''))) {
    const attributes = await gather(`attributes of ${targetGroup.name}`, failures, {}, () =>
      deps.elb.targetGroupAttributes(targetGroup.arn),
    );
    settings.push({
      targetGroup,
      attributes,
      listeners: listeners.filter((listener) => listener.targetGroupArns.includes(targetGroup.arn)),
    });
  }
  return { weeks, certificates, settings };
}

export async function weeklyCheck(at: Date, deps: WeeklyDeps): Promise<{ digest: Digest; finding: Finding }> {
  const failures: string[] = [];
  const [audited, balancing] = await Promise.all([
    gather(
      'security-group audit',
      failures,
      { report: emptyAuditReport(), baselineProblems: [] as string[] },
      () => audit(at, deps, failures),
    ),
    gather('load balancers', failures, { weeks: [], certificates: [], settings: [] }, () =>
      loadBalancing(at, deps, failures),
    ),
  ]);
  const digest = weeklyDigest({
    now: at,
    settings: deps.policy.checks,
    audit: audited.report,
    baselineProblems: audited.baselineProblems,
    nlbs: balancing.weeks,
    certificates: balancing.certificates,
    targetGroups: balancing.settings,
    failures,
    ...(deps.itemLimit ? { itemLimit: deps.itemLimit } : {}),
  });
  const finding = checkFinding(digest, at);
  if (deps.publish) await deps.publish(finding);
  return { digest, finding };
}
