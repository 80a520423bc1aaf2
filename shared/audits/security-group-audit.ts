/**
 * The weekly security-group audit: pure, one pass over every group and rule of an account.
 *
 * Categories: drift against the baseline (baseline rules missing; rules not in the baseline on groups
 * that have one), redundant rules (another rule of the same group already allows everything they allow:
 * CIDR containment and port-range containment, the same test as revert-sg-drift's `covers()`),
 * guardrail breaches (`forbid` of the sections that select the group), rules referencing deleted or
 * stale groups, groups attached to no network interface, and the policy's exceptions with their
 * reasons and expiry — always listed, never flagged in another category while in force. An expired
 * exception no longer exempts its rule and is listed for renewal or removal. A `netwarden:ignore` tag
 * exempts nothing: the rule is judged like any other and listed, so that its owner moves it into the
 * policy. Baseline rules a guardrail forbids are listed as such, not as missing (they are never restored).
 *
 * Scale: an account may hold 2,500 groups × 60 rules. Redundancy is found through an index per
 * (group, direction): CIDR rules keyed by their network at each prefix length present in the group,
 * so a rule looks up its few possible supernets instead of comparing with every other rule; within one
 * key, rules are sorted by first port with a running maximum of the last port, so port containment is
 * a binary search. Each distinct CIDR string is parsed once for the whole account.
 */

import type { StaleReference } from '../estate/security-groups';
import { baselineRules, forbidMatches, type GroupFacts, sectionsFor } from '../policy/match';
import type { Policy } from '../policy/schema';
import { type Cidr, parseCidr } from '../rules/cidr';
import { ALL_TRAFFIC, covers, hasPorts, peerKey, type Rule, ruleKey, summarise } from '../rules/rule';
import {
  type ExceptionRef,
  exceptionRules,
  exceptionsFor,
  expiredExceptions,
  formatExpiry,
  ignoreTagOf,
} from '../sg/exceptions';

export interface AuditInput {
  readonly groups: ReadonlyArray<GroupFacts>;
  readonly rules: ReadonlyArray<Rule>;
  readonly policy: Policy;
  /** Baseline rules of a group from sources other than the policy (Terraform state); undefined = none. */
  readonly extraBaseline?: (groupId: string) => Rule[] | undefined;
  /** Group ids used by at least one network interface. */
  readonly attachedGroupIds: ReadonlySet<string>;
  /** What DescribeStaleSecurityGroups reported. */
  readonly staleReferences: ReadonlyArray<StaleReference>;
  /** The account's id: references to groups of other accounts cannot be checked for existence. */
  readonly accountId?: string;
  /** When the audit runs: a policy exception applies until its expiry. */
  readonly now: Date;
  /**
   * Rule ids of the open grants netwarden recorded in its state table: temporary, so not drift. A
   * grant tag on a rule proves nothing (anyone can write one) and exempts nothing here.
   */
  readonly recordedGrants?: ReadonlySet<string>;
}

/** A policy exception as the audit lists it: where it is in the file, what it covers, until when. */
export interface ExceptionEntry {
  /** `policy.exceptions[0]`. */
  readonly path: string;
  readonly groupId: string;
  readonly summary: string;
  readonly reason: string;
  /** `2027-03-31`, or a UTC time. */
  readonly expires: string;
}

export interface RuleRef {
  readonly groupId: string;
  /** For people: on-call knows `rds-postgres-sg`, not `sg-0db…`. */
  readonly groupName?: string;
  readonly ruleId?: string;
  readonly summary: string;
}

export interface AuditReport {
  readonly groups: number;
  readonly rules: number;
  readonly drift: {
    readonly missing: RuleRef[];
    readonly unapproved: RuleRef[];
  };
  readonly redundant: Array<RuleRef & { readonly coveredBy: RuleRef }>;
  readonly guardrails: Array<RuleRef & { readonly section: string }>;
  readonly staleReferences: StaleReference[];
  readonly unattached: Array<{ readonly groupId: string; readonly groupName?: string }>;
  /** Rules left alone by a policy exception in force. */
  readonly exceptions: Array<
    RuleRef & {
      readonly reason: string;
      readonly guardrailBreach: boolean;
      readonly exception: string;
      readonly expires: string;
    }
  >;
  /** Policy exceptions past their expiry: they exempt nothing; renew or remove them. */
  readonly expiredExceptions: ExceptionEntry[];
  /** Policy exceptions in force that match no rule of the account: remove them. */
  readonly unusedExceptions: ExceptionEntry[];
  /** Rules carrying a netwarden:ignore tag, which exempts nothing: move them into the policy's exceptions. */
  readonly ignoreTagged: Array<RuleRef & { readonly tag: string }>;
  /** Approved rules (policy or Terraform state) that a guardrail forbids: never restored; fix the baseline. */
  readonly forbiddenBaseline: Array<RuleRef & { readonly section: string }>;
}

function exceptionEntry(ref: ExceptionRef): ExceptionEntry {
  return {
    path: ref.path,
    groupId: ref.exception.group,
    summary: exceptionRules(ref.exception).map(summarise).join(', '),
    reason: ref.exception.reason,
    expires: formatExpiry(ref.exception.expires),
  };
}

const refOf = (rule: Rule, group: GroupFacts): RuleRef => ({
  groupId: rule.groupId,
  ...(group.groupName ? { groupName: group.groupName } : {}),
  summary: summarise(rule),
  ...(rule.ruleId ? { ruleId: rule.ruleId } : {}),
});

/** Parses each distinct CIDR string once for the whole audit. */
function cidrCache(): (text: string) => Cidr | undefined {
  const cache = new Map<string, Cidr | undefined>();
  return (text) => {
    if (cache.has(text)) return cache.get(text);
    const parsed = parseCidr(text);
    cache.set(text, parsed);
    return parsed;
  };
}

const MASKS = { 4: maskTable(32), 6: maskTable(128) } as const;
function maskTable(bits: number): bigint[] {
  const all = (1n << BigInt(bits)) - 1n;
  return Array.from({ length: bits + 1 }, (_, prefix) =>
    prefix === 0 ? 0n : (all << BigInt(bits - prefix)) & all,
  );
}

/**
 * Rules sharing one peer key, sorted by first port, with the two widest last-port values seen so far,
 * so "is there another rule whose ports include mine?" is a binary search.
 */
class PortIndex {
  private readonly sorted: Rule[];
  private readonly best: Array<[Rule, Rule | undefined]>;

  constructor(rules: Rule[]) {
    this.sorted = [...rules].sort((a, b) => a.fromPort - b.fromPort || b.toPort - a.toPort);
    this.best = [];
    let first: Rule | undefined;
    let second: Rule | undefined;
    for (const rule of this.sorted) {
      if (!first || rule.toPort > first.toPort) {
        second = first;
        first = rule;
      } else if (!second || rule.toPort > second.toPort) {
        second = rule;
      }
      this.best.push([first, second]);
    }
  }

  /** A rule other than `rule` whose port range includes `rule`'s, if any. */
  coverOf(rule: Rule): Rule | undefined {
    let low = 0;
    let high = this.sorted.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((this.sorted[middle]?.fromPort ?? Number.POSITIVE_INFINITY) <= rule.fromPort) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found < 0) return undefined;
    const [first, second] = this.best[found] ?? [];
    const candidate = first === rule ? second : first;
    return candidate && candidate.toPort >= rule.toPort ? candidate : undefined;
  }
}

/** The covering rule among `candidates` for a rule without ports (all traffic, icmp, other protocols). */
function linearCover(candidates: ReadonlyArray<Rule>, rule: Rule): Rule | undefined {
  return candidates.find((other) => other !== rule && covers(other, rule));
}

/** The rules of one (group, direction), indexed for redundancy look-ups. */
class DirectionIndex {
  /** protocol → peer key (`4:<prefix>:<network>` for CIDRs) → rules. */
  private readonly byKey = new Map<string, Map<string, Rule[]>>();
  private readonly portIndexes = new Map<Rule[], PortIndex>();
  /** Prefix lengths present per address family, ascending: the only supernets worth probing. */
  private readonly prefixes: Record<4 | 6, number[]> = { 4: [], 6: [] };

  constructor(
    rules: ReadonlyArray<Rule>,
    private readonly cidrOf: (text: string) => Cidr | undefined,
  ) {
    const prefixSets: Record<4 | 6, Set<number>> = { 4: new Set(), 6: new Set() };
    for (const rule of rules) {
      const key = this.keyOf(rule, undefined);
      if (key === undefined) continue;
      const cidr = this.cidrRule(rule);
      if (cidr) prefixSets[cidr.family].add(cidr.prefix);
      let protocolMap = this.byKey.get(rule.protocol);
      if (!protocolMap) {
        protocolMap = new Map();
        this.byKey.set(rule.protocol, protocolMap);
      }
      const list = protocolMap.get(key);
      if (list) list.push(rule);
      else protocolMap.set(key, [rule]);
    }
    this.prefixes[4] = [...prefixSets[4]].sort((a, b) => a - b);
    this.prefixes[6] = [...prefixSets[6]].sort((a, b) => a - b);
  }

  private cidrRule(rule: Rule): Cidr | undefined {
    return rule.peer.type === 'ipv4' || rule.peer.type === 'ipv6' ? this.cidrOf(rule.peer.cidr) : undefined;
  }

  /** The index key of a rule's peer, or of its supernet at `prefix`. */
  private keyOf(rule: Rule, prefix: number | undefined): string | undefined {
    if (rule.peer.type !== 'ipv4' && rule.peer.type !== 'ipv6')
      return `${rule.peer.type}:${peerKey(rule.peer)}`;
    const cidr = this.cidrRule(rule);
    if (!cidr) return undefined;
    const length = prefix ?? cidr.prefix;
    return `${cidr.family}:${length}:${cidr.network & (MASKS[cidr.family][length] ?? 0n)}`;
  }

  private coverIn(list: Rule[] | undefined, rule: Rule): Rule | undefined {
    if (!list) return undefined;
    if (list[0]?.protocol === ALL_TRAFFIC) return list.find((other) => other !== rule);
    if (!hasPorts(rule.protocol)) return linearCover(list, rule);
    let index = this.portIndexes.get(list);
    if (!index) {
      index = new PortIndex(list);
      this.portIndexes.set(list, index);
    }
    return index.coverOf(rule);
  }

  /** Another rule of this (group, direction) that allows everything `rule` allows. */
  coverOf(rule: Rule): Rule | undefined {
    const protocols = rule.protocol === ALL_TRAFFIC ? [ALL_TRAFFIC] : [rule.protocol, ALL_TRAFFIC];
    const cidr = this.cidrRule(rule);
    for (const protocol of protocols) {
      const map = this.byKey.get(protocol);
      if (!map) continue;
      const probes = cidr
        ? this.prefixes[cidr.family].filter((prefix) => prefix <= cidr.prefix).map((p) => this.keyOf(rule, p))
        : [this.keyOf(rule, undefined)];
      for (const key of probes) {
        const found = key === undefined ? undefined : this.coverIn(map.get(key), rule);
        // covers() is the one definition of "already allowed": the index only finds candidates fast.
        if (found && covers(found, rule)) return found;
      }
    }
    return undefined;
  }
}

function groupRules(rules: ReadonlyArray<Rule>): Map<string, Rule[]> {
  const byGroup = new Map<string, Rule[]>();
  for (const rule of rules) {
    const list = byGroup.get(rule.groupId);
    if (list) list.push(rule);
    else byGroup.set(rule.groupId, [rule]);
  }
  return byGroup;
}

function policyBaseline(policy: Policy, group: GroupFacts): Rule[] | undefined {
  const sections = sectionsFor(policy, group).filter((section) => section.baseline !== undefined);
  if (sections.length === 0) return undefined;
  return sections.flatMap((section) => baselineRules(section.baseline ?? [], group.groupId));
}

/** A report with nothing found: the start of every audit, and what the digest shows when the audit could not run. */
export function emptyAuditReport(groups = 0, rules = 0): AuditReport {
  return {
    groups,
    rules,
    drift: { missing: [], unapproved: [] },
    redundant: [],
    guardrails: [],
    staleReferences: [],
    unattached: [],
    exceptions: [],
    expiredExceptions: [],
    unusedExceptions: [],
    ignoreTagged: [],
    forbiddenBaseline: [],
  };
}

export function auditAccount(input: AuditInput): AuditReport {
  const account: AccountAudit = {
    input,
    cidrOf: cidrCache(),
    knownGroups: new Set(input.groups.map((group) => group.groupId)),
    stale: new Map(),
    usedExceptions: new Set(),
    report: emptyAuditReport(input.groups.length, input.rules.length),
  };
  const rulesByGroup = groupRules(input.rules);
  for (const group of input.groups) auditGroup(group, rulesByGroup.get(group.groupId) ?? [], account);
  addStaleReferences(account);
  addExceptionUse(account);
  return account.report;
}

/** What the audit of one account carries from group to group. */
interface AccountAudit {
  readonly input: AuditInput;
  readonly cidrOf: ReturnType<typeof cidrCache>;
  readonly knownGroups: ReadonlySet<string>;
  /** Stale references by group, direction and rule, so that one found twice is listed once. */
  readonly stale: Map<string, StaleReference>;
  readonly usedExceptions: Set<string>;
  readonly report: AuditReport;
}

type Forbids = ReadonlyArray<{
  readonly section: ReturnType<typeof sectionsFor>[number];
  readonly forbid: ReturnType<typeof sectionsFor>[number]['forbid'][number];
}>;

function auditGroup(group: GroupFacts, rules: ReadonlyArray<Rule>, account: AccountAudit): void {
  const { input, report } = account;
  const forbids: Forbids = sectionsFor(input.policy, group).flatMap((section) =>
    section.forbid.map((forbid) => ({ section, forbid })),
  );
  const fromPolicy = policyBaseline(input.policy, group);
  const fromState = input.extraBaseline?.(group.groupId);
  const baseline = fromPolicy || fromState ? [...(fromPolicy ?? []), ...(fromState ?? [])] : undefined;
  const baselineKeys = baseline ? new Set(baseline.map(ruleKey)) : undefined;

  const judged = judgeRules(group, rules, forbids, baselineKeys, account);
  if (baseline) missingFromBaseline(group, rules, baseline, forbids, report);
  for (const direction of ['ingress', 'egress'] as const)
    redundantRules(
      group,
      judged.filter((rule) => rule.direction === direction),
      baselineKeys,
      account,
    );
  if (!input.attachedGroupIds.has(group.groupId) && group.groupName !== 'default')
    report.unattached.push({
      groupId: group.groupId,
      ...(group.groupName ? { groupName: group.groupName } : {}),
    });
}

/**
 * Each rule of the group against the exceptions, the guardrails and the baseline; returns the rules
 * that are judged further (a rule under an active exception is listed as such and nothing else).
 */
function judgeRules(
  group: GroupFacts,
  rules: ReadonlyArray<Rule>,
  forbids: Forbids,
  baselineKeys: ReadonlySet<string> | undefined,
  account: AccountAudit,
): Rule[] {
  const { input, report } = account;
  const judged: Rule[] = [];
  for (const rule of rules) {
    const breach = forbids.find(({ forbid }) => forbidMatches(forbid, rule));
    const tag = ignoreTagOf(rule);
    if (tag !== undefined) report.ignoreTagged.push({ ...refOf(rule, group), tag });
    const { active } = exceptionsFor(input.policy.exceptions, rule, input.now);
    if (active) {
      account.usedExceptions.add(active.path);
      report.exceptions.push({
        ...refOf(rule, group),
        reason: active.exception.reason,
        guardrailBreach: breach !== undefined,
        exception: active.path,
        expires: formatExpiry(active.exception.expires),
      });
      continue;
    }
    if (breach) report.guardrails.push({ ...refOf(rule, group), section: breach.section.name });
    const recordedGrant = rule.ruleId !== undefined && input.recordedGrants?.has(rule.ruleId) === true;
    if (baselineKeys && !baselineKeys.has(ruleKey(rule)) && !recordedGrant)
      report.drift.unapproved.push(refOf(rule, group));
    noteStaleReference(group, rule, account);
    judged.push(rule);
  }
  return judged;
}

/** A rule naming a group of this account that does not exist. */
function noteStaleReference(group: GroupFacts, rule: Rule, account: AccountAudit): void {
  if (rule.peer.type !== 'security-group') return;
  const local = rule.peer.userId === undefined || rule.peer.userId === account.input.accountId;
  if (!local || account.knownGroups.has(rule.peer.groupId)) return;
  const reference: StaleReference = {
    groupId: group.groupId,
    ...(group.groupName ? { groupName: group.groupName } : {}),
    direction: rule.direction,
    referencedGroupId: rule.peer.groupId,
    summary: summarise(rule),
    reason: 'the referenced group does not exist',
  };
  account.stale.set(`${group.groupId}|${rule.direction}|${reference.summary}`, reference);
}

/** Baseline rules the group lacks: drift to restore, or (a guardrail forbids them) never restored. */
function missingFromBaseline(
  group: GroupFacts,
  rules: ReadonlyArray<Rule>,
  baseline: ReadonlyArray<Rule>,
  forbids: Forbids,
  report: AuditReport,
): void {
  const present = new Set(rules.map(ruleKey));
  const seen = new Set<string>();
  for (const rule of baseline) {
    const key = ruleKey(rule);
    if (present.has(key) || seen.has(key)) continue;
    seen.add(key);
    const breach = forbids.find(({ forbid }) => forbidMatches(forbid, rule));
    if (breach) report.forbiddenBaseline.push({ ...refOf(rule, group), section: breach.section.name });
    else report.drift.missing.push(refOf(rule, group));
  }
}

/** Rules of one direction that another rule of the group already covers. */
function redundantRules(
  group: GroupFacts,
  inDirection: ReadonlyArray<Rule>,
  baselineKeys: ReadonlySet<string> | undefined,
  account: AccountAudit,
): void {
  if (inDirection.length < 2) return;
  const index = new DirectionIndex(inDirection, account.cidrOf);
  const position = new Map(inDirection.map((rule, at) => [rule, at]));
  for (const rule of inDirection) {
    const coveredBy = index.coverOf(rule);
    if (!coveredBy) continue;
    // Two rules with the same access (AWS refuses them, other sources may not): flag the later one.
    if (ruleKey(coveredBy) === ruleKey(rule) && (position.get(coveredBy) ?? 0) > (position.get(rule) ?? 0))
      continue;
    // An approved rule made redundant by an unapproved wider one: the wider one is the drift to fix.
    if (baselineKeys?.has(ruleKey(rule)) && !baselineKeys.has(ruleKey(coveredBy))) continue;
    account.report.redundant.push({ ...refOf(rule, group), coveredBy: refOf(coveredBy, group) });
  }
}

/** The stale references EC2 reports (deleted peers, gone peerings) beside those the rules showed. */
function addStaleReferences({ input, stale, report }: AccountAudit): void {
  const names = new Map(input.groups.map((group) => [group.groupId, group.groupName]));
  for (const reference of input.staleReferences) {
    const groupName = reference.groupName ?? names.get(reference.groupId);
    stale.set(`${reference.groupId}|${reference.direction}|${reference.summary}`, {
      ...reference,
      ...(groupName ? { groupName } : {}),
    });
  }
  report.staleReferences.push(...stale.values());
}

/** Expired exceptions, and exceptions that matched no rule. */
function addExceptionUse({ input, usedExceptions, report }: AccountAudit): void {
  const expired = expiredExceptions(input.policy.exceptions, input.now);
  report.expiredExceptions.push(...expired.map(exceptionEntry));
  const expiredPaths = new Set(expired.map((ref) => ref.path));
  input.policy.exceptions.forEach((exception, index) => {
    const path = `policy.exceptions[${index}]`;
    if (!usedExceptions.has(path) && !expiredPaths.has(path))
      report.unusedExceptions.push(exceptionEntry({ path, exception }));
  });
}

/** Number of findings in the report (exceptions in force, used or not, are listed but are not problems). */
export function auditProblemCount(report: AuditReport): number {
  return (
    report.expiredExceptions.length +
    report.ignoreTagged.length +
    report.forbiddenBaseline.length +
    report.drift.missing.length +
    report.drift.unapproved.length +
    report.redundant.length +
    report.guardrails.length +
    report.staleReferences.length +
    report.unattached.length
  );
}
