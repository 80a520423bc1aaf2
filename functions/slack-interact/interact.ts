/**
 * The interaction function's use case: a request to its Function URL (auth NONE: Slack cannot sign
 * with SigV4) is Slack's only if its signature says so (shared/slack/signature.ts). Nothing is read
 * before the headers and the timestamp pass, nothing but the signing secret before the signature
 * matches: a forged, replayed or altered request is answered 401 having read no state and done nothing.
 *
 * A verified press: the Slack user must be one of the policy's people and allowed the action; the
 * press is claimed in the state table (one conditional put per message and button) so a double press,
 * Slack's retry or two people at once act once; then the action, looked up from netwarden's own
 * records (never from the payload):
 * - Undo: the rules netwarden revoked for that CloudTrail event (its journal) re-opened AS A GRANT for
 *   grants.defaultTtl, which expire-grants closes; refused when a guardrail forbids the rule (named).
 * - Extend 1h: the live grant with that rule id, its expiry one hour later, never past maxTtl from when
 *   it was made; refused to the grant's own owner where its group needs approval (grants.approval).
 * - Revoke now: the live grant with that rule id, revoked and closed.
 * Each press becomes a finding: slack.pressed (threaded by notify-slack under the story it is about)
 * or slack.refused; the presser gets an ephemeral answer. A refused or failed action releases the
 * press, so pressing again once the cause is gone can act.
 * Every write passes the gate (shared/safety/gate.ts), as grant-access's do: an Undo's Authorize is a
 * new grant, charged to the blast-radius budget; a label and a revoke change no access or only narrow
 * it, so they are exempt; each is journaled with its inverse under the press's id (pressKey), caused by
 * `slack:<person> (<Slack user id>)` as the signature and the policy's people verified them.
 *
 * The function is also invoked by itself, asynchronously, with the slow half of a grant asked for in
 * Slack (handleGrantWork; shared/grants/hand-off.ts says why that event is trusted for nothing but the
 * id of a request netwarden recorded): Slack is answered within its 3 seconds before the grant is made.
 */
import { authorizeRulesCall, createTagsCall, revokeRulesCall } from '../../shared/aws/calls';
import type { Secret } from '../../shared/aws/secure-string';
import { errorMessage } from '../../shared/errors';
import type { RuleTagger, SecurityGroups } from '../../shared/estate/security-groups';
import type { Finding, Publish } from '../../shared/findings/finding';
import {
  type GrantRequestRecord,
  type GrantRequestStore,
  needsApproval,
  type SlackPerson,
} from '../../shared/grants/approval';
import { closedFinding, grantedFinding } from '../../shared/grants/findings';
import type { GrantWork, HandOff } from '../../shared/grants/hand-off';
import { issueGrant } from '../../shared/grants/issue';
import { type GrantRecord, type GrantStore, grantAccessRule } from '../../shared/grants/record';
import { grantLabel, isoSeconds } from '../../shared/grants/tags';
import { formatDuration } from '../../shared/policy/duration';
import type { GroupFacts } from '../../shared/policy/match';
import { type Person, personOf } from '../../shared/policy/people';
import type { Policy } from '../../shared/policy/schema';
import { sameAccess, summarise } from '../../shared/rules/rule';
import { newFindingId, UNGATED, type WriteGate, type WriteRequest } from '../../shared/safety/gate';
import type { JournalReader } from '../../shared/safety/journal';
import type { KillSwitch } from '../../shared/safety/kill-switch';
import { groupsToRead, planUndo } from '../../shared/safety/undo';
import type { SlackWebApi } from '../../shared/slack/app';
import { escaped, message } from '../../shared/slack/blocks';
import {
  type Press,
  type PressLedger,
  permissionOf,
  pressKey,
  readInteraction,
} from '../../shared/slack/interaction';
import {
  type Presser,
  type PressSubject,
  pressedFinding,
  presserText,
  refusedFinding,
} from '../../shared/slack/press-findings';
import { precheck, rawBodyOf, verifySignature } from '../../shared/slack/signature';
import { answerOf, answerRequest, type Granted, makeRequestedGrant, requestGrant } from './grant-request';
import type { SlackRequest } from './schema';

export const EXTEND_BY_MS = 3_600_000;

export interface InteractDeps {
  /** The signing secret (SSM SecureString), read only once a request's headers and timestamp pass. */
  readonly signingSecret: () => Promise<Secret>;
  readonly policy: Policy;
  readonly now: () => Date;
  readonly region: string;
  readonly account?: string;
  readonly presses: PressLedger;
  readonly journal: Pick<JournalReader, 'byEvent'>;
  readonly sg: Pick<
    SecurityGroups,
    'describeGroups' | 'describeRulesByIds' | 'authorizeRules' | 'revokeRules'
  >;
  readonly tagger: RuleTagger;
  readonly store: GrantStore;
  /** Grant requests asked for with `/netwarden grant` (grant-request#… items). */
  readonly requests: GrantRequestStore;
  readonly publish: Publish;
  /** Ephemeral answers; a request's channel message and its updates; direct messages to a requester. */
  readonly slack: Pick<SlackWebApi, 'postEphemeral' | 'postMessage' | 'update' | 'postDirect'>;
  /** Read before an Undo (it widens access): while paused, none is made. */
  readonly killSwitch?: KillSwitch;
  /** Every write passes it: an Undo's grant charged to the budget first, every write journaled after. */
  readonly gate?: WriteGate;
  /** A grant's slow half, handed to an async invocation of this function (shared/grants/hand-off.ts). */
  readonly handOff?: HandOff;
  readonly log: (message: string, data: Record<string, unknown>) => void;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const answer = (statusCode: number, body = ''): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

/** The request as received → verified → acted on. */
export async function handleSlackRequest(request: SlackRequest, deps: InteractDeps): Promise<HttpResponse> {
  const now = deps.now();
  const pre = precheck(request.headers, now);
  if (!pre.ok) {
    deps.log('slack request refused', { reason: pre.reason });
    return answer(401, 'not a verified Slack request');
  }
  const rawBody = rawBodyOf(request);
  const check = verifySignature(
    { headers: request.headers, rawBody },
    (await deps.signingSecret()).reveal(),
    now,
  );
  if (!check.ok) {
    deps.log('slack request refused', { reason: check.reason });
    return answer(401, 'not a verified Slack request');
  }
  // Verified: from here on the bytes are Slack's.
  const form = new URLSearchParams(rawBody.toString('utf8'));
  // The budget is charged per account: the configured one, else the account the Function URL is in.
  const account = deps.account ?? request.requestContext?.accountId;
  if (form.has('command')) {
    // A slash command: the answer only its user sees, as the body of the response (Slack shows it).
    const answered = await requestGrant(form, account ? { ...deps, account } : deps);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: answered.text }),
    };
  }
  const read = readInteraction(form);
  if (!read.ok) {
    deps.log('slack interaction ignored', { reason: read.reason });
    return answer(200);
  }
  await press(read.press, account ? { ...deps, account } : deps);
  // Slack only needs a 200 within 3 seconds; the answer to the presser is the ephemeral message.
  return answer(200);
}

/** What the async half answers (Lambda discards it; the tests read it): made, or refused having done nothing. */
export type WorkAnswer = { status: 'done'; text: string } | { status: 'refused'; why: string };

/**
 * netwarden's own hand-off (shared/grants/hand-off.ts): trusted for nothing but the request id it
 * names, which must be a request netwarden recorded as approved and nobody took yet. `account` is the
 * one in the ARN Lambda invoked (set by Lambda, not by the caller) when none is configured.
 */
export async function handleGrantWork(
  work: GrantWork,
  deps: InteractDeps,
  account?: string,
): Promise<WorkAnswer> {
  const charged = deps.account ?? account;
  const acting = charged ? { ...deps, account: charged } : deps;
  const worked = await makeRequestedGrant(work.requestId, acting);
  if (worked.status === 'refused') {
    // Report mode after an Approve: the approver hears what enforce mode would have done.
    const request = worked.reported;
    if (request?.answeredBy && request.message)
      await reportApproval(
        { ...request, answeredBy: request.answeredBy, message: request.message },
        { ok: false, problem: worked.why },
        acting,
      );
    return { status: 'refused', why: worked.why };
  }
  const { request, outcome } = worked;
  // An approval: the press is reported now that its outcome is known, as press() reports any other.
  if (request.answeredBy && request.message)
    await reportApproval(
      { ...request, answeredBy: request.answeredBy, message: request.message },
      outcome,
      acting,
    );
  const answered = answerOf(worked).text;
  return outcome.ok || outcome.checking
    ? { status: 'done', text: answered }
    : { status: 'refused', why: outcome.problem };
}

/**
 * The Approve press behind a handed-off grant, rebuilt from netwarden's own record (who answered, and
 * the request's message), never from the hand-off: its slack.pressed or slack.refused finding and the
 * approver's ephemeral answer, as press() gives them for a press carried out before answering.
 */
async function reportApproval(
  request: GrantRequestRecord & { answeredBy: SlackPerson; message: { channel: string; ts: string } },
  outcome: Granted,
  deps: InteractDeps,
): Promise<void> {
  const approver = request.answeredBy;
  const press: Press = {
    userId: approver.slack,
    channel: request.message.channel,
    messageTs: request.message.ts,
    pressed: { action: 'approve', requestId: request.id },
  };
  const who: Presser = { name: approver.name, userId: approver.slack };
  const base = {
    mode: deps.policy.mode,
    now: deps.now(),
    ...(deps.account ? { account: deps.account } : {}),
  };
  const what = `${summarise(request.access)} on ${request.access.groupId} for ${request.requester.name}`;
  if (!outcome.ok && !outcome.checking) {
    await deps.publish(refusedFinding(press, who, { why: outcome.problem, ...base }));
    await tell(deps, press, `netwarden did nothing: ${outcome.problem}`);
    return;
  }
  const did = outcome.ok
    ? `approved and granted ${what} until ${isoSeconds(outcome.expiresAt)}`
    : `approved ${what}, but ${outcome.problem}`;
  await deps.publish(pressedFinding(press, who, { subject: {}, did, actions: [], ...base }));
  await tell(deps, press, `Done: ${did}.`);
}

type Outcome =
  | {
      done: true;
      did: string;
      actions: string[];
      subject: PressSubject;
      findings: Finding[];
      /** The async half carries it out and reports the press (an Approve: handleGrantWork). */
      handedOff?: true;
    }
  | { done: false; why: string; subject?: PressSubject };

const tell = (deps: InteractDeps, press: Press, text: string) =>
  deps.slack.postEphemeral(press.channel, press.userId, message(escaped(text), [])).catch((error: unknown) =>
    // The press is done and published either way; a lost ephemeral only leaves the presser to look.
    deps.log('ephemeral answer not posted', { error: errorMessage(error) }),
  );

async function press(press: Press, deps: InteractDeps): Promise<void> {
  const action = permissionOf(press.pressed);
  const person = personOf(deps.policy.people, press.userId);
  const who: Presser = person ? { name: person.name, userId: press.userId } : { userId: press.userId };
  const base = {
    mode: deps.policy.mode,
    now: deps.now(),
    ...(deps.account ? { account: deps.account } : {}),
  };
  const refuse = async (why: string, subject?: PressSubject) => {
    await deps.publish(refusedFinding(press, who, { why, ...(subject ? { subject } : {}), ...base }));
    await tell(deps, press, `netwarden did nothing: ${why}`);
  };
  if (!person) return refuse('only the people the policy lists may press netwarden’s buttons');
  if (!person.may.includes(action))
    return refuse(`${person.name} may ${person.may.join(', ')} from Slack, not ${action} (policy people)`);

  const key = pressKey(press);
  const claim = await deps.presses.claim(key, {
    person: person.name,
    userId: press.userId,
    at: base.now.toISOString(),
  });
  if (claim !== true) {
    await tell(
      deps,
      press,
      `Already done by ${claim.person} (Slack ${claim.userId}) at ${claim.at}: nothing more was done.`,
    );
    return;
  }
  let outcome: Outcome;
  try {
    outcome = await carryOut(press, person, deps);
  } catch (error) {
    await deps.presses.release(key);
    throw error;
  }
  if (!outcome.done) {
    await deps.presses.release(key);
    return refuse(outcome.why, outcome.subject);
  }
  // Kept claimed: the press was acted on; its finding and "Done" follow from the async half.
  if (outcome.handedOff) return;
  for (const finding of outcome.findings) await deps.publish(finding);
  await deps.publish(
    pressedFinding(press, who, {
      subject: outcome.subject,
      did: outcome.did,
      actions: outcome.actions,
      ...base,
    }),
  );
  await tell(deps, press, `Done: ${outcome.did}.`);
}

const slackOwner = (person: Person) => `slack:${person.name} (${person.slack})`;

/** What the gate charges and journals a press's writes under: the press, and who pressed, as verified. */
interface PressOrigin {
  readonly eventId: string;
  readonly account: string;
  readonly cause: string;
}

function pressWrite(
  origin: PressOrigin,
  deps: InteractDeps,
  how: { groupId: string; planned: string; findingId: string; exempt: string },
): WriteRequest {
  return {
    scope: { account: origin.account, group: how.groupId },
    region: deps.region,
    eventId: origin.eventId,
    cause: origin.cause,
    planned: [how.planned],
    findingId: how.findingId,
    exempt: how.exempt,
  };
}

function carryOut(press: Press, person: Person, deps: InteractDeps): Promise<Outcome> {
  // The press's id is the key that claimed it: Slack's retries and double presses share it.
  const origin: PressOrigin = {
    eventId: pressKey(press),
    account: deps.account ?? '',
    cause: slackOwner(person),
  };
  switch (press.pressed.action) {
    case 'undo':
      return undo(press.pressed.eventId, person, deps, origin);
    case 'extend':
      return extend(press.pressed.ruleId, person, deps, origin);
    case 'revoke':
      return revoke(press.pressed.ruleId, person, deps, origin);
    case 'approve':
    case 'deny':
      return answerPress(press.pressed.requestId, press.pressed.action, person, deps);
  }
}

/** Approve or Deny on a grant request (functions/slack-interact/grant-request.ts). */
async function answerPress(
  requestId: string,
  action: 'approve' | 'deny',
  person: Person,
  deps: InteractDeps,
): Promise<Outcome> {
  const answered = await answerRequest(requestId, action, person, deps);
  // The grant's own finding (grant.created) was published when it was made.
  if (!answered.done) return { done: false, why: answered.why };
  return {
    done: true,
    did: answered.did,
    actions: [],
    subject: {},
    findings: [],
    ...(answered.handedOff ? { handedOff: true as const } : {}),
  };
}

async function liveGrant(ruleId: string, deps: InteractDeps): Promise<GrantRecord | undefined> {
  return (await deps.store.open()).find((record) => record.status === 'live' && record.ruleId === ruleId);
}

const subjectOf = (record: GrantRecord): PressSubject => ({
  groupId: record.groupId,
  rule: { summary: summarise(record.access), ...(record.ruleId ? { ruleId: record.ruleId } : {}) },
});

async function extend(
  ruleId: string,
  person: Person,
  deps: InteractDeps,
  origin: PressOrigin,
): Promise<Outcome> {
  const record = await liveGrant(ruleId, deps);
  if (!record) return { done: false, why: `rule ${ruleId} is no live grant netwarden recorded` };
  const policy = deps.policy.grants;
  if (!policy) return { done: false, why: 'grants are not enabled: the policy has no grants section' };
  // Where a grant of this group needs another person's approval, its owner may not keep it open
  // alone: another person presses Extend, as another person approved it.
  if (needsApproval(policy, record.groupId) && slackOwner(person) === record.owner)
    return {
      done: false,
      subject: subjectOf(record),
      why: `${person.name} holds this grant and ${record.groupId} needs another person's approval (grants.approval): another person must extend it`,
    };
  const now = deps.now();
  const expiresAt = new Date(record.expiresAt.getTime() + EXTEND_BY_MS);
  const ttlMs = expiresAt.getTime() - now.getTime();
  if (ttlMs > policy.maxTtl)
    return {
      done: false,
      subject: subjectOf(record),
      why: `extending by 1h would keep ${summarise(record.access)} on ${record.groupId} open until ${isoSeconds(expiresAt)}, ${formatDuration(ttlMs)} from now, beyond grants.maxTtl ${formatDuration(policy.maxTtl)}`,
    };
  // Never past maxTtl from when the grant was first made: presses cannot keep a grant open forever.
  const lifetime = expiresAt.getTime() - record.createdAt.getTime();
  if (lifetime > policy.maxTtl)
    return {
      done: false,
      subject: subjectOf(record),
      why: `extending by 1h would keep ${summarise(record.access)} on ${record.groupId} open until ${isoSeconds(expiresAt)}, ${formatDuration(lifetime)} after it was granted (${isoSeconds(record.createdAt)}), beyond grants.maxTtl ${formatDuration(policy.maxTtl)}: ask for a new grant`,
    };
  const extendedBy = slackOwner(person);
  const extended = await deps.store.extend(record, {
    issuedAt: now,
    expiresAt,
    reason: record.reason,
    extendedBy,
  });
  // The label is for people only and changes no access: not charged, journaled with the label it replaced.
  const findingId = newFindingId(origin.eventId);
  const label = grantLabel(extended);
  const labelled = await (deps.gate ?? UNGATED)
    .write(
      pressWrite(origin, deps, {
        groupId: record.groupId,
        planned: `CreateTags ${ruleId} (the grant's label)`,
        findingId,
        exempt: "a grant's label changes no access",
      }),
      async () => {
        await deps.tagger.tagRules([ruleId], label);
        return {
          value: undefined,
          made: [
            {
              action: 'tag' as const,
              resource: record.groupId,
              call: createTagsCall([ruleId], label),
              inverse: createTagsCall([ruleId], grantLabel(record)),
            },
          ],
          finding: { kind: 'grant.extended' as const, title: `Grant label of ${ruleId} updated` },
        };
      },
    )
    .then((outcome) => outcome.status === 'written')
    .catch((error: unknown) => {
      deps.log('grant label not updated', { ruleId, error: errorMessage(error) });
      return false;
    });
  const actions = [`UpdateItem grant ${record.groupId} ${ruleId} expiresAt ${isoSeconds(expiresAt)}`];
  const finding = grantedFinding(extended, {
    extended: true,
    outcome: 'acted',
    actions,
    ttlMs,
    mode: 'enforce',
    now,
  });
  return {
    done: true,
    did: `the grant ${summarise(record.access)} on ${record.groupId} now ends at ${isoSeconds(expiresAt)}`,
    actions,
    subject: subjectOf(record),
    findings: [
      {
        ...finding,
        ...(labelled ? { id: findingId } : {}),
        why: `extended by 1h in Slack by ${presserText({ name: person.name, userId: person.slack })} for ${record.owner}'s grant: ${record.reason}`,
      },
    ],
  };
}

async function revoke(
  ruleId: string,
  person: Person,
  deps: InteractDeps,
  origin: PressOrigin,
): Promise<Outcome> {
  const record = await liveGrant(ruleId, deps);
  if (!record) return { done: false, why: `rule ${ruleId} is no live grant netwarden recorded` };
  const now = deps.now();
  const [current] = await deps.sg.describeRulesByIds([ruleId]).catch(() => []);
  if (current && !sameAccess(current, record.access))
    return {
      done: false,
      subject: subjectOf(record),
      why: `rule ${ruleId} was modified to allow ${summarise(current)}: it is no longer this grant, so it is not revoked by id (expire-grants reports it)`,
    };
  const findingId = newFindingId(origin.eventId);
  const { groupId, access } = record;
  // Only narrows access: never held back by the budget, journaled like every write.
  const written = current
    ? await (deps.gate ?? UNGATED).write(
        pressWrite(origin, deps, {
          groupId,
          planned: `RevokeSecurityGroupIngress ${groupId} ${ruleId}`,
          findingId,
          exempt: 'revoking a grant only narrows access',
        }),
        async () => {
          const result = await deps.sg.revokeRules(groupId, access.direction, [ruleId]);
          return {
            value: result,
            made:
              result.revoked.length > 0
                ? [
                    {
                      action: 'revoke' as const,
                      resource: groupId,
                      call: revokeRulesCall(groupId, access.direction, result.revoked),
                      inverse: authorizeRulesCall(groupId, access.direction, [current]),
                    },
                  ]
                : [],
            finding: {
              kind: 'grant.revoked' as const,
              title: `Grant ${ruleId} on ${groupId} revoked in Slack`,
            },
          };
        },
      )
    : undefined;
  const result = written?.status === 'written' ? written.value : { revoked: [] };
  const journaled = written?.status === 'written' && written.findingId !== undefined;
  const who = presserText({ name: person.name, userId: person.slack });
  await deps.store.close(record, { at: now, why: `revoked in Slack by ${who}` });
  const outcome = result.revoked.length > 0 ? 'acted' : 'already-done';
  const finding = closedFinding(record, {
    kind: 'grant.revoked',
    outcome,
    mode: 'enforce',
    now,
    why: `revoked before its expiry (${isoSeconds(record.expiresAt)}) in Slack by ${who}`,
  });
  return {
    done: true,
    did: `the grant ${summarise(record.access)} on ${record.groupId} is revoked`,
    actions: finding.actions,
    subject: subjectOf(record),
    findings: [journaled ? { ...finding, id: findingId } : finding],
  };
}

async function undo(
  eventId: string,
  person: Person,
  deps: InteractDeps,
  origin: PressOrigin,
): Promise<Outcome> {
  const subject: PressSubject = { revertEventId: eventId };
  const records = (await deps.journal.byEvent(eventId)).filter(
    (record) => record.recordedBy === 'operator' || record.entry.action === 'revoke',
  );
  if (!records.some((record) => record.recordedBy === 'netwarden'))
    return { done: false, why: `netwarden recorded no revoke for event ${eventId}: nothing to undo` };
  const policy = deps.policy.grants;
  if (!policy)
    return {
      done: false,
      subject,
      why: 'an undo is a grant, and grants are not enabled: the policy has no grants section',
    };
  const paused = deps.killSwitch ? await deps.killSwitch.read() : { paused: false };
  if (paused.paused)
    return {
      done: false,
      subject,
      why: 'netwarden is paused by its kill switch: no access is re-opened until it is resumed',
    };
  const groups = new Map<string, GroupFacts>();
  for (const id of groupsToRead(records))
    for (const group of await deps.sg.describeGroups({ groupIds: [id] }).catch(() => []))
      groups.set(group.groupId, group);
  const steps = planUndo(records, { policy: deps.policy, groups, region: deps.region });
  const blocked = steps.find((step) => step.verdict === 'skip');
  if (blocked?.verdict === 'skip') return { done: false, subject, why: blocked.why };
  const now = deps.now();
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const expiresAt = new Date(issuedAt.getTime() + policy.defaultTtl);
  const owner = slackOwner(person);
  const who = presserText({ name: person.name, userId: person.slack });
  const findings: Finding[] = [];
  const granted: string[] = [];
  let groupId: string | undefined;
  const rules = steps.flatMap((step) =>
    step.verdict === 'reverse' && step.reversal.type === 'authorize' ? step.reversal.rules : [],
  );
  // A grant is ingress (grant-access's and expire-grants' IAM allow only that): an egress revert is
  // undone with `netwarden undo` (docs/operations.md), not from Slack. Checked before any write.
  const egress = rules.find((rule) => rule.direction !== 'ingress');
  if (egress)
    return {
      done: false,
      subject,
      why: `${summarise(egress)} is an egress rule: undo it with netwarden undo ${eventId}`,
    };
  for (const rule of rules) {
    const access = grantAccessRule(rule.groupId, {
      direction: rule.direction,
      protocol: rule.protocol,
      fromPort: rule.fromPort,
      toPort: rule.toPort,
      peer: rule.peer,
    });
    const reason = `undo of netwarden's revert (event ${eventId}) pressed in Slack by ${who}`;
    const actions = [
      `AuthorizeSecurityGroup${rule.direction === 'ingress' ? 'Ingress' : 'Egress'} ${rule.groupId} ${summarise(access)}`,
    ];
    const how = { extended: false, outcome: 'acted' as const, actions, ttlMs: policy.defaultTtl };
    const fields = { groupId: rule.groupId, access, owner, reason, issuedAt, expiresAt, createdAt: issuedAt };
    const planned: GrantRecord = { ...fields, status: 'live', version: 0 };
    // The grant's finding id: its Authorize is journaled under it, so `netwarden undo <id>` revokes it.
    const findingId = newFindingId(origin.eventId);
    const title = grantedFinding(planned, { ...how, mode: 'enforce', now }).title;
    const issued = await issueGrant({ access, owner, reason, issuedAt, expiresAt }, deps, {
      ...origin,
      findingId,
      title,
    });
    if (!issued.ok) return { done: false, subject, why: issued.problem };
    groupId = rule.groupId;
    granted.push(`${summarise(access)} on ${rule.groupId} as grant ${issued.record.ruleId ?? '?'}`);
    const finding = grantedFinding(issued.record, { ...how, mode: 'enforce', now });
    findings.push({
      ...finding,
      id: findingId,
      why: `${reason}: re-opened as a grant until ${isoSeconds(expiresAt)} (grants.defaultTtl ${formatDuration(policy.defaultTtl)}), then closed by expire-grants`,
    });
  }
  if (granted.length === 0)
    return {
      done: false,
      subject,
      why: `netwarden recorded no revoked rule it could re-open for event ${eventId}`,
    };
  return {
    done: true,
    did: `re-opened ${granted.join('; ')} until ${isoSeconds(expiresAt)}`,
    actions: findings.flatMap((finding) => finding.actions),
    subject: { ...subject, ...(groupId ? { groupId } : {}) },
    findings,
  };
}
