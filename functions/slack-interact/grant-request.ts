/**
 * `/netwarden grant <group> <port> <source> <ttl> <reason…>` and the answers to it (issue 17): the
 * requester is the Slack user id of the signed request, mapped to a person of the policy who `may`
 * request; the text is read strictly (shared/grants/slash-command.ts) and validated exactly as a POST
 * to grant-access is (validateGrantRequest) plus the guardrails of the group's securityGroups sections
 * (as an Undo is: a grant never opens what a guardrail forbids). Refused: an ephemeral answer naming
 * the field and the value, nothing written, and a grant.rejected finding when the requester is one of
 * the policy's people (anyone else's refusal is only logged: no flood of findings from the workspace).
 * A person may have MAX_PENDING_PER_REQUESTER requests waiting at once.
 *
 * Accepted: a request record in the state table (shared/aws/state-table/grant-requests.ts). Where
 * grants.approval requires it, the request is posted to the route's channel with Approve and Deny;
 * a different person who `may` approve answers it (two people), and every state change updates that
 * message in place. Approved, or without approval required, the grant is made by the same path an
 * Undo's is (shared/grants/issue.ts: a conditional record, Authorize through the gate — budget and
 * journal — then live), and the requester is told by direct message. Every state change is a
 * conditional write, so two approvers at once, a double press or Slack's retry act once.
 *
 * Within Slack's 3 seconds (shared/grants/hand-off.ts): where the function can invoke itself
 * (`handOff`), the grant of an approved request (a no-approval command, an Approve) is made by
 * makeRequestedGrant in an async invocation, and the command or press is answered before it.
 */
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../../shared/errors';
import type { SecurityGroups } from '../../shared/estate/security-groups';
import type { Publish } from '../../shared/findings/finding';
import {
  answerProblem,
  approvalTimeout,
  type GrantRequestRecord,
  type GrantRequestStore,
  MAX_PENDING_PER_REQUESTER,
  needsApproval,
  RequestConflict,
  recheckProblems,
  type SlackPerson,
  slackOwner,
} from '../../shared/grants/approval';
import { grantedFinding, rejectedFinding } from '../../shared/grants/findings';
import { GRANT_WORK, type HandOff, workProblem, workWindowProblem } from '../../shared/grants/hand-off';
import { issueGrant } from '../../shared/grants/issue';
import type { GrantStore } from '../../shared/grants/record';
import { validateGrantRequest } from '../../shared/grants/request';
import { parseGrantCommand } from '../../shared/grants/slash-command';
import { isoSeconds } from '../../shared/grants/tags';
import { MAX_APPROVAL_TIMEOUT_MS } from '../../shared/policy/defaults';
import { formatDuration } from '../../shared/policy/duration';
import { sectionsFor } from '../../shared/policy/match';
import { effectiveMode } from '../../shared/policy/mode';
import { type Person, personOf } from '../../shared/policy/people';
import type { Policy } from '../../shared/policy/schema';
import { summarise } from '../../shared/rules/rule';
import { newFindingId, type WriteGate } from '../../shared/safety/gate';
import type { KillSwitch } from '../../shared/safety/kill-switch';
import { guardrailOf } from '../../shared/sg/decide';
import type { MessageRef, SlackWebApi } from '../../shared/slack/app';
import { grantRequestMessage } from '../../shared/slack/grant-request-blocks';
import { showState, tellRequester } from '../../shared/slack/grant-request-news';
import { chooseRoute } from '../../shared/slack/routes';

export interface GrantRequestDeps {
  readonly policy: Policy;
  readonly now: () => Date;
  readonly region: string;
  readonly account?: string;
  readonly sg: Pick<SecurityGroups, 'describeGroups' | 'authorizeRules' | 'revokeRules'>;
  readonly store: GrantStore;
  readonly requests: GrantRequestStore;
  readonly slack: Pick<SlackWebApi, 'postMessage' | 'update' | 'postDirect'>;
  readonly publish: Publish;
  readonly killSwitch?: KillSwitch;
  readonly gate?: WriteGate;
  /**
   * Hands a grant's slow half (a no-approval command, an Approve) to an async invocation of this
   * function (Slack's 3-second limit);
   * absent where there is no Lambda to invoke (the demo, a local run): the work is done before answering.
   */
  readonly handOff?: HandOff;
  readonly log: (message: string, data: Record<string, unknown>) => void;
}

/** The slash command's answer: only the requester sees it (`ephemeral`). */
export interface CommandAnswer {
  readonly text: string;
}

const asPerson = (person: Person): SlackPerson => ({ name: person.name, slack: person.slack });

/** The verified form of a slash command → the answer the requester sees. */
export async function requestGrant(form: URLSearchParams, deps: GrantRequestDeps): Promise<CommandAnswer> {
  const userId = form.get('user_id') ?? '';
  const text = form.get('text') ?? '';
  const now = deps.now();
  const person = personOf(deps.policy.people, userId);
  const refuse = async (problems: string[], fields?: Record<string, unknown>): Promise<CommandAnswer> => {
    deps.log('slash grant refused', { problems, userId });
    // Anyone in the workspace can type the command: a finding per refusal of someone the policy does
    // not list would let them flood the findings (and on-call). Logged, answered, nothing published.
    if (!person) return { text: `netwarden did nothing: ${problems.join('; ')}` };
    const requester = slackOwner(person);
    const mode = effectiveMode(deps.policy, deps.policy.grants);
    await deps.publish(
      rejectedFinding(
        {
          ...(typeof fields?.group === 'string' ? { group: fields.group } : {}),
          requester,
          fields: { text },
        },
        problems,
        { mode, now },
      ),
    );
    return { text: `netwarden did nothing: ${problems.join('; ')}` };
  };
  if (form.get('command') !== '/netwarden')
    return refuse([`command ${JSON.stringify(form.get('command'))} is not /netwarden`]);
  if (!person) return refuse([`Slack user ${userId} is not one of the policy's people: only they may ask`]);
  if (!person.may.includes('request'))
    return refuse([`${person.name} may ${person.may.join(', ')} from Slack, not request (policy people)`]);
  const parsed = parseGrantCommand(text);
  if (!parsed.ok) return refuse(parsed.problems);
  const grants = deps.policy.grants;
  const owner = slackOwner(person);
  const validation = validateGrantRequest(parsed.request, grants, now, owner);
  if (!validation.ok || !grants)
    return refuse(validation.ok ? [] : validation.problems, { ...parsed.request });
  const { rule, ttlMs, reason } = validation.grant;
  const { description: _description, ...access } = rule;
  const groupId = access.groupId;
  // The guardrails select groups by tags and names too: read the group as it is now.
  const [group] = await deps.sg.describeGroups({ groupIds: [groupId] }).catch(() => []);
  if (!group) return refuse([`group ${groupId} does not exist or cannot be read`], { group: groupId });
  const guardrail = guardrailOf(sectionsFor(deps.policy, group), access);
  if (guardrail)
    return refuse([`${summarise(access)} on ${groupId} would breach the guardrail ${guardrail}`], {
      group: groupId,
    });
  const approval = needsApproval(grants, groupId);
  if (approval && !deps.policy.slack)
    return refuse(['grants.approval needs the policy’s slack routes: there is no channel to ask in']);
  const paused = deps.killSwitch ? await deps.killSwitch.read() : { paused: false };
  if (paused.paused)
    return refuse(['netwarden is paused by its kill switch: no access is opened until it is resumed']);
  // A few waiting requests per person: more would only flood the approvers' channel. (Two commands at
  // the very same moment may both pass: the bound is against floods, not exact.)
  const waiting = (
    await deps.requests.due('pending', new Date(now.getTime() + MAX_APPROVAL_TIMEOUT_MS))
  ).filter((waits) => waits.requester.slack === person.slack && waits.answerBy.getTime() > now.getTime());
  if (waiting.length >= MAX_PENDING_PER_REQUESTER)
    return refuse(
      [
        `${person.name} already has ${waiting.length} grant requests waiting for an answer (at most ${MAX_PENDING_PER_REQUESTER}): wait for one to be answered or to time out`,
      ],
      { group: groupId },
    );
  if (effectiveMode(deps.policy, grants) === 'report')
    return {
      text: `report mode: netwarden would ${approval ? 'ask another person to approve' : 'grant'} ${summarise(access)} on ${groupId} for ${formatDuration(ttlMs)}; nothing was written`,
    };

  const request = await deps.requests.create({
    id: randomUUID(),
    state: 'pending',
    requester: asPerson(person),
    access,
    ttlMs,
    reason,
    requestedAt: now,
    answerBy: new Date(now.getTime() + approvalTimeout(grants)),
  });
  deps.log('grant requested', { id: request.id, groupId, requester: owner, approval });
  if (approval) {
    const posted = await post(request, deps);
    if (typeof posted === 'string') {
      const why = NOT_SHOWN[posted];
      await deps.requests.move(request, 'failed', { why });
      return { text: `netwarden did nothing: ${why}` };
    }
    return {
      text: `Asked: ${summarise(access)} on ${groupId} for ${formatDuration(ttlMs)} waits for another person's approval until ${isoSeconds(request.answerBy)} (request ${request.id}).`,
    };
  }
  // No approval needed: approved at once (the record the worker trusts, written after verification).
  const approved = await deps.requests.move(request, 'approved', { answeredAt: now });
  // Not running in Lambda (the demo, a local run): the same work, done before answering.
  if (!deps.handOff) return answerOf(await makeRequestedGrant(approved.id, deps));
  const refused = await handOff(approved, { ...deps, handOff: deps.handOff });
  if (refused?.taken)
    return {
      text: `Working on it: ${refused.why} (${summarise(access)} on ${groupId} for ${formatDuration(ttlMs)}). You will be told by direct message when it is made or if it fails.`,
    };
  if (refused) return { text: `netwarden did nothing: ${refused.why}` };
  return {
    text: `Working on it: granting ${summarise(access)} on ${groupId} for ${formatDuration(ttlMs)} (request ${approved.id}). You will be told by direct message when it is made or if it fails.`,
  };
}

/**
 * What the slow half did: `refused` having written nothing (the hand-off named no request netwarden
 * may act on), or `taken` with the request as taken and the grant's outcome (a failure already moved
 * the request to failed and told the requester).
 */
export type Worked =
  | { status: 'refused'; why: string; reported?: GrantRequestRecord }
  | { status: 'taken'; request: GrantRequestRecord; outcome: Granted };

/** A slash command's answer for what the slow half did (when it ran before answering). */
export function answerOf(worked: Worked): CommandAnswer {
  if (worked.status === 'refused') return { text: `netwarden did nothing: ${worked.why}` };
  const { request, outcome } = worked;
  const what = `${summarise(request.access)} on ${request.access.groupId}`;
  if (outcome.ok) return { text: `Granted: ${what} until ${isoSeconds(outcome.expiresAt)}.` };
  return outcome.checking
    ? { text: `Approved: ${what}, but ${outcome.problem}.` }
    : { text: `netwarden did nothing: ${outcome.problem}` };
}

/**
 * The slow half of a grant (shared/grants/hand-off.ts): the request netwarden recorded as approved
 * (by a slash command without approval, or by another person's Approve), taken once by a conditional
 * write, posted to its route's channel if it is not there yet, then granted (grant() updates the
 * message and tells the requester by direct message either way). A request that is not recorded, not
 * approved or already taken is refused having written nothing: the hand-off event is no credential.
 * So is one approved GRANT_WORK_WINDOW_MS ago or more (the stuck-request sweep may settle it soon).
 * In report mode (the stage or policy switched after the request was approved) it is refused before
 * the take, having written nothing: the requester is told what enforce mode would do (`reported`: the
 * approver too), and the request is never made: once enforce is back, the window has passed and the
 * sweep settles it as failed (docs/slack-app.md).
 */
export async function makeRequestedGrant(requestId: string, deps: GrantRequestDeps): Promise<Worked> {
  const found = await deps.requests.get(requestId);
  const problem = workProblem(requestId, found, deps.now());
  if (problem !== undefined || !found) {
    deps.log('grant work refused', { requestId, why: problem });
    return { status: 'refused', why: problem ?? `no grant request ${requestId} is recorded` };
  }
  if (effectiveMode(deps.policy, deps.policy.grants) === 'report') {
    // Report mode writes nothing: not the take, not the grant. Approved in enforce mode, the request
    // is reported as enforce mode would make it, and left for the sweep (past the work window).
    const why = `report mode: netwarden would ${wouldDo(found, deps.policy, deps.now())}; nothing was written`;
    deps.log('grant work refused', { requestId, why });
    await tellRequester(found, `Your grant request was not granted: ${why}`, deps);
    return { status: 'refused', why, reported: found };
  }
  let taken: GrantRequestRecord;
  try {
    taken = await deps.requests.update(found, { workTakenAt: deps.now() });
  } catch (error) {
    if (!(error instanceof RequestConflict)) throw error;
    const why = `grant request ${requestId} was taken by another worker meanwhile: nothing more to do`;
    deps.log('grant work refused', { requestId, why });
    return { status: 'refused', why };
  }
  const shown = taken.message ? taken : await post(taken, deps);
  if (shown === 'not-kept') {
    // The channel shows it failed: granting now would leave a message that contradicts the grant.
    const why = NOT_SHOWN[shown];
    await deps.requests.move(taken, 'failed', { why });
    await tellRequester(taken, `Your grant request was not granted: ${why}`, deps);
    return { status: 'taken', request: taken, outcome: { ok: false, problem: why } };
  }
  const request = shown === 'not-posted' ? taken : shown;
  return { status: 'taken', request, outcome: await grant(request, deps) };
}

/** What enforce mode would do with an approved request now (report mode's answer), in words. */
function wouldDo(request: GrantRequestRecord, policy: Policy, now: Date): string {
  const what = `${summarise(request.access)} on ${request.access.groupId} for ${request.requester.name}`;
  const problems = recheckProblems(request, policy, now);
  return problems.length > 0
    ? `refuse to grant ${what}: ${problems.join('; ')}`
    : `grant ${what} for ${formatDuration(request.ttlMs)}`;
}

/**
 * Hands an approved request's grant off; refused by Lambda, the request is failed and `why` says so.
 * A worker that took the request meanwhile (Lambda accepted the event but its answer was lost) wins
 * the conditional move: the grant goes ahead, and `why` says so instead of a failure.
 */
async function handOff(
  request: GrantRequestRecord,
  deps: GrantRequestDeps & { handOff: HandOff },
): Promise<{ why: string; taken?: true } | undefined> {
  try {
    await deps.handOff({ work: GRANT_WORK, requestId: request.id });
    return undefined;
  } catch (error) {
    // Not handed off: nothing was granted, and the record says so (no approved request left behind).
    const why = `the grant could not be handed off to be made (${errorMessage(error)}): ask again`;
    deps.log('grant request not handed off', { id: request.id, error: errorMessage(error) });
    try {
      await move(request, 'failed', { why }, deps);
    } catch (conflict) {
      if (!(conflict instanceof RequestConflict)) throw conflict;
      deps.log('grant request taken before it was failed', { id: request.id });
      return { why: `grant request ${request.id} is already being granted`, taken: true };
    }
    return { why };
  }
}

const NOT_SHOWN = {
  'not-posted': 'the request could not be posted to the channel for approval',
  'not-kept': 'the request was posted but its channel message could not be recorded: ask again',
} as const;

/**
 * Posts the request to its route's channel; the record keeps where. `not-posted` when Slack refused
 * it; `not-kept` when the message was posted but the record could not keep its ref: that message is
 * then shown failed at once (chat.update), so no Approve button is left live on a message netwarden
 * would never update, and the caller moves the request to failed.
 */
async function post(
  request: GrantRequestRecord,
  deps: GrantRequestDeps,
): Promise<GrantRequestRecord | keyof typeof NOT_SHOWN> {
  const routes = deps.policy.slack;
  if (!routes) return 'not-posted';
  const { channel } = chooseRoute(routes, {
    kind: 'grant.created',
    severity: 'info',
    group: request.access.groupId,
    ...(deps.account ? { account: deps.account } : {}),
  });
  let ref: MessageRef;
  try {
    ref = await deps.slack.postMessage(channel, grantRequestMessage(request));
  } catch (error) {
    deps.log('grant request not posted', { id: request.id, error: errorMessage(error) });
    return 'not-posted';
  }
  try {
    return await deps.requests.update(request, { message: { channel: ref.channel, ts: ref.ts } });
  } catch (error) {
    deps.log('grant request message not kept', { id: request.id, error: errorMessage(error) });
    const failed = { ...request, state: 'failed' as const, why: NOT_SHOWN['not-kept'] };
    await deps.slack
      .update(ref, grantRequestMessage(failed))
      .catch((lost: unknown) =>
        deps.log('grant request message not updated', { id: request.id, error: errorMessage(lost) }),
      );
    return 'not-kept';
  }
}

/** A conditional state change, then the channel message shows it (a lost update is only logged). */
async function move(
  request: GrantRequestRecord,
  to: GrantRequestRecord['state'],
  changes: Parameters<GrantRequestStore['move']>[2],
  deps: Pick<GrantRequestDeps, 'requests' | 'slack' | 'log'>,
): Promise<GrantRequestRecord> {
  const moved = await deps.requests.move(request, to, changes);
  await showState(moved, deps);
  return moved;
}

/** `checking`: the outcome is unknown (an error after the record was written); the sweep settles it. */
export type Granted = { ok: true; expiresAt: Date } | { ok: false; problem: string; checking?: true };

/**
 * An approved request becomes a grant, by the path an Undo's takes (issueGrant): charged to the
 * budget and journaled under the request's id, caused by the requester and the approver. The policy
 * (the request's fields, the requester's `may`), the kill switch and the guardrails are read again:
 * any may have changed while the request waited, and an approval never outranks the policy in git.
 */
async function grant(request: GrantRequestRecord, deps: GrantRequestDeps): Promise<Granted> {
  const fail = async (problem: string): Promise<Granted> => {
    await move(request, 'failed', { why: problem }, deps);
    await tellRequester(request, `Your grant request was not granted: ${problem}`, deps);
    return { ok: false, problem };
  };
  const { access } = request;
  const problems = recheckProblems(request, deps.policy, deps.now());
  if (problems.length > 0) return fail(`the policy as it is now refuses it: ${problems.join('; ')}`);
  const paused = deps.killSwitch ? await deps.killSwitch.read() : { paused: false };
  if (paused.paused) return fail('netwarden is paused by its kill switch: no access is opened');
  const [group] = await deps.sg.describeGroups({ groupIds: [access.groupId] }).catch(() => []);
  const guardrail = group ? guardrailOf(sectionsFor(deps.policy, group), access) : undefined;
  if (!group) return fail(`group ${access.groupId} does not exist or cannot be read`);
  if (guardrail) return fail(`${summarise(access)} would breach the guardrail ${guardrail}`);
  const now = deps.now();
  // The last moment a grant may start: the stuck-request sweep must find its record if it was made.
  const late = workWindowProblem(request, now);
  if (late) return fail(late);
  const mode = effectiveMode(deps.policy, deps.policy.grants);
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const expiresAt = new Date(Math.floor((now.getTime() + request.ttlMs) / 1000) * 1000);
  const owner = slackOwner(request.requester);
  const cause = request.answeredBy ? `${owner}, approved by ${slackOwner(request.answeredBy)}` : owner;
  const eventId = `grant-request-${request.id}`;
  const findingId = newFindingId(eventId);
  const planned = {
    groupId: access.groupId,
    access,
    owner,
    reason: request.reason,
    issuedAt,
    expiresAt,
    createdAt: issuedAt,
    status: 'live' as const,
    version: 0,
  };
  const how = {
    extended: false,
    outcome: 'acted' as const,
    actions: [`AuthorizeSecurityGroupIngress ${access.groupId} ${summarise(access)}`],
    ttlMs: request.ttlMs,
    mode,
    now,
  };
  let issued: Awaited<ReturnType<typeof issueGrant>>;
  try {
    issued = await issueGrant(
      { access, owner, reason: request.reason, issuedAt, expiresAt },
      { ...deps, region: deps.region },
      {
        eventId,
        account: deps.account ?? '',
        cause,
        findingId,
        title: grantedFinding(planned, how).title,
        kind: 'request',
      },
    );
  } catch (error) {
    // Thrown after the record was written: Authorize may have opened the rule (a throttled markLive,
    // a lost answer), so "not granted" could be false. The request stays approved and the stuck-request
    // sweep (functions/expire-grants/requests.ts) settles it from the grant record and tells the requester.
    deps.log('granting interrupted: left approved for the sweep', {
      id: request.id,
      error: errorMessage(error),
    });
    const problem = `granting was interrupted (${errorMessage(error)}): whether access was opened is being checked, and the requester will be told by direct message`;
    await tellRequester(
      request,
      `Your grant request (${summarise(access)} on ${access.groupId}) was approved but ${problem}.`,
      deps,
    );
    return { ok: false, problem, checking: true };
  }
  if (!issued.ok) return fail(issued.problem);
  let granted: GrantRequestRecord;
  try {
    granted = await move(
      request,
      'granted',
      {
        expiresAt: issued.record.expiresAt,
        ...(issued.record.ruleId ? { ruleId: issued.record.ruleId } : {}),
      },
      deps,
    );
  } catch (error) {
    if (!(error instanceof RequestConflict)) throw error;
    // The access is open and recorded (the grants' sweep expires it): reported as made, never as
    // failed, whatever moved the request meanwhile (the work window leaves the stuck sweep no turn).
    const current = await deps.requests.get(request.id);
    deps.log('grant made but its request moved meanwhile', { id: request.id, state: current?.state });
    granted = request;
  }
  const approvedBy = request.answeredBy
    ? `, approved by ${request.answeredBy.name} (Slack ${request.answeredBy.slack})`
    : '';
  await deps.publish({
    ...grantedFinding(issued.record, how),
    id: findingId,
    eventId,
    why: `asked in Slack with /netwarden grant by ${request.requester.name} (Slack ${request.requester.slack})${approvedBy}: ${request.reason} (ttl ${formatDuration(request.ttlMs)})`,
  });
  await tellRequester(
    granted,
    `Granted: ${summarise(access)} on ${access.groupId} until ${isoSeconds(issued.record.expiresAt)} (rule ${issued.record.ruleId ?? '?'}).`,
    deps,
  );
  return { ok: true, expiresAt: issued.record.expiresAt };
}

/** `handedOff`: the grant is being made by the async half, which reports the press itself. */
export type Answered = { done: true; did: string; handedOff?: true } | { done: false; why: string };

/** Approve or Deny pressed on a request's message by `person` (already verified and claimed once). */
export async function answerRequest(
  requestId: string,
  answer: 'approve' | 'deny',
  person: Person,
  deps: GrantRequestDeps,
): Promise<Answered> {
  const request = await deps.requests.get(requestId);
  if (!request) return { done: false, why: `no grant request ${requestId} is recorded` };
  const now = deps.now();
  const problem = answerProblem(request, person, now);
  if (problem) return { done: false, why: problem };
  const what = `${summarise(request.access)} on ${request.access.groupId} for ${request.requester.name}`;
  // Report mode decides what enforce mode would do and writes nothing: the request stays pending.
  if (deps.policy.grants && effectiveMode(deps.policy, deps.policy.grants) === 'report') {
    // Checked as the worker would check it: approved by this person.
    const would =
      answer === 'deny'
        ? `deny the grant request ${what}`
        : wouldDo({ ...request, answeredBy: asPerson(person), answeredAt: now }, deps.policy, now);
    return { done: false, why: `report mode: netwarden would ${would}; nothing was written` };
  }
  const answeredBy = asPerson(person);
  let moved: GrantRequestRecord;
  try {
    moved = await move(
      request,
      answer === 'approve' ? 'approved' : 'denied',
      {
        answeredBy,
        answeredAt: now,
        ...(answer === 'deny' ? { why: `denied by ${person.name}` } : {}),
      },
      deps,
    );
  } catch (error) {
    if (!(error instanceof RequestConflict)) throw error;
    const now = await deps.requests.get(requestId);
    return { done: false, why: `the request was answered meanwhile: it is ${now?.state ?? 'gone'}` };
  }
  if (answer === 'deny') {
    await tellRequester(moved, `Your grant request (${what}) was denied by ${person.name}.`, deps);
    return { done: true, did: `denied the grant request ${what}` };
  }
  if (deps.handOff) {
    // Slack's 3 seconds: the message already shows "approved, granting"; the grant, the press's
    // finding and the approver's "Done" come from the async half (handleGrantWork).
    const refused = await handOff(moved, { ...deps, handOff: deps.handOff });
    if (refused?.taken) return { done: true, did: `approved ${what}: ${refused.why}`, handedOff: true };
    if (refused) {
      await tellRequester(moved, `Your grant request was not granted: ${refused.why}`, deps);
      return { done: false, why: refused.why };
    }
    return { done: true, did: `approved ${what}: granting it`, handedOff: true };
  }
  const outcome = await grant(moved, deps);
  if (outcome.ok)
    return { done: true, did: `approved and granted ${what} until ${isoSeconds(outcome.expiresAt)}` };
  // The approval itself was recorded: say so, and that the grant's outcome is still being checked.
  return outcome.checking
    ? { done: true, did: `approved ${what}, but ${outcome.problem}` }
    : { done: false, why: outcome.problem };
}
