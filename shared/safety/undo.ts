/**
 * `netwarden undo`, the pure part: from journal records to a plan of reversals, newest first, each
 * through the same guardrail check as any write netwarden makes. An undo never re-opens a guardrail
 * breach (a revoked world-open 5432 stays revoked), never re-opens an expired grant, and never makes a
 * call that could take a load balancer's last healthy target (stop an instance, deregister a target).
 * What it does not reverse it names, with the reason. Each reversal it makes is a `safety.undone`
 * finding of its own.
 *
 * Only entries netwarden recorded (`journal#…`, which only its roles may write) are ever reversed, and
 * only by the inverse they recorded: an operator's record (`undo#…`) only says "already reversed".
 */
import * as z from 'zod';
import type { CtIpPermission } from '../events/cloudtrail';
import type { Finding } from '../findings/finding';
import { type GroupFacts, sectionsFor } from '../policy/match';
import { policyFor, scopeOf } from '../policy/organization';
import type { Policy } from '../policy/schema';
import { RuleShapeError, rulesFromCtPermission } from '../rules/normalise';
import { type Direction, type Rule, summarise } from '../rules/rule';
import { guardrailOf, unverifiableGuardrailOf } from '../sg/decide';
import type { AwsCall, JournalEntry, JournalRecord } from './journal';

/** What one reversal does, as the adapters take it. */
export type Reversal =
  | {
      readonly type: 'authorize';
      readonly groupId: string;
      readonly direction: Direction;
      readonly rules: ReadonlyArray<Rule>;
    }
  | {
      readonly type: 'revoke';
      readonly groupId: string;
      readonly direction: Direction;
      readonly ruleIds: ReadonlyArray<string>;
    }
  | {
      readonly type: 'register';
      readonly targetGroupArn: string;
      readonly targets: ReadonlyArray<{ readonly id: string; readonly port: number }>;
    };

export type UndoStep =
  | {
      readonly verdict: 'reverse';
      readonly entry: JournalEntry;
      readonly reversal: Reversal;
      /** The call, as recorded in the entry's inverse. */
      readonly call: AwsCall;
    }
  | {
      readonly verdict: 'skip';
      readonly entry: JournalEntry;
      /** refused: reversing it would breach a guardrail or the healer's limits; skipped: nothing to do. */
      readonly because: 'refused' | 'already-reversed' | 'irreversible' | 'unsupported' | 'unreadable';
      readonly why: string;
    };

export interface UndoContext {
  readonly policy: Policy;
  /**
   * The facts of each security group a reversal would re-create rules in, as read now (tags select the
   * policy's sections). A group absent from the map no longer exists.
   */
  readonly groups: ReadonlyMap<string, GroupFacts>;
  /** The region the reversals are made in: an entry made elsewhere is left to an undo run there. */
  readonly region: string;
  /**
   * The accounts this run can act in (the operator's, and a member's reached with `--member-profile`);
   * an entry made in another account is left, never reversed in the wrong one. Undefined: the entries'
   * accounts are not checked (a caller that knows every entry is its own).
   */
  readonly accounts?: ReadonlyArray<string>;
  /**
   * The groups of a member account, read in that account (security group ids are per account): an
   * entry of a member account looks its group up here, else in `groups`.
   */
  readonly memberGroups?: ReadonlyMap<string, ReadonlyMap<string, GroupFacts>>;
}

const AUTHORIZE = /^AuthorizeSecurityGroup(Ingress|Egress)$/;
const REVOKE = /^RevokeSecurityGroup(Ingress|Egress)$/;

const ApiPermission = z.object({
  IpProtocol: z.union([z.string(), z.number()]),
  FromPort: z.number().int().optional(),
  ToPort: z.number().int().optional(),
  IpRanges: z.array(z.object({ CidrIp: z.string(), Description: z.string().optional() })).optional(),
  Ipv6Ranges: z.array(z.object({ CidrIpv6: z.string(), Description: z.string().optional() })).optional(),
  PrefixListIds: z
    .array(z.object({ PrefixListId: z.string(), Description: z.string().optional() }))
    .optional(),
  UserIdGroupPairs: z
    .array(
      z.object({
        GroupId: z.string().optional(),
        UserId: z.string().optional(),
        Description: z.string().optional(),
      }),
    )
    .optional(),
});
const AuthorizeInput = z.object({ GroupId: z.string(), IpPermissions: z.array(ApiPermission).min(1) });
const RevokeByIdInput = z.object({ GroupId: z.string(), SecurityGroupRuleIds: z.array(z.string()).min(1) });
const RegisterInput = z.object({
  TargetGroupArn: z.string(),
  Targets: z.array(z.object({ Id: z.string(), Port: z.number().int() })).min(1),
});

/** A revoke by the grant functions closes a grant (revoked now, or a rule no record covers). */
const closesGrant = (entry: JournalEntry): boolean =>
  entry.action === 'revoke' && (entry.function === 'grant-access' || entry.function === 'expire-grants');

/** A tag or untag of heal-targets' own attempt tags (netwarden:heal-…). */
function touchesHealTags(entry: JournalEntry): boolean {
  if (entry.action !== 'tag' && entry.action !== 'untag') return false;
  const tags = (entry.call.input as { Tags?: ReadonlyArray<{ Key?: unknown }> }).Tags ?? [];
  return tags.some((tag) => typeof tag.Key === 'string' && tag.Key.startsWith('netwarden:heal-'));
}

const directionOf = (operation: string): Direction => (operation.endsWith('Egress') ? 'egress' : 'ingress');

/** The rules an Authorize input (the SDK's IpPermission shape) creates, one per source. */
export function rulesOfAuthorize(input: z.infer<typeof AuthorizeInput>, direction: Direction): Rule[] {
  return input.IpPermissions.flatMap((permission, index) => {
    const asRecorded: CtIpPermission = {
      ipProtocol: String(permission.IpProtocol),
      ...(permission.FromPort !== undefined ? { fromPort: permission.FromPort } : {}),
      ...(permission.ToPort !== undefined ? { toPort: permission.ToPort } : {}),
      ipRanges: (permission.IpRanges ?? []).map((range) => ({
        cidrIp: range.CidrIp,
        ...(range.Description ? { description: range.Description } : {}),
      })),
      ipv6Ranges: (permission.Ipv6Ranges ?? []).map((range) => ({
        cidrIpv6: range.CidrIpv6,
        ...(range.Description ? { description: range.Description } : {}),
      })),
      prefixListIds: (permission.PrefixListIds ?? []).map((list) => ({
        prefixListId: list.PrefixListId,
        ...(list.Description ? { description: list.Description } : {}),
      })),
      groups: (permission.UserIdGroupPairs ?? []).map((pair) => ({
        ...(pair.GroupId ? { groupId: pair.GroupId } : {}),
        ...(pair.UserId ? { userId: pair.UserId } : {}),
        ...(pair.Description ? { description: pair.Description } : {}),
      })),
    };
    return rulesFromCtPermission(
      asRecorded,
      { groupId: input.GroupId, direction },
      `IpPermissions[${index}]`,
    );
  });
}

/** The security groups whose facts the plan needs: those a reversal would re-create rules in. */
export function groupsToRead(records: ReadonlyArray<JournalRecord>): string[] {
  const ids = new Set<string>();
  for (const { entry, recordedBy } of records) {
    if (recordedBy !== 'netwarden' || 'irreversible' in entry.inverse) continue;
    const { inverse } = entry;
    if (inverse.service !== 'ec2' || !AUTHORIZE.test(inverse.operation)) continue;
    const parsed = AuthorizeInput.safeParse(inverse.input);
    if (parsed.success) ids.add(parsed.data.GroupId);
  }
  return [...ids].sort();
}

const skip = (entry: JournalEntry, because: Extract<UndoStep, { verdict: 'skip' }>['because'], why: string) =>
  ({ verdict: 'skip', entry, because, why }) as const;

function issuesOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
}

function stepOf(entry: JournalEntry, context: UndoContext): UndoStep {
  const { inverse } = entry;
  if ('irreversible' in inverse) return skip(entry, 'irreversible', inverse.irreversible);
  if (entry.action === 'expire')
    return skip(
      entry,
      'refused',
      'an expired grant is not re-opened by undo: ask for a new grant (netwarden grant), which the policy judges afresh',
    );
  if (closesGrant(entry))
    return skip(
      entry,
      'refused',
      'a grant revoked before its expiry is not re-opened by undo: the rule would be covered by no grant record, so no expiry would ever remove it; ask for a new grant (netwarden grant)',
    );
  if (touchesHealTags(entry))
    return skip(
      entry,
      'refused',
      "the heal tags are heal-targets' count of its attempts on the instance (its caps and cooldown): putting them back as they were would let it try again past its limits",
    );
  if (entry.region !== context.region)
    return skip(
      entry,
      'unsupported',
      `made in ${entry.region}: run netwarden undo there (this run acts in ${context.region})`,
    );
  if (context.accounts && entry.account !== '' && !context.accounts.includes(entry.account))
    return skip(
      entry,
      'unsupported',
      `made in account ${entry.account}: this run acts in ${context.accounts.join(' and ')}; run netwarden undo again with --member-profile naming an AWS profile of ${entry.account}`,
    );
  const { service, operation } = inverse;
  const call = `${service}.${operation}`;
  if (service === 'ec2' && AUTHORIZE.test(operation)) {
    const parsed = AuthorizeInput.safeParse(inverse.input);
    if (!parsed.success)
      return skip(entry, 'unreadable', `the recorded ${call} cannot be read: ${issuesOf(parsed.error)}`);
    let rules: Rule[];
    try {
      rules = rulesOfAuthorize(parsed.data, directionOf(operation));
    } catch (error) {
      if (!(error instanceof RuleShapeError)) throw error;
      return skip(entry, 'unreadable', `the recorded ${call} cannot be read: ${error.message}`);
    }
    const group = (context.memberGroups?.get(entry.account) ?? context.groups).get(parsed.data.GroupId);
    if (!group) return skip(entry, 'refused', `the security group ${parsed.data.GroupId} no longer exists`);
    // A member account's own entries of the policy (its guardrails), as revert-sg-drift judged it.
    const scope = context.policy.organization ? scopeOf(context.policy, entry.account, '') : undefined;
    const policy = scope && !scope.central ? policyFor(context.policy, scope) : context.policy;
    const sections = sectionsFor(policy, group);
    for (const rule of rules) {
      const guardrail = guardrailOf(sections, rule);
      if (guardrail)
        return skip(
          entry,
          'refused',
          `re-creating ${summarise(rule)} would breach the guardrail ${guardrail}: undo never re-opens a guardrail breach`,
        );
      const unverifiable = unverifiableGuardrailOf(sections, rule);
      if (unverifiable)
        return skip(
          entry,
          'refused',
          `re-creating ${summarise(rule)} may breach the guardrail ${unverifiable.guardrail}: the prefix list ${unverifiable.prefixListId} may hold any address, so undo does not re-create it`,
        );
    }
    return {
      verdict: 'reverse',
      entry,
      call: inverse,
      reversal: { type: 'authorize', groupId: parsed.data.GroupId, direction: directionOf(operation), rules },
    };
  }
  if (service === 'ec2' && REVOKE.test(operation)) {
    const parsed = RevokeByIdInput.safeParse(inverse.input);
    if (!parsed.success)
      return skip(entry, 'unreadable', `the recorded ${call} names no rule ids: ${issuesOf(parsed.error)}`);
    return {
      verdict: 'reverse',
      entry,
      call: inverse,
      reversal: {
        type: 'revoke',
        groupId: parsed.data.GroupId,
        direction: directionOf(operation),
        ruleIds: parsed.data.SecurityGroupRuleIds,
      },
    };
  }
  if (service === 'elbv2' && operation === 'RegisterTargets') {
    const parsed = RegisterInput.safeParse(inverse.input);
    if (!parsed.success)
      return skip(entry, 'unreadable', `the recorded ${call} cannot be read: ${issuesOf(parsed.error)}`);
    return {
      verdict: 'reverse',
      entry,
      call: inverse,
      reversal: {
        type: 'register',
        targetGroupArn: parsed.data.TargetGroupArn,
        targets: parsed.data.Targets.map((target) => ({ id: target.Id, port: target.Port })),
      },
    };
  }
  if (
    (service === 'ec2' && operation === 'StopInstances') ||
    (service === 'elbv2' && operation === 'DeregisterTargets')
  )
    return skip(
      entry,
      'refused',
      `undo does not make ${call}: it could take a load balancer's last healthy target (an NLB fails open); do it by hand if you must`,
    );
  return skip(
    entry,
    'unsupported',
    `undo does not make ${call}; reverse it by hand if it must be: ${JSON.stringify(inverse.input)}`,
  );
}

/**
 * The plan for these records, newest first: one step per entry netwarden recorded, reversed or
 * skipped with the reason. An operator's reversal record is not a step; it marks the entry it names as
 * already reversed.
 */
export function planUndo(records: ReadonlyArray<JournalRecord>, context: UndoContext): UndoStep[] {
  const reversedBy = new Map<string, JournalEntry>();
  for (const record of records)
    if (record.recordedBy === 'operator' && record.reverses) reversedBy.set(record.reverses, record.entry);
  return records
    .filter((record) => record.recordedBy === 'netwarden')
    .map((record) => record.entry)
    .sort(newestEntryFirst)
    .map((entry) => {
      const reversal = reversedBy.get(entry.id);
      if (reversal)
        return skip(
          entry,
          'already-reversed',
          `already reversed at ${reversal.at} (${reversal.eventId}, ${reversal.cause})`,
        );
      return stepOf(entry, context);
    });
}

function newestEntryFirst(a: JournalEntry, b: JournalEntry): number {
  const byTime = Date.parse(b.at) - Date.parse(a.at);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** One line for a reversal: the call it makes, as findings name calls. */
export function reversalLine(reversal: Reversal): string {
  switch (reversal.type) {
    case 'authorize':
      return `AuthorizeSecurityGroup${reversal.direction === 'ingress' ? 'Ingress' : 'Egress'} ${reversal.groupId} ${reversal.rules.map(summarise).join(', ')}`;
    case 'revoke':
      return `RevokeSecurityGroup${reversal.direction === 'ingress' ? 'Ingress' : 'Egress'} ${reversal.groupId} ${reversal.ruleIds.join(',')}`;
    case 'register':
      return `RegisterTargets ${reversal.targetGroupArn} ${reversal.targets.map((target) => `${target.id}:${target.port}`).join(',')}`;
  }
}

/** What became of a reversal: made, found already so, only planned (a dry run), or failed. */
export type UndoOutcome = 'acted' | 'already-done' | 'would-act' | 'failed';

const DONE: Record<UndoOutcome, string> = {
  acted: 'Undone',
  'already-done': 'Already as before',
  'would-act': 'Would undo',
  failed: 'Undo failed',
};

/** Each reversal is a finding of its own (docs/findings.md, `safety.undone`). */
export function undoneFinding(
  step: Extract<UndoStep, { verdict: 'reverse' }>,
  outcome: UndoOutcome,
  context: { readonly now: Date; readonly undoId: string; readonly by: string; readonly error?: string },
): Finding<'safety.undone'> {
  const { entry, reversal } = step;
  const resource =
    reversal.type === 'register'
      ? { type: 'target-group', id: reversal.targetGroupArn }
      : { type: 'security-group', id: reversal.groupId };
  const rules =
    reversal.type === 'authorize'
      ? reversal.rules.map((rule) => ({ summary: summarise(rule) }))
      : reversal.type === 'revoke'
        ? reversal.ruleIds.map((ruleId) => ({ summary: `rule ${ruleId}`, ruleId }))
        : undefined;
  return {
    kind: 'safety.undone',
    severity: outcome === 'failed' ? 'critical' : 'warning',
    title: `${DONE[outcome]}: ${entry.action} on ${entry.resource} (${entry.finding.title})`,
    mode: outcome === 'would-act' ? 'report' : 'enforce',
    outcome,
    time: context.now.toISOString(),
    account: entry.account,
    region: entry.region,
    eventId: entry.eventId,
    resource,
    ...(rules ? { rules } : {}),
    why: `netwarden undo (${context.undoId}, by ${context.by}) reverses what ${entry.function} did at ${entry.at} because of ${entry.cause}: ${entry.call.service}.${entry.call.operation}, reported as ${entry.finding.kind}${context.error ? `; the reversal failed: ${context.error}` : ''}`,
    actions: outcome === 'already-done' ? [] : [reversalLine(reversal)],
    details: {
      undoId: context.undoId,
      entryId: entry.id,
      // The kind of the finding that reported the write, from the journal (netwarden's own record): in
      // app mode it threads the reversal under that finding's story (shared/slack/stories.ts).
      reversedKind: entry.finding.kind,
      reversedCall: entry.call,
      call: step.call,
    },
  };
}
