/**
 * `netwarden history` and `netwarden undo`: what netwarden did, from the journal in its state table
 * (shared/aws/state-table/journal.ts), and its reversal. Undo plans with shared/safety/undo.ts (the
 * guardrails of any write), prints the plan, and reverses only when confirmed (`--yes`, or y at the
 * terminal); each reversal goes through the EC2/ELBv2 adapters with the caller's own credentials, is
 * printed as its `safety.undone` finding and published to the stage's findings topic (so it reaches
 * notify-slack like any other finding), and is recorded in the state table (undo#…). Runbook:
 * docs/operations.md (pause first: a running revert-sg-drift would revert the re-created rules).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { lazyFunction } from '../shared/aws/lazy';
import { awsErrorCode, errorMessage, isGone } from '../shared/errors';
import type { LoadBalancing } from '../shared/estate/load-balancing';
import type { SecurityGroups } from '../shared/estate/security-groups';
import type { Publish } from '../shared/findings/finding';
import { formatDuration, parseDuration } from '../shared/policy/duration';
import { loadPolicy } from '../shared/policy/load';
import type { GroupFacts } from '../shared/policy/match';
import {
  eventOfFindingId,
  type JournalEntry,
  type JournalReader,
  type JournalRecord,
} from '../shared/safety/journal';
import {
  groupsToRead,
  planUndo,
  reversalLine,
  type UndoOutcome,
  type UndoStep,
  undoneFinding,
} from '../shared/safety/undo';
import { requireAwsCaller } from './aws-caller';
import { USAGE } from './help';
import type { CliCommand, CliIo } from './io';

const STAGE = /^[A-Za-z0-9-]{1,23}$/;
const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
/** heal-targets journals its writes under the target group's ARN. */
const TARGET_GROUP_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[\w-]+\/[0-9a-f]+$/;
/** The journal keeps 90 days (its TTL). */
const MAX_SINCE_MS = 90 * 86_400_000;

/** The state table: --state-table, else STATE_TABLE_NAME, else the stage's `netwarden-<stage>-state`. */
function tableName(values: { 'state-table'?: string; stage?: string }): string | string[] {
  const named = values['state-table'] ?? process.env.STATE_TABLE_NAME;
  if (named) return named;
  const stage = values.stage ?? process.env.NETWARDEN_STAGE;
  if (!stage || !STAGE.test(stage))
    return [
      `--stage needs the stage's name (letters, digits and dashes), got ${JSON.stringify(stage ?? '')} (or name the table with --state-table)`,
    ];
  return `netwarden-${stage}-state`;
}

function sinceOf(text: string | undefined, fallback: string, now: Date): Date | string {
  const ms = parseDuration(text ?? fallback);
  if (ms === undefined) return `--since needs a duration such as 15m, 2h or 1d, got ${JSON.stringify(text)}`;
  if (ms > MAX_SINCE_MS)
    return `--since goes back at most 90d (the journal keeps 90 days), got ${JSON.stringify(text)}`;
  return new Date(now.getTime() - ms);
}

async function readerFor(table: string): Promise<JournalReader> {
  const [{ journalReader }, { dynamoDbClient }] = await Promise.all([
    import('../shared/aws/state-table/journal'),
    import('../shared/aws/clients/dynamodb'),
  ]);
  return journalReader(dynamoDbClient(), table);
}

/**
 * The records of an event id, or of a finding id (`<eventId>/<random>`, a finding's `id`): only the
 * entries journaled under that finding, and any reversal of them.
 */
async function recordsOf(reader: JournalReader, id: string): Promise<JournalRecord[]> {
  const records = await reader.byEvent(id);
  const event = eventOfFindingId(id);
  if (records.length > 0 || event === undefined) return records;
  const ofEvent = await reader.byEvent(event);
  const entries = new Set(
    ofEvent
      .filter((record) => record.recordedBy === 'netwarden' && record.entry.finding.id === id)
      .map((record) => record.entry.id),
  );
  return ofEvent.filter((record) =>
    record.recordedBy === 'netwarden' ? entries.has(record.entry.id) : entries.has(record.reverses ?? ''),
  );
}

async function windowRecords(reader: JournalReader, since: Date, now: Date, group?: string) {
  const { allInWindow } = await import('../shared/aws/state-table/journal');
  return allInWindow(reader, { since, until: now, ...(group ? { resource: group } : {}) });
}

const COMMON = {
  stage: { type: 'string' },
  'state-table': { type: 'string' },
  since: { type: 'string' },
  group: { type: 'string' },
} as const;

function entryLine(entry: JournalEntry): string {
  return `${entry.at}  ${entry.function} ${entry.action} ${entry.resource}  event ${entry.eventId}  ${entry.finding.kind}: ${entry.finding.title}`;
}

export const history: CliCommand = async (args, io) => {
  let values: { stage?: string; 'state-table'?: string; since?: string; group?: string };
  try {
    ({ values } = parseArgs({ args, options: COMMON, strict: true }));
  } catch (error) {
    io.err(`${errorMessage(error)}\n${USAGE.history}`);
    return 2;
  }
  const now = new Date();
  const table = tableName(values);
  const since = sinceOf(values.since, '1d', now);
  const problem = typeof table === 'string' ? undefined : table[0];
  const usage = problem ?? (typeof since === 'string' ? since : groupProblem(values.group));
  if (usage) {
    io.err(`${usage}\n${USAGE.history}`);
    return 2;
  }
  await requireAwsCaller({ region: true });
  let records: JournalRecord[];
  try {
    records = await windowRecords(await readerFor(table as string), since as Date, now, values.group);
  } catch (error) {
    io.err(`could not read the journal in ${table as string}: ${awsErrorCode(error) ?? errorMessage(error)}`);
    return 1;
  }
  const span = `the last ${formatDuration(now.getTime() - (since as Date).getTime())}`;
  if (records.length === 0) {
    io.out(`netwarden made no write in ${span}${values.group ? ` on ${values.group}` : ''}`);
    return 0;
  }
  for (const { entry, recordedBy, reverses } of records)
    io.out(
      recordedBy === 'operator'
        ? `${entry.at}  undo (recorded with an operator's credentials) ${entry.eventId} reversed entry ${reverses}: ${entry.finding.title}`
        : entryLine(entry),
    );
  return 0;
};

function groupProblem(group: string | undefined): string | undefined {
  if (group === undefined || GROUP_ID.test(group) || TARGET_GROUP_ARN.test(group)) return undefined;
  return `--group needs a security group id (sg-…) or a target group ARN, got ${JSON.stringify(group)}`;
}

/** The collaborators undo acts through; tests pass the same adapters on the simulated account. */
export interface UndoDeps {
  readonly reader: JournalReader;
  readonly sg: SecurityGroups;
  readonly lb: Pick<LoadBalancing, 'registerTargets'>;
  readonly now: () => Date;
  readonly region: string;
  readonly policyPath: string;
  /**
   * The account the operator's credentials act in (STS GetCallerIdentity): entries of any other
   * account are left, never reversed here. Undefined: not checked (tests of a single account).
   */
  readonly account?: string;
  /**
   * A member account of an organisation reached with `--member-profile`: its account (as STS says for
   * that profile) and adapters signing with that profile. The journal stays the central one.
   */
  readonly member?: {
    readonly account: string;
    readonly sg: SecurityGroups;
    readonly lb: Pick<LoadBalancing, 'registerTargets'>;
  };
  /**
   * Publishes each reversal's finding; when absent, to the stage's findings topic (stagePublisher) through
   * the SNS client, as the operator.
   */
  readonly publish?: Publish;
}

/** The findings topic serverless.yml creates for a stage: `netwarden-<stage>-findings`, in the caller's account. */
export function findingsTopicArn(stage: string, region: string, account: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:sns:${region}:${account}:netwarden-${stage}-findings`;
}

/**
 * Publishes to FINDINGS_TOPIC_ARN, else to the stage's topic, named as the state table is (by stage) in the
 * account STS says the caller is in. Loaded on the first publish, so a dry run makes no STS or SNS call.
 */
function stagePublisher(stage: string | undefined, region: string): Publish {
  return lazyFunction(async () => {
    const [{ snsPublisher }, { snsClient }, { callerIdentity }, { stsClient }] = await Promise.all([
      import('../shared/aws/sns'),
      import('../shared/aws/clients/sns'),
      import('../shared/aws/sts'),
      import('../shared/aws/clients/sts'),
    ]);
    let topic = process.env.FINDINGS_TOPIC_ARN;
    if (!topic) {
      if (!stage || !STAGE.test(stage))
        throw new Error(
          'no findings topic: name the stage with --stage (or the topic with FINDINGS_TOPIC_ARN)',
        );
      topic = findingsTopicArn(stage, region, (await callerIdentity(stsClient())).account);
    }
    return snsPublisher(snsClient(), topic);
  });
}

let injected: UndoDeps | undefined;
/** Lets tests hand undo its collaborators (the simulated account, dynalite). */
export function useUndoDeps(deps: UndoDeps | undefined): void {
  injected = deps;
}

async function defaultDeps(table: string, memberProfile: string | undefined): Promise<UndoDeps> {
  const [{ lazySecurityGroups, lazyLoadBalancing }, { ec2Client }, { callerIdentity }, { stsClient }] =
    await Promise.all([
      import('../shared/aws/lazy-adapters'),
      import('../shared/aws/clients'),
      import('../shared/aws/sts'),
      import('../shared/aws/clients/sts'),
    ]);
  const region = await ec2Client().config.region();
  return {
    reader: await readerFor(table),
    sg: lazySecurityGroups(),
    lb: lazyLoadBalancing(),
    now: () => new Date(),
    region,
    policyPath: process.env.POLICY_PATH ?? 'netwarden.policy.yml',
    account: (await callerIdentity(stsClient())).account,
    ...(memberProfile ? { member: await memberDeps(memberProfile, region) } : {}),
  };
}

/** The adapters of a member account, signing with the operator's AWS profile of that account. */
async function memberDeps(profile: string, region: string): Promise<NonNullable<UndoDeps['member']>> {
  const [{ EC2Client }, { ElasticLoadBalancingV2Client }, { STSClient }, sg, lb, { callerIdentity }] =
    await Promise.all([
      import('@aws-sdk/client-ec2'),
      import('@aws-sdk/client-elastic-load-balancing-v2'),
      import('@aws-sdk/client-sts'),
      import('../shared/aws/ec2/security-groups'),
      import('../shared/aws/elbv2'),
      import('../shared/aws/sts'),
    ]);
  const config = { profile, region };
  return {
    account: (await callerIdentity(new STSClient(config))).account,
    sg: sg.ec2SecurityGroups(new EC2Client(config)),
    lb: lb.elbv2LoadBalancing(new ElasticLoadBalancingV2Client(config)),
  };
}

/** The adapters that reverse `entry`: the member's for an entry of the member account, else the operator's. */
const adaptersFor = (entry: JournalEntry, deps: UndoDeps) =>
  deps.member && entry.account === deps.member.account ? deps.member : deps;

/** Facts of the groups undo would re-create rules in; a group that is gone is simply absent. */
async function groupFacts(sg: SecurityGroups, ids: ReadonlyArray<string>): Promise<Map<string, GroupFacts>> {
  const facts = new Map<string, GroupFacts>();
  for (const id of ids) {
    try {
      for (const group of await sg.describeGroups({ groupIds: [id] })) facts.set(group.groupId, group);
    } catch (error) {
      if (!isGone(error, 'security group')) throw error;
    }
  }
  return facts;
}

type Reverse = Extract<UndoStep, { verdict: 'reverse' }>;

async function reverse(step: Reverse, all: UndoDeps): Promise<UndoOutcome> {
  const { reversal } = step;
  const deps = adaptersFor(step.entry, all);
  switch (reversal.type) {
    case 'authorize': {
      const result = await deps.sg.authorizeRules(reversal.groupId, reversal.direction, [...reversal.rules]);
      return result.authorized.length > 0 ? 'acted' : 'already-done';
    }
    case 'revoke': {
      const result = await deps.sg.revokeRules(reversal.groupId, reversal.direction, [...reversal.ruleIds]);
      return result.revoked.length > 0 ? 'acted' : 'already-done';
    }
    case 'register':
      await deps.lb.registerTargets(reversal.targetGroupArn, reversal.targets);
      return 'acted';
  }
}

const ACTION_OF: Record<Reverse['reversal']['type'], JournalEntry['action']> = {
  authorize: 'restore',
  revoke: 'revoke',
  register: 'register',
};

/** The reversal as a journal entry of its own, recorded under undo#… (the operator's record). */
function reversalEntry(step: Reverse, undoId: string, at: Date, title: string): JournalEntry {
  return {
    id: `${at.toISOString()}#${randomUUID().slice(0, 8)}`,
    at: at.toISOString(),
    account: step.entry.account,
    region: step.entry.region,
    function: 'netwarden undo',
    action: ACTION_OF[step.reversal.type],
    resource: step.entry.resource,
    cause: `netwarden undo ${undoId}, with the operator's credentials`,
    eventId: undoId,
    finding: { kind: 'safety.undone', title },
    call: step.call,
    inverse: { irreversible: 'a reversal made by netwarden undo is not undone again: reverse it by hand' },
  };
}

export const undo: CliCommand = async (args, io) => {
  let parsed: ReturnType<typeof parseUndo>;
  try {
    parsed = parseUndo(args);
  } catch (error) {
    io.err(`${errorMessage(error)}\n${USAGE.undo}`);
    return 2;
  }
  const { values } = parsed;
  const [eventId, ...extra] = parsed.positionals;
  const usage = (text: string) => {
    io.err(`${text}\n${USAGE.undo}`);
    return 2;
  };
  if (extra.length > 0)
    return usage(`undo takes one event or finding id, found ${JSON.stringify(parsed.positionals.join(' '))}`);
  if ((eventId === undefined) === (values.since === undefined))
    return usage('name one event or finding id, or --since with a duration (e.g. --since 15m), not both');
  if (eventId !== undefined && values.group !== undefined)
    return usage('--group goes with --since, not with an event or finding id');
  const group = groupProblem(values.group);
  if (group) return usage(group);
  const table = tableName(values);
  if (typeof table !== 'string') return usage(table[0] ?? '');
  if (!injected) await requireAwsCaller({ region: true });
  let deps: UndoDeps;
  try {
    deps = injected ?? (await defaultDeps(table, values['member-profile']));
  } catch (error) {
    io.err(
      `could not reach AWS as the operator${values['member-profile'] ? ` or as the profile ${values['member-profile']}` : ''}: ${awsErrorCode(error) ?? errorMessage(error)}`,
    );
    return 1;
  }
  const now = deps.now();
  let records: JournalRecord[];
  try {
    if (eventId !== undefined) records = await recordsOf(deps.reader, eventId);
    else {
      const since = sinceOf(values.since, '15m', now);
      if (typeof since === 'string') return usage(since);
      records = await windowRecords(deps.reader, since, now, values.group);
    }
  } catch (error) {
    io.err(`could not read the journal in ${table}: ${awsErrorCode(error) ?? errorMessage(error)}`);
    return 1;
  }
  let plan: UndoStep[];
  try {
    const { member } = deps;
    const ofMember = (record: JournalRecord) =>
      member !== undefined && record.entry.account === member.account;
    const groups = await groupFacts(deps.sg, groupsToRead(records.filter((record) => !ofMember(record))));
    const memberGroups = member
      ? new Map([[member.account, await groupFacts(member.sg, groupsToRead(records.filter(ofMember)))]])
      : undefined;
    plan = planUndo(records, {
      policy: loadPolicy(deps.policyPath),
      groups,
      region: deps.region,
      ...(deps.account ? { accounts: [deps.account, ...(member ? [member.account] : [])] } : {}),
      ...(memberGroups ? { memberGroups } : {}),
    });
  } catch (error) {
    io.err(`could not plan the undo: ${awsErrorCode(error) ?? errorMessage(error)}`);
    return 1;
  }
  const steps = plan.filter((step): step is Reverse => step.verdict === 'reverse');
  const what =
    eventId !== undefined
      ? `${eventOfFindingId(eventId) ? 'finding' : 'event'} ${eventId}`
      : `the last ${values.since}${values.group ? ` on ${values.group}` : ''}`;
  if (plan.length === 0) {
    io.out(`nothing to undo: the journal holds no write by netwarden for ${what}`);
    return 0;
  }
  io.out(
    `undo of ${what}: ${steps.length} to reverse, ${plan.length - steps.length} left as they are (newest first)`,
  );
  for (const step of plan)
    io.out(
      step.verdict === 'reverse'
        ? `  reverse  ${entryLine(step.entry)}\n           → ${reversalLine(step.reversal)}`
        : `  leave    ${entryLine(step.entry)}\n           ${step.because === 'irreversible' ? 'cannot be reversed' : step.because}: ${step.why}`,
    );
  if (steps.length === 0) return 0;
  if (!(await confirmed(values.yes === true, steps.length, io))) {
    io.out('nothing reversed (a dry run): pass --yes, or answer y, to reverse');
    return 0;
  }
  const undoId = `undo-${randomUUID()}`;
  const publish = deps.publish ?? stagePublisher(values.stage ?? process.env.NETWARDEN_STAGE, deps.region);
  /** The reversals that failed, or went unpublished or unrecorded (one may be both). */
  const problems = new Set<string>();
  for (const step of steps) {
    let outcome: UndoOutcome;
    let failure: string | undefined;
    try {
      outcome = await reverse(step, deps);
    } catch (error) {
      outcome = 'failed';
      failure = awsErrorCode(error) ?? errorMessage(error);
    }
    const at = deps.now();
    const finding = undoneFinding(step, outcome, {
      now: at,
      undoId,
      by: 'the operator running netwarden undo',
      ...(failure ? { error: failure } : {}),
    });
    io.out(`${finding.title}${failure ? `: ${failure}` : ''}`);
    io.out(`  finding: ${JSON.stringify(finding)}`);
    // Every reversal is a finding of its own, a failed one too: on-call sees it as it sees netwarden's writes.
    try {
      await publish(finding);
    } catch (error) {
      problems.add(step.entry.id);
      // AWS's code when AWS answered; otherwise (no topic to name, no network) the error's own words.
      const code = awsErrorCode(error);
      io.err(
        `${outcome === 'failed' ? 'not reversed' : 'reversed'}, but its finding was not published to the findings topic: ${
          code === undefined || code === 'Error' ? errorMessage(error) : code
        } (entry ${step.entry.id})${
          code === 'AuthorizationError'
            ? `; the topic's policy lets only netwarden's roles and those the stack's undoOperatorArns names publish (docs/operations.md)`
            : ''
        }`,
      );
    }
    if (outcome === 'failed') {
      problems.add(step.entry.id);
      continue;
    }
    try {
      await deps.reader.recordReversal(reversalEntry(step, undoId, at, finding.title), step.entry);
    } catch (error) {
      problems.add(step.entry.id);
      const code = awsErrorCode(error);
      io.err(
        `reversed, but not recorded in ${table}: ${code ?? errorMessage(error)} (entry ${step.entry.id})${
          code === 'AccessDeniedException'
            ? `; the table's policy lets only the roles the stack's undoOperatorArns names record reversals (docs/operations.md)`
            : ''
        }`,
      );
    }
  }
  if (problems.size > 0) {
    io.err(
      `${problems.size} of ${steps.length} reversal${steps.length === 1 ? '' : 's'} failed, went unrecorded or unpublished (${undoId})`,
    );
    return 1;
  }
  io.out(`undone: ${steps.length} reversal${steps.length === 1 ? '' : 's'} (${undoId})`);
  return 0;
};

function parseUndo(args: string[]) {
  return parseArgs({
    args,
    options: { ...COMMON, yes: { type: 'boolean' }, 'member-profile': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
}

async function confirmed(yes: boolean, count: number, io: CliIo): Promise<boolean> {
  if (yes) return true;
  if (!io.ask) return false;
  const answer = await io.ask(`reverse these ${count} write${count === 1 ? '' : 's'} now? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}
