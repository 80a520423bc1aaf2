/**
 * What every handler that publishes findings is wired with, in one place: configuration validated at
 * cold start, the policy with the stage's mode folded in, the clock, the logger and the findings
 * publisher, the way in (shared/middleware.ts) that publishes a refused event as `unprocessable`, and
 * the kill switch read per event. A handler adds only what differs: its schema, its adapters, its use
 * case. The configuration, clock and log come from wiring-base.ts, which is all notify-slack (it
 * publishes nothing) is wired with.
 */
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { lazyBudgetCounter, lazyJournal, lazyPublisher, lazyStringParameter } from './aws/lazy-adapters';
import { BaseConfig, parseConfig, selfRolePatterns } from './config';
import type { EventSchema } from './events/event-schema';
import { accountOfFunctionArn, type Home, homeOf, UNKNOWN_HOME } from './events/home';
import type { Publish } from './findings/finding';
import { unprocessableFinding } from './findings/unprocessable';
import type { Refusal, WayIn } from './middleware';
import { effectiveMode } from './policy/mode';
import {
  type AccountScope,
  accountsToCheck,
  type MemberAccess,
  memberAccess,
  memberRoleArns,
  policyFor,
  scopeOf,
} from './policy/organization';
import type { Policy } from './policy/schema';
import { startupPolicy } from './policy/startup';
import { budgetLimits } from './safety/budget';
import { type WriteGate, writeGate } from './safety/gate';
import type { Journal } from './safety/journal';
import { cachedKillSwitch, type KillSwitch, killSwitchParameter, publishMarked } from './safety/kill-switch';
import { type LeveledLog, type Log, leveledLog, log, now } from './wiring-base';

export type FunctionName =
  | 'revert-sg-drift'
  | 'heal-targets'
  | 'grant-access'
  | 'expire-grants'
  | 'daily-check'
  | 'weekly-check'
  | 'notify-slack'
  | 'slack-interact';

/** The functions that publish findings and keep state: the topic and the state table are required. */
export const PublishingConfig = BaseConfig.required({ FINDINGS_TOPIC_ARN: true, STATE_TABLE_NAME: true });
export type PublishingConfig = z.infer<typeof PublishingConfig>;

/** What an event the schema refused returns, after its `unprocessable` finding is published. */
export interface UnprocessableAnswer {
  readonly status: 'unprocessable';
  readonly reason: string;
}

/**
 * The policy as this stage runs it: NETWARDEN_MODE replaces the file's top-level mode, so every
 * `effectiveMode(policy, section)` downstream already says the stage's mode.
 */
export function stagePolicy(policy: Policy, stageMode: Policy['mode'] | undefined): Policy {
  return stageMode ? { ...policy, mode: stageMode } : policy;
}

export interface Wiring {
  readonly config: PublishingConfig;
  readonly policy: Policy;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly log: Log;
  /** The log at each level, for what a handler says itself (a warning, the outcome of the event). */
  readonly leveledLog: LeveledLog;
  /**
   * netwarden's own roles: their CloudTrail events are its own calls coming back. With an organization,
   * also the writing functions' member roles in each member account (each acts there through its own).
   */
  readonly selfRoles: string[];
  /**
   * What differs for the account an event is about (shared/policy/organization.ts): its entries of the
   * policy, this function's member role to reach it, and a publisher that names it on every finding. Without an
   * organization, or for an account netwarden does not serve (the use case refuses its event before any
   * AWS call), the function's own policy, role and publisher.
   */
  inAccount(home: Home, account: string | undefined): AccountWiring;
  /**
   * Every account the daily and weekly checks cover, each as inAccount gives it: the function's own
   * account alone without an organization; with one, the central account first and each member. An
   * organization whose central account is unknown (no NETWARDEN_ACCOUNT_ID, no function ARN) still
   * covers every member; the central one is then checked with its own role under the name `central`.
   */
  everyAccount(context: Context): AccountWiring[];
  /**
   * `core` with the accounts and region this function acts on: the configured account, else the one in
   * the ARN Lambda invoked (`osls invoke local` has none); the policy's accounts replace it when it names
   * any. When none is known, the event is refused as a malformed one is (`unprocessable`, before any
   * AWS call, never retried), with the one text of shared/events/home.ts.
   */
  atHome<TEvent extends { readonly eventId: string }, TResult>(
    core: (event: TEvent, home: Home, context: Context) => Promise<TResult>,
  ): (event: TEvent, context: Context) => Promise<TResult | UnprocessableAnswer>;
  /** The way in for `schema`: a refused event is published as `unprocessable` and answered, not retried. */
  wayIn<TEvent>(schema: EventSchema<TEvent>): WayIn<TEvent, UnprocessableAnswer>;
  /**
   * The kill switch (shared/safety/kill-switch.ts), at most 60 seconds stale: a use case reads it once
   * an event may lead to a write, and while it is on, or cannot be read, decides in report mode.
   */
  readonly killSwitch: KillSwitch;
  /**
   * The one way to write to the estate (shared/safety/gate.ts): charges the blast-radius budget in the
   * state table before each write, journals each call and its inverse after it.
   */
  readonly gate: WriteGate;
}

/** One account of an organisation as a handler acts in it (Wiring.inAccount). */
export interface AccountWiring {
  /** Undefined when the account is not one netwarden serves. */
  readonly scope?: AccountScope;
  readonly policy: Policy;
  readonly publish: Publish;
  /** This function's member role; undefined in the central account (the function's own role). */
  readonly access?: MemberAccess;
}

/** Every finding published for an account of an organisation names it: id and the policy's name for it. */
export function publishNaming(publish: Publish, scope: AccountScope): Publish {
  return (finding) => publish({ ...finding, account: finding.account ?? scope.id, accountName: scope.name });
}

/**
 * The journal every writing function records its writes in (shared/safety/journal.ts), with the call
 * that reverses each: the state table's `journal#…` items, which only netwarden's roles may put. One
 * factory, so the write gate and the handlers share it; the DynamoDB client loads on the first record.
 */
export function journalFor(config: Pick<PublishingConfig, 'STATE_TABLE_NAME'>): Journal {
  return lazyJournal(config.STATE_TABLE_NAME);
}

/** Call once, at module scope (cold start): a bad environment or policy fails the cold start loudly. */
export function wire(name: FunctionName): Wiring {
  const config = parseConfig(PublishingConfig, process.env);
  const policy = stagePolicy(startupPolicy(config.POLICY_PATH), config.NETWARDEN_MODE);
  const publish = lazyPublisher(config.FINDINGS_TOPIC_ARN);
  const killSwitch = cachedKillSwitch(lazyStringParameter(), killSwitchParameter(config.NETWARDEN_STAGE), {
    now,
    onUnreadable: (data) =>
      leveledLog.warn('kill switch unreadable: holding this event in report mode', data),
  });
  const unprocessable = async ({ reason, eventId }: Refusal): Promise<UnprocessableAnswer> => {
    // An event refused at the door touches no AWS, so the switch is not read for it: its finding says
    // what this container last read, if that is fresh.
    const known = killSwitch.known() ?? { paused: false };
    const mode = known.paused ? 'report' : effectiveMode(policy, undefined);
    await publishMarked(
      publish,
      known,
    )(unprocessableFinding(reason, now(), { function: name, mode, ...(eventId ? { eventId } : {}) }));
    return { status: 'unprocessable', reason };
  };
  const gate = writeGate({
    function: name,
    stage: config.NETWARDEN_STAGE,
    counter: lazyBudgetCounter(config.STATE_TABLE_NAME),
    limits: budgetLimits(policy.budget),
    journal: journalFor(config),
    publish,
    now,
    warn: leveledLog.warn,
    error: leveledLog.error,
  });
  return {
    config,
    policy,
    publish,
    now,
    log,
    leveledLog,
    selfRoles: [...selfRolePatterns(config), ...memberRoleArns(policy)],
    inAccount: (home, account) => {
      if (!policy.organization || !home.central || account === undefined) return { policy, publish };
      const scope = scopeOf(policy, account, home.central);
      if (!scope) return { policy, publish };
      const access = memberAccess(policy, scope, name);
      return {
        scope,
        policy: policyFor(policy, scope),
        publish: publishNaming(publish, scope),
        ...(access ? { access } : {}),
      };
    },
    atHome: (core) => async (event, context) => {
      const home = homeOf({
        policyAccounts: policy.accounts,
        ownAccount: config.NETWARDEN_ACCOUNT_ID ?? accountOfFunctionArn(context.invokedFunctionArn),
        region: config.AWS_REGION,
        memberAccounts: policy.organization?.accounts.map((member) => member.id) ?? [],
      });
      if (home) return core(event, home, context);
      leveledLog.warn('unprocessable event', { reason: UNKNOWN_HOME, eventId: event.eventId });
      return unprocessable({ reason: UNKNOWN_HOME, eventId: event.eventId });
    },
    everyAccount: (context) => {
      if (!policy.organization) return [{ policy, publish }];
      const own =
        config.NETWARDEN_ACCOUNT_ID ?? accountOfFunctionArn(context.invokedFunctionArn) ?? 'central';
      return accountsToCheck(policy, own).map((scope) => {
        const access = memberAccess(policy, scope, name);
        return {
          scope,
          policy: policyFor(policy, scope),
          publish: publishNaming(publish, scope),
          ...(access ? { access } : {}),
        };
      });
    },
    wayIn: (schema) => ({ schema, unprocessable }),
    killSwitch,
    gate,
  };
}
