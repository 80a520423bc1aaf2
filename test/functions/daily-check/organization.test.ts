/**
 * The daily check of an organisation: one digest per account (central first, then each member, named
 * as the policy names it), each member read through its member role; a member whose role cannot be
 * assumed gets a digest of checks that could not run, never an all-clear.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mapBounded } from '../../../shared/audits/bounded';
import type { Digest } from '../../../shared/audits/digest';
import type { Finding } from '../../../shared/findings/finding';
import { ACCOUNT_ID } from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import {
  createSimulatedOrganization,
  type SimulatedOrganization,
} from '../../../simulated-account/organization';
import {
  MEMBER_B as B,
  MEMBER_C as C,
  deployWithPolicy,
  memberRoleArnOf,
  organizationSection,
  stackSetRoles,
} from '../../helpers/organization';
import { useStateTable } from '../../helpers/state-table';

let org: SimulatedOrganization;
// Grants live in the central state table, which every account's digest reads.
const table = useStateTable();

beforeEach(() => {
  org = createSimulatedOrganization({
    members: [
      { id: B, roles: stackSetRoles(B) },
      // C's StackSet instance is missing its trust in the central functions.
      { id: C, roles: stackSetRoles(C, { trustsCentral: false }) },
    ],
  });
  deployWithPolicy(
    org,
    organizationSection({ [B]: 'name: gateway-prod', [C]: 'name: gateway-stg' }, '  checkConcurrency: 2\n'),
  );
});
afterEach(() => {
  org.restore();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('daily-check with an organization', () => {
  it('publishes one digest per account; an unassumable member is reported as not run', async () => {
    const { handler } = await import('../../../functions/daily-check/handler');
    org.runAs('daily-check');

    await handler(loadEvent('schedule/daily-check.json'), lambdaContext('netwarden-test-daily-check'));

    // Accounts are read in parallel: their digests arrive in any order.
    const findings = org.central.published
      .map((message) => JSON.parse(message.message) as Finding)
      .sort((a, b) => (a.account ?? '').localeCompare(b.account ?? ''));
    expect(findings.map((finding) => [finding.kind, finding.account, finding.accountName])).toEqual([
      ['check.daily', ACCOUNT_ID, 'central'],
      ['check.daily', B, 'gateway-prod'],
      ['check.daily', C, 'gateway-stg'],
    ]);
    const digestOf = (finding: Finding | undefined) => finding?.details?.digest as Digest | undefined;
    // B was read through its member role, in B.
    expect(
      org
        .member(B)
        .account.reads()
        .map((call) => call.command),
    ).toEqual(expect.arrayContaining(['DescribeLoadBalancers', 'DescribeAlarms', 'LookupEvents']));
    expect(digestOf(findings[1])?.notRun ?? []).toEqual([]);
    // C: nothing read, every check named as not run, and the finding is not fine.
    expect(org.member(C).account.calls).toEqual([]);
    expect(digestOf(findings[2])?.notRun).toEqual(
      expect.arrayContaining(['alarms', 'security-group changes (CloudTrail)', 'target health']),
    );
    expect(findings[2]?.severity).not.toBe('info');
    expect(JSON.stringify(findings[2]?.details)).toContain(
      `netwarden could not assume ${memberRoleArnOf(C, 'daily-check')} in account ${C} (sts:AssumeRole answered AccessDenied`,
    );
    expect(org.assumeRoles.filter((call) => call.outcome === 'issued').map((call) => call.roleArn)).toEqual([
      memberRoleArnOf(B, 'daily-check'),
    ]);
  });
});

describe('daily-check with an organization: grants', () => {
  it('lists a grant recorded in a member in that member’s digest only', async () => {
    const now = org.central.account.clock.now().getTime();
    const { store } = table.current;
    await store.markLive(
      await store.putPending({
        groupId: 'sg-0db00000000005432',
        account: B,
        access: {
          groupId: 'sg-0db00000000005432',
          direction: 'ingress',
          protocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          peer: { type: 'ipv4', cidr: '203.0.113.7/32' },
          tags: {},
        },
        owner: 'arn:aws:sts::111122223333:assumed-role/db-oncall/alice',
        reason: 'INC-4821',
        issuedAt: new Date(now),
        expiresAt: new Date(now + 3_600_000),
        createdAt: new Date(now),
      }),
      'sgr-0123456789abcdef0',
    );
    const { handler } = await import('../../../functions/daily-check/handler');
    org.runAs('daily-check');

    await handler(loadEvent('schedule/daily-check.json'), lambdaContext('netwarden-test-daily-check'));

    const digests = Object.fromEntries(
      org.central.published
        .map((message) => JSON.parse(message.message) as Finding)
        .map((finding) => [finding.accountName, JSON.stringify(finding.details?.digest)]),
    );
    expect(digests['gateway-prod']).toContain('1 active');
    expect(digests.central).toContain('0 active');
  });
});

describe('weekly-check with an organization', () => {
  it('publishes one weekly digest per account; the unassumable member’s says its checks could not run', async () => {
    const { handler } = await import('../../../functions/weekly-check/handler');
    org.runAs('weekly-check');

    await handler(loadEvent('schedule/weekly-check.json'), lambdaContext('netwarden-test-weekly-check'));

    const findings = org.central.published
      .map((message) => JSON.parse(message.message) as Finding)
      .sort((a, b) => (a.account ?? '').localeCompare(b.account ?? ''));
    expect(findings.map((finding) => [finding.kind, finding.accountName])).toEqual([
      ['check.weekly', 'central'],
      ['check.weekly', 'gateway-prod'],
      ['check.weekly', 'gateway-stg'],
    ]);
    expect(
      org
        .member(B)
        .account.reads()
        .map((call) => call.command),
    ).toEqual(expect.arrayContaining(['DescribeSecurityGroups', 'DescribeLoadBalancers']));
    expect(org.member(C).account.calls).toEqual([]);
    expect((findings[2]?.details?.digest as Digest | undefined)?.notRun).toEqual(
      expect.arrayContaining(['security-group audit']),
    );
    expect(findings[2]?.severity).not.toBe('info');
  });
});

describe('mapBounded', () => {
  it('keeps at most `limit` runs in progress, and returns results in the items’ order', async () => {
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const running = mapBounded([1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await new Promise<void>((resolve) => releases.push(resolve));
      return item * 10;
    });
    // Let the workers reach their first await.
    await Promise.resolve();
    expect(started).toEqual([1, 2]);
    releases.shift()?.();
    await vi.waitFor(() => expect(started).toEqual([1, 2, 3]));
    while (started.length < 5 || releases.length > 0) {
      releases.shift()?.();
      await Promise.resolve();
    }
    expect(await running).toEqual([10, 20, 30, 40, 50]);
  });
});
