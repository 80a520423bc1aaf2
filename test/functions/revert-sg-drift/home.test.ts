/**
 * Identities cannot be imitated: an event from another account or region is reported once and never
 * acted on (no AWS read or write, no retry); the account is the function's own unless the policy
 * names others; netwarden's own calls are recognised by role, never by session name.
 */
import { AuthorizeSecurityGroupIngressCommand, DeleteTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { UNKNOWN_HOME } from '../../../shared/events/home';
import type { CloudTrailEvent } from '../../../simulated-account/account';
import {
  ACCOUNT_ID,
  assumedRole,
  consoleUser,
  GROUPS,
  type Identity,
} from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { tcp } from '../../../simulated-account/permissions';
import { useRevertHandler } from '../../helpers/revert';
import { useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const ec2 = new EC2Client({});
const sim = useSimulation();
// The event ledger (exactly-once per event) lives in the state table.
useStateTable();
const { actAs, invoke, reload, usePolicy } = useRevertHandler(sim);
const OTHER_ACCOUNT = '999988887777';
// Each test states its home account: none from the environment unless the test sets one (the function
// ARN of lambdaContext() names ACCOUNT_ID). Full runs once found NETWARDEN_ACCOUNT_ID still set here after
// it had been unstubbed: an earlier file in the worker had replaced the process.env object, so vitest's
// unstubbing deleted the variable from the old one (test/helpers/setup.ts now fails such a file).
beforeEach(async () => {
  vi.stubEnv('NETWARDEN_ACCOUNT_ID', undefined);
  await reload();
});

const openPostgres = (identity: Identity = consoleUser('mallory@example.com')) =>
  actAs(identity, () =>
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        IpPermissions: [tcp(5432, '0.0.0.0/0')],
      }),
    ),
  );
const worldOpen = () =>
  [...sim.current.sg.rules.values()].filter(
    (rule) => rule.GroupId === GROUPS.postgres && rule.CidrIpv4 === '0.0.0.0/0',
  );

/** The same event as if another account's or region's trail had delivered it. */
function from(event: CloudTrailEvent, where: { account?: string; region?: string }): CloudTrailEvent {
  const detail = event.detail as Record<string, unknown>;
  return {
    ...event,
    ...(where.account ? { account: where.account } : {}),
    ...(where.region ? { region: where.region } : {}),
    detail: {
      ...detail,
      ...(where.account ? { recipientAccountId: where.account } : {}),
      ...(where.region ? { awsRegion: where.region } : {}),
    },
  };
}

describe('an event from outside netwarden’s account and region', () => {
  it('from another account: one warning finding, no AWS call, no write — and once only', async () => {
    const event = from(await openPostgres(), { account: OTHER_ACCOUNT });

    const first = await invoke(event);
    const again = await invoke(event);

    expect(first.result).toEqual({ status: 'foreign', decisions: ['report:foreign-event'] });
    expect(first.calls.all.map((call) => `${call.service}.${call.command}`)).toEqual(['SNS.Publish']);
    expect(first.findings).toHaveLength(1);
    expect(first.findings[0]).toMatchObject({
      kind: 'sg.foreign-event',
      severity: 'warning',
      outcome: 'no-action',
      account: OTHER_ACCOUNT,
      actions: [],
      why: expect.stringContaining(
        `account "${OTHER_ACCOUNT}" is not ${ACCOUNT_ID}; detail.recipientAccountId "${OTHER_ACCOUNT}" is not ${ACCOUNT_ID}`,
      ),
    });
    // The world-open rule in this account is not touched on the word of another account's event.
    expect(worldOpen()).toHaveLength(1);
    expect(again.result.status).toBe('redelivered');
    expect(again.calls.all).toEqual([]);
    expect(again.findings).toEqual([]);
  });

  it('from another region: reported, never acted on', async () => {
    const event = from(await openPostgres(), { region: 'us-east-1' });

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['report:foreign-event']);
    expect(calls.reads).toEqual([]);
    expect(calls.writes).toEqual([]);
    expect(findings[0]).toMatchObject({
      kind: 'sg.foreign-event',
      region: 'us-east-1',
      why: expect.stringContaining('region "us-east-1" is not ap-northeast-2'),
    });
  });

  it('when only the CloudTrail record names another account: both must agree with home', async () => {
    const event = await openPostgres();
    (event.detail as { recipientAccountId: string }).recipientAccountId = OTHER_ACCOUNT;

    const { result, calls } = await invoke(event);

    expect(result.decisions).toEqual(['report:foreign-event']);
    expect(calls.writes).toEqual([]);
  });

  it('a tag event from another account: no protection finding, no cache change', async () => {
    const event = from(
      await actAs(consoleUser('mallory@example.com'), () =>
        ec2.send(new DeleteTagsCommand({ Resources: [GROUPS.redis], Tags: [{ Key: 'netwarden:protect' }] })),
      ),
      { account: OTHER_ACCOUNT },
    );

    const { result, findings } = await invoke(event);

    expect(result.decisions).toEqual(['report:foreign-event']);
    expect(findings.map((finding) => finding.kind)).toEqual(['sg.foreign-event']);
  });
});

describe('the home account', () => {
  it('is NETWARDEN_ACCOUNT_ID when set, before the function ARN', async () => {
    vi.stubEnv('NETWARDEN_ACCOUNT_ID', OTHER_ACCOUNT);
    await reload();

    const { result, calls } = await invoke(await openPostgres());

    expect(result.decisions).toEqual(['report:foreign-event']);
    expect(calls.writes).toEqual([]);
  });

  it('is the policy’s accounts when it names any: their events are acted on, and only theirs', async () => {
    await usePolicy([
      ['# accounts: ["111122223333"] # quoted', `accounts: ["${OTHER_ACCOUNT}", "${ACCOUNT_ID}"] # quoted`],
    ]);
    const own = await invoke(await openPostgres());
    expect(own.result.decisions).toEqual(['revoke:guardrail']);

    await usePolicy([['# accounts: ["111122223333"] # quoted', `accounts: ["${OTHER_ACCOUNT}"] # quoted`]]);
    const notListed = await invoke(await openPostgres());
    expect(notListed.result.decisions).toEqual(['report:foreign-event']);
    expect(notListed.calls.writes).toEqual([]);
  });

  it('unknown (no NETWARDEN_ACCOUNT_ID, no function ARN): nothing is acted on, and it says why', async () => {
    const event = await openPostgres();

    const { result, calls, findings } = await invoke(event, { ...lambdaContext(), invokedFunctionArn: '' });

    expect(result.status).toBe('unprocessable');
    expect(calls.reads).toEqual([]);
    expect(calls.writes).toEqual([]);
    expect(findings[0]).toMatchObject({
      kind: 'unprocessable',
      eventId: event.detail.eventID,
      why: expect.stringContaining('netwarden does not know the account it runs in'),
    });
    // The one text heal-targets says too: the way in refuses the event, not the use case.
    expect(findings[0]?.why).toBe(UNKNOWN_HOME);
    expect(worldOpen()).toHaveLength(1);
  });
});

describe('netwarden’s own calls', () => {
  it('are recognised by the role, never by a netwarden-like session name on a stranger role', async () => {
    // Anyone who can assume some role chooses the session name freely.
    const stranger = assumedRole('ci-deployer', 'netwarden-test-ap-northeast-2-revert-sg-drift', {
      sourceIp: '203.0.113.7',
    });

    const { result, calls } = await invoke(await openPostgres(stranger));

    expect(result.decisions).toEqual(['revoke:guardrail']);
    expect(calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(worldOpen()).toHaveLength(0);
  });
});
