/**
 * expire-grants' sweep of grant requests asked for in Slack: the state table on dynalite, the Slack
 * Web API stand-in on 127.0.0.1, the clock injected. Timeouts deny with no AWS call, the requester is
 * told once before expiry and once at it, and an extended grant moves its request's expiry.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepRequests } from '../../../functions/expire-grants/requests';
import { grantRequestStore } from '../../../shared/aws/state-table/grant-requests';
import {
  APPROVED_STUCK_AFTER_MS,
  type GrantRequestRecord,
  type GrantRequestStore,
} from '../../../shared/grants/approval';
import { GRANT_WORK_WINDOW_MS, workProblem } from '../../../shared/grants/hand-off';
import { grantRequestMessage } from '../../../shared/slack/grant-request-blocks';
import { slackWebApi } from '../../../shared/slack/web-api';
import { GROUPS } from '../../../simulated-account/index';
import {
  type SlackWebApiStandIn,
  STAND_IN_BOT_TOKEN,
  startSlackWebApi,
} from '../../../simulated-account/slack-web-api';
import { grantedAccess, policy } from '../../helpers/grants';
import { useStateTable } from '../../helpers/state-table';

const table = useStateTable();
const CHANNEL = 'C0DBONCALL01';
const ALICE = 'U012ABCDEF';
const MINUTE = 60_000;
const T0 = new Date('2026-12-02T10:00:00Z');

let stand: SlackWebApiStandIn;
let requests: GrantRequestStore;
let clock = T0;
const now = () => clock;

beforeEach(async () => {
  stand = await startSlackWebApi({ channels: [{ id: CHANNEL }], users: [ALICE] });
  requests = grantRequestStore(table.current.client, table.current.tableName, now);
  clock = T0;
});
afterEach(async () => {
  await stand.close();
});

const slack = () =>
  slackWebApi({
    token: async () => ({ reveal: () => STAND_IN_BOT_TOKEN }),
    baseUrl: stand.baseUrl,
    budgetMs: () => 5_000,
  });
const deps = () => ({
  requests,
  grants: table.current.store,
  slack: slack(),
  policy,
  now,
});

/** A request as slack-interact records and posts it. */
async function requested(fields: Partial<GrantRequestRecord> = {}): Promise<GrantRequestRecord> {
  const created = await requests.create({
    id: '0f0e0d0c-0b0a-4909-8807-060504030201',
    state: 'pending',
    requester: { name: 'alice', slack: ALICE },
    access: grantedAccess(GROUPS.postgres, '10.44.0.7/32'),
    ttlMs: 60 * MINUTE,
    reason: 'INC-42 replication lag',
    requestedAt: T0,
    answerBy: new Date(T0.getTime() + 30 * MINUTE),
    ...fields,
  });
  const ref = await slack().postMessage(CHANNEL, grantRequestMessage(created));
  return requests.update(created, { message: ref });
}

const directMessages = () =>
  stand.calls
    .filter((c) => c.method === 'chat.postMessage' && c.payload.channel !== CHANNEL)
    .map((c) => c.payload.text);
const shown = () =>
  /State\*\\n([a-z ,-]+)/.exec(JSON.stringify(stand.topLevel(CHANNEL)[0]?.attachments))?.[1];

describe('sweepRequests', () => {
  it('times out an unanswered request after grants.approval.timeout: denied, message updated, no grant', async () => {
    const request = await requested();
    clock = new Date(T0.getTime() + 29 * MINUTE);
    expect((await sweepRequests(deps())).timedOut).toEqual([]);
    clock = new Date(T0.getTime() + 30 * MINUTE);
    expect((await sweepRequests(deps())).timedOut).toEqual([request.id]);
    expect((await requests.get(request.id))?.state).toBe('timed-out');
    expect(shown()).toBe('timed out');
    expect(JSON.stringify(stand.topLevel(CHANNEL)[0]?.attachments)).not.toContain('netwarden:approve');
    // No grant was ever recorded, so none was made: expire-grants' grant sweep has nothing to revoke.
    expect(await table.current.store.open()).toEqual([]);
    // A second run finds nothing left to time out.
    expect((await sweepRequests(deps())).timedOut).toEqual([]);
  });

  it('tells the requester once before expiry and once when the grant expired', async () => {
    const access = grantedAccess(GROUPS.postgres, '10.44.0.7/32');
    const expiresAt = new Date(T0.getTime() + 60 * MINUTE);
    const pending = await table.current.store.putPending({
      groupId: GROUPS.postgres,
      access,
      owner: `slack:alice (${ALICE})`,
      reason: 'INC-42 replication lag',
      issuedAt: T0,
      expiresAt,
      createdAt: T0,
    });
    const live = await table.current.store.markLive(pending, 'sgr-0123456789abcdef0');
    const pendingRequest = await requested();
    const approved = await requests.move(pendingRequest, 'approved', {
      answeredBy: { name: 'bob', slack: 'U034GHIJKL' },
    });
    await requests.move(approved, 'granted', { ruleId: 'sgr-0123456789abcdef0', expiresAt });

    clock = new Date(expiresAt.getTime() - 11 * MINUTE);
    expect((await sweepRequests(deps())).warned).toEqual([]);
    clock = new Date(expiresAt.getTime() - 9 * MINUTE);
    expect((await sweepRequests(deps())).warned).toEqual([pendingRequest.id]);
    expect((await sweepRequests(deps())).warned).toEqual([]);
    expect(directMessages()).toEqual([
      'Your grant tcp 5432 from 10.44.0.7/32 on sg-0db00000000005432 expires in 9m, at 2026-12-02T11:00:00Z.',
    ]);

    // Due but its grant still open (the grants' sweep has not closed it): not expired yet.
    clock = new Date(expiresAt.getTime() + MINUTE);
    expect((await sweepRequests(deps())).expired).toEqual([]);
    await table.current.store.close(live, { at: clock, why: 'expired; revoked' });
    expect((await sweepRequests(deps())).expired).toEqual([pendingRequest.id]);
    expect((await requests.get(pendingRequest.id))?.state).toBe('expired');
    expect(shown()).toBe('expired');
    expect(directMessages().at(-1)).toBe(
      'Your grant tcp 5432 from 10.44.0.7/32 on sg-0db00000000005432 expired and was revoked.',
    );
    expect((await sweepRequests(deps())).expired).toEqual([]);
  });

  it('settles a request left approved by an interrupted press: failed without a grant, granted with one', async () => {
    const pending = await requested();
    const stuck = await requests.move(pending, 'approved', {
      answeredBy: { name: 'bob', slack: 'U034GHIJKL' },
      answeredAt: T0,
    });
    clock = new Date(T0.getTime() + 4 * MINUTE);
    expect((await sweepRequests(deps())).settled).toEqual([]);
    clock = new Date(T0.getTime() + 5 * MINUTE);
    expect((await sweepRequests(deps())).settled).toEqual([stuck.id]);
    expect((await requests.get(stuck.id))?.state).toBe('failed');
    expect(shown()).toBe('failed');
    expect(directMessages().at(-1)).toMatch(/failed: granting was interrupted; ask again\.$/);
  });

  it('never fails an approved request a worker could still grant; one left by a switch to report mode waits, writes nothing, then fails in enforce', async () => {
    const pending = await requested();
    const stuck = await requests.move(pending, 'approved', {
      answeredBy: { name: 'bob', slack: 'U034GHIJKL' },
      answeredAt: T0,
    });
    // Past the worker's window no hand-off may start the grant: the sweep may settle it 2 minutes later.
    clock = new Date(T0.getTime() + GRANT_WORK_WINDOW_MS);
    expect(workProblem(stuck.id, await requests.get(stuck.id), clock)).toMatch(/too late to make it/);
    expect(APPROVED_STUCK_AFTER_MS - GRANT_WORK_WINDOW_MS).toBe(2 * MINUTE);
    // Report mode: the sweep writes nothing (the worker refuses in report mode anyway).
    clock = new Date(T0.getTime() + 60 * MINUTE);
    const before = stand.calls.length;
    expect((await sweepRequests({ ...deps(), policy: { ...policy, mode: 'report' } })).settled).toEqual([]);
    expect(await requests.get(stuck.id)).toEqual(stuck);
    expect(stand.calls.length).toBe(before);
    // Enforcing again: failed, the requester told.
    expect((await sweepRequests(deps())).settled).toEqual([stuck.id]);
    expect((await requests.get(stuck.id))?.state).toBe('failed');
    expect(directMessages().at(-1)).toMatch(/failed: granting was interrupted; ask again\.$/);
  });

  it('never credits a stuck request with someone else’s grant of the same access: failed', async () => {
    const cases: Array<{ owner: string; reason: string }> = [
      // Another person's grant (grant-access's IAM caller, another Slack user) for the same rule.
      { owner: 'arn:aws:sts::111122223333:assumed-role/db-oncall/mallory', reason: 'INC-42 replication lag' },
      { owner: 'slack:bob (U034GHIJKL)', reason: 'INC-42 replication lag' },
      // alice's, but another grant of hers (another reason): not the one this request asked for.
      { owner: `slack:alice (${ALICE})`, reason: 'INC-7 something else' },
    ];
    for (const [index, other] of cases.entries()) {
      clock = T0;
      const access = grantedAccess(GROUPS.postgres, `10.44.0.${index + 10}/32`);
      const pending = await table.current.store.putPending({
        groupId: GROUPS.postgres,
        access,
        ...other,
        issuedAt: new Date(T0.getTime() + MINUTE),
        expiresAt: new Date(T0.getTime() + 61 * MINUTE),
        createdAt: new Date(T0.getTime() + MINUTE),
      });
      await table.current.store.markLive(pending, `sgr-0123456789abcdef${index}`);
      const stuck = await requests.move(
        await requested({ id: `0f0e0d0c-0b0a-4909-8807-06050403020${index + 2}`, access }),
        'approved',
        { answeredBy: { name: 'bob', slack: 'U034GHIJKL' }, answeredAt: T0 },
      );
      clock = new Date(T0.getTime() + 5 * MINUTE);
      expect((await sweepRequests(deps())).settled).toEqual([stuck.id]);
      expect((await requests.get(stuck.id))?.state).toBe('failed');
    }
  });

  it('credits a stuck request with the grant made for it: its requester’s, for its reason', async () => {
    const access = grantedAccess(GROUPS.postgres, '10.44.0.7/32');
    const pending = await table.current.store.putPending({
      groupId: GROUPS.postgres,
      access,
      owner: `slack:alice (${ALICE})`,
      reason: 'INC-42 replication lag',
      issuedAt: new Date(T0.getTime() + MINUTE),
      expiresAt: new Date(T0.getTime() + 61 * MINUTE),
      createdAt: new Date(T0.getTime() + MINUTE),
    });
    await table.current.store.markLive(pending, 'sgr-0123456789abcdef0');
    const stuck = await requests.move(await requested(), 'approved', {
      answeredBy: { name: 'bob', slack: 'U034GHIJKL' },
      answeredAt: T0,
    });
    clock = new Date(T0.getTime() + 5 * MINUTE);
    expect((await sweepRequests(deps())).settled).toEqual([stuck.id]);
    expect(await requests.get(stuck.id)).toMatchObject({ state: 'granted', ruleId: 'sgr-0123456789abcdef0' });
  });
});
