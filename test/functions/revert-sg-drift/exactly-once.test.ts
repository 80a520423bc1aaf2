/**
 * Exactly once per CloudTrail event, across retries and containers: the event ledger in the state
 * table (dynalite). A "container" is a fresh set of deps (empty caches and recent-event memory)
 * sharing the one table, as two Lambda containers share it.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { RevertDeps } from '../../../functions/revert-sg-drift/revert';
import { ec2SecurityGroups } from '../../../shared/aws/ec2/security-groups';
import { eventLedger } from '../../../shared/aws/state-table/event-ledger';
import { EventInProgress } from '../../../shared/findings/event-ledger';
import type { Finding } from '../../../shared/findings/finding';
import { loadPolicy } from '../../../shared/policy/load';
import { protectedGroups, recentEvents } from '../../../shared/sg/protected-groups';
import type { CloudTrailEvent } from '../../../simulated-account/account';
import { consoleUser, GROUPS, netwardenRole } from '../../../simulated-account/index';
import { tcp } from '../../../simulated-account/permissions';
import { revertEvent, SIMULATED_HOME, useRevertHandler } from '../../helpers/revert';
import { callsSince, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const ec2 = new EC2Client({});
const sim = useSimulation();
const table = useStateTable();
const { invoke } = useRevertHandler(sim);
const policy = loadPolicy('netwarden.policy.yml');
const alice = consoleUser('alice@example.com');

/** One container's deps; `publish` records into `published` unless told to fail. */
function container(published: Finding[], options: { failPublish?: boolean; sg?: RevertDeps['sg'] } = {}) {
  const sg = options.sg ?? ec2SecurityGroups(ec2);
  const now = sim.current.account.clock.now;
  const deps: RevertDeps = {
    sg,
    publish: async (finding) => {
      if (options.failPublish) throw new Error('SNS Publish failed: connection reset');
      published.push(finding);
    },
    now,
    policy,
    selfRoles: ['arn:aws:iam::*:role/netwarden-test-*'],
    protectedGroups: protectedGroups(policy, sg, now),
    recent: recentEvents(),
    home: SIMULATED_HOME,
    grants: { get: async () => undefined },
    ledger: eventLedger(table.current.client, table.current.tableName, 'revert-sg-drift'),
    claimUntil: new Date(now().getTime() + 60_000),
  };
  return deps;
}

async function worldOn5432(): Promise<CloudTrailEvent> {
  const { events } = await sim.current.account.as(alice, () =>
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        IpPermissions: [tcp(5432, '0.0.0.0/0')],
      }),
    ),
  );
  const [event] = events;
  if (!event) throw new Error('no CloudTrail event');
  return event;
}

describe('exactly once per event', () => {
  it('is not settled in advance by a forged copy that reuses the real event id, naming netwarden as the actor', async () => {
    const event = await worldOn5432();
    const forged = structuredClone(event);
    forged.detail.userIdentity = netwardenRole('revert-sg-drift', 'test').userIdentity;
    const published: Finding[] = [];
    const mark = sim.current.account.calls.length;
    const sameContainer = container(published);

    await revertEvent(forged, sameContainer);
    expect(callsSince(sim.current, mark).writes).toEqual([]);
    const real = await revertEvent(event, sameContainer);

    expect(real.status).toBe('decided');
    expect(callsSince(sim.current, mark).writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(published.map((finding) => [finding.kind, finding.outcome])).toEqual([
      ['sg.guardrail-breach', 'acted'],
    ]);
  });

  it('publishes the original "acted" finding once when a retry follows a publish failure after the revoke', async () => {
    const event = await worldOn5432();
    const published: Finding[] = [];
    const mark = sim.current.account.calls.length;

    await expect(revertEvent(event, container(published, { failPublish: true }))).rejects.toThrow(
      'SNS Publish failed',
    );
    const retry = await revertEvent(event, container(published));

    expect(callsSince(sim.current, mark).writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(retry.status).toBe('redelivered');
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ kind: 'sg.guardrail-breach', outcome: 'acted', mode: 'enforce' });
  });

  it('does nothing on a redelivery to a new container after the finding was published, and logs why', async () => {
    const event = await worldOn5432();
    const published: Finding[] = [];
    await revertEvent(event, container(published));
    const mark = sim.current.account.calls.length;
    const logged: Array<[string, Record<string, unknown>]> = [];

    const again = await revertEvent(event, {
      ...container(published),
      log: (message, data) => logged.push([message, data]),
    });

    expect(again).toEqual({ status: 'redelivered', eventId: event.detail.eventID, findings: [] });
    expect(callsSince(sim.current, mark).all).toEqual([]);
    expect(published).toHaveLength(1);
    expect(logged).toContainEqual([
      'redelivered event already handled',
      { eventId: event.detail.eventID, findings: 1, publishingNow: 0 },
    ]);
  });

  it('lets one of two containers act on the same event at once; the other is told to retry later', async () => {
    const event = await worldOn5432();
    const published: Finding[] = [];
    const real = ec2SecurityGroups(ec2);
    let revokeStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      revokeStarted = resolve;
    });
    let finishRevoke: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      finishRevoke = resolve;
    });
    // Container A stops inside its revoke until container B has tried the same event.
    const slow: RevertDeps['sg'] = {
      ...real,
      revokeRules: async (...args) => {
        revokeStarted();
        await held;
        return real.revokeRules(...args);
      },
    };

    const first = revertEvent(event, container(published, { sg: slow }));
    await started;
    await expect(revertEvent(event, container(published))).rejects.toThrow(EventInProgress);
    finishRevoke();
    await first;

    const revokes = sim.current.account.calls.filter((call) => call.command === 'RevokeSecurityGroupIngress');
    expect(revokes).toHaveLength(1);
    expect(published.map((finding) => finding.outcome)).toEqual(['acted']);
  });

  it('lets a retry act after an attempt failed before deciding, without waiting for its claim to lapse', async () => {
    const event = await worldOn5432();
    const published: Finding[] = [];
    const real = ec2SecurityGroups(ec2);
    const throttled: RevertDeps['sg'] = {
      ...real,
      revokeRules: async () => {
        throw new Error('RequestLimitExceeded');
      },
    };

    await expect(revertEvent(event, container(published, { sg: throttled }))).rejects.toThrow(
      'RequestLimitExceeded',
    );
    const retry = await revertEvent(event, container(published));

    expect(retry.status).toBe('decided');
    expect(published.map((finding) => finding.outcome)).toEqual(['acted']);
  });

  it('lets a retry take over a claim whose holder died (its deadline passed)', async () => {
    const event = await worldOn5432();
    const ledger = eventLedger(table.current.client, table.current.tableName, 'revert-sg-drift');
    const now = sim.current.account.clock.now();
    // A container claimed the event and was killed by its timeout before it could release it.
    await ledger.claim((event.detail as { eventID: string }).eventID, now, new Date(now.getTime() - 1));
    const published: Finding[] = [];

    const retry = await revertEvent(event, container(published));

    expect(retry.status).toBe('decided');
    expect(published.map((finding) => finding.outcome)).toEqual(['acted']);
  });
});

describe('a malformed event', () => {
  /** Every record in the state table: the ledger's claims and decisions are kept there. */
  const records = async () =>
    (await table.current.client.send(new ScanCommand({ TableName: table.current.tableName }))).Items ?? [];

  it('is refused on the way in, before the ledger: it claims nothing, and the real event with its id is acted on', async () => {
    const event = await worldOn5432();
    // The same event id, but a call netwarden cannot read: the response names no rule and the
    // request's CIDR is no CIDR. Retrying cannot make it readable, so nothing of it is recorded.
    const malformed = structuredClone(event);
    const detail = malformed.detail as { requestParameters: unknown; responseElements: unknown };
    detail.requestParameters = {
      groupId: GROUPS.postgres,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            ipRanges: { items: [{ cidrIp: '999.1.2.3/8' }] },
          },
        ],
      },
    };
    detail.responseElements = { _return: true };

    const refused = await invoke(malformed);

    expect(refused.result.status).toBe('unprocessable');
    expect(refused.calls.all.map((call) => `${call.service}.${call.command}`)).toEqual(['SNS.Publish']);
    expect(refused.findings).toEqual([
      expect.objectContaining({ kind: 'unprocessable', eventId: event.detail.eventID }),
    ]);
    expect(await records()).toEqual([]);

    const real = await invoke(event);

    expect(real.result).toEqual({ status: 'decided', decisions: ['revoke:guardrail'] });
    expect(real.calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(await records()).not.toEqual([]);
  });
});
