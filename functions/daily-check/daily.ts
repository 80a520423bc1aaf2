/**
 * The daily check: gather (reads only) → build the digest (pure) → publish it as one finding.
 * Each part of the checklist is gathered on its own: one that fails (a missing permission, a throttled
 * API after every retry) is named in the digest and the rest still arrives — a partial report at 09:00
 * beats a retry storm of duplicate digests. Only a failed publish throws (and is retried, then dead-lettered).
 */
import { type ChangesReview, reviewChanges } from '../../shared/audits/changes';
import { type DailyFacts, dailyDigest, type LoadBalancerHealth } from '../../shared/audits/daily-digest';
import type { Digest } from '../../shared/audits/digest';
import { checkFinding } from '../../shared/audits/findings';
import { gather } from '../../shared/audits/gather';
import { clockIn } from '../../shared/audits/time';
import type { LoadBalancing } from '../../shared/estate/load-balancing';
import type { AlarmFacts, Alarms, SecurityGroupTrail } from '../../shared/estate/monitoring';
import type { SecurityGroupInventory } from '../../shared/estate/security-groups';
import type { Finding, Publish } from '../../shared/findings/finding';
import { lookUpGrants } from '../../shared/grants/judge';
import {
  accessKey,
  type GrantRecord,
  type GrantRecordReader,
  type GrantStore,
} from '../../shared/grants/record';
import { GRANT_TAG_PREFIX } from '../../shared/grants/tags';
import type { Policy } from '../../shared/policy/schema';
import type { Rule } from '../../shared/rules/rule';

export const DAY_MS = 86_400_000;

export interface DailyDeps {
  readonly elb: Pick<LoadBalancing, 'loadBalancers' | 'targetGroups' | 'targetHealth'>;
  readonly alarms: Alarms;
  readonly trail: SecurityGroupTrail;
  readonly sg: Pick<SecurityGroupInventory, 'rulesWithTagKey' | 'groupNames'>;
  /** netwarden's state table: the only source of what is a grant, whose it is and until when. */
  readonly grants: Pick<GrantStore, 'open'>;
  readonly policy: Policy;
  readonly selfRoles: ReadonlyArray<string>;
  /** Absent in the CLI: it only prints. */
  readonly publish?: Publish;
  /** Items per digest section; the CLI shows everything. */
  readonly itemLimit?: number;
}

async function targetHealth(elb: DailyDeps['elb']): Promise<LoadBalancerHealth[]> {
  const [loadBalancers, targetGroups] = await Promise.all([elb.loadBalancers(), elb.targetGroups()]);
  const result: LoadBalancerHealth[] = [];
  for (const loadBalancer of loadBalancers) {
    const attached = targetGroups.filter((group) => group.loadBalancerArns.includes(loadBalancer.arn));
    const withHealth = [];
    for (const targetGroup of attached)
      withHealth.push({ targetGroup, targets: await elb.targetHealth(targetGroup.arn) });
    result.push({ loadBalancer, targetGroups: withHealth });
  }
  return result;
}

/** The open records as a GrantRecordReader, so that lookUpGrants needs no GetItem per tagged rule. */
function openRecordReader(records: ReadonlyArray<GrantRecord>): GrantRecordReader {
  const byAccess = new Map(
    records.map((record) => [`${record.groupId}#${accessKey(record.access)}`, record]),
  );
  return { get: async (groupId, access) => byAccess.get(`${groupId}#${access}`) };
}

export async function dailyCheck(at: Date, deps: DailyDeps): Promise<{ digest: Digest; finding: Finding }> {
  const failures: string[] = [];
  const timezone = deps.policy.checks.timezone;
  const [loadBalancers, alarms, changes, grants, grantTagged] = await Promise.all([
    // undefined, not []: a check that could not run must never read as "nothing found".
    gather('target health', failures, undefined as LoadBalancerHealth[] | undefined, () =>
      targetHealth(deps.elb),
    ),
    gather('alarms', failures, undefined as AlarmFacts[] | undefined, () => deps.alarms.alarmsInAlarm()),
    gather(
      'security-group changes (CloudTrail)',
      failures,
      undefined as ChangesReview | undefined,
      async () =>
        reviewChanges(
          await deps.trail.securityGroupEvents({ start: new Date(at.getTime() - DAY_MS), end: at }),
          {
            selfRoles: deps.selfRoles,
            trustedPrincipals: deps.policy.trustedPrincipals,
            clock: clockIn(timezone),
          },
        ),
    ),
    // undefined, not []: an unread table must never read as "0 grants".
    gather('grants (state table)', failures, undefined as GrantRecord[] | undefined, () =>
      deps.grants.open(),
    ),
    gather('grant tags (DescribeSecurityGroupRules)', failures, undefined as Rule[] | undefined, () =>
      // Any grant tag, not only the expiry: a forged owner label alone is a forged grant too.
      deps.sg.rulesWithTagKey(`${GRANT_TAG_PREFIX}*`),
    ),
  ]);
  // Tags only say where to look; the record decides (the same matching as revert-sg-drift). Without
  // the records nothing can be called forged, so the tagged rules are counted in the failure instead.
  const forgedGrantTags =
    grants && grantTagged ? (await lookUpGrants(grantTagged, openRecordReader(grants))).forged : [];
  if (!grants && grantTagged && grantTagged.length > 0)
    failures.push(
      `grant tags: ${grantTagged.length} rule${grantTagged.length === 1 ? '' : 's'} carrying grant tags could not be checked against the state table`,
    );
  // CloudTrail and grant records know groups by id; on-call knows them by name (one filtered describe).
  const mentioned = [
    ...[...(changes?.changes ?? []), ...(changes?.own ?? [])].flatMap((change) =>
      change.group ? [change.group] : [],
    ),
    ...(grants ?? []).map((grant) => grant.groupId),
    ...forgedGrantTags.map((rule) => rule.groupId),
  ].filter((group) => group.startsWith('sg-'));
  const groupNames =
    mentioned.length === 0
      ? new Map<string, string>()
      : await gather('security-group names', failures, new Map<string, string>(), () =>
          deps.sg.groupNames(mentioned),
        );
  const facts: DailyFacts = {
    now: at,
    timezone,
    loadBalancers,
    alarms,
    changes,
    grants,
    forgedGrantTags,
    groupNames,
    failures,
    ...(deps.itemLimit ? { itemLimit: deps.itemLimit } : {}),
  };
  const digest = dailyDigest(facts);
  const finding = checkFinding(digest, at);
  if (deps.publish) await deps.publish(finding);
  return { digest, finding };
}
