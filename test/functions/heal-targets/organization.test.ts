/**
 * heal-targets serving an AWS Organization from the central account: a member's unhealthy-hosts alarm
 * (forwarded to the central organisation bus; the envelope keeps the member's account) is healed in
 * that member only, through its member role; an alarm claiming an account outside the organisation is
 * refused before any AWS call; a member role that cannot be assumed is an `organization.unreachable`
 * finding, not a retry.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../shared/findings/finding';
import {
  ACCOUNT_ID,
  GATEWAY_INSTANCES,
  type Simulation,
  stopInstance,
} from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import {
  createSimulatedOrganization,
  ownLoadBalancingArns,
  type SimulatedOrganization,
} from '../../../simulated-account/organization';
import {
  MEMBER_B as B,
  MEMBER_C as C,
  deployWithPolicy,
  EXTERNAL_ID,
  memberRoleArnOf,
  OUTSIDE_ACCOUNT as OUTSIDE,
  organizationSection,
  MEMBER_ROLE as ROLE,
  stackSetRoles,
} from '../../helpers/organization';
import { useStateTable } from '../../helpers/state-table';

const [, second] = GATEWAY_INSTANCES;

// Repeat suppression, the budget and the journal live in the (central) state table.
useStateTable();

let org: SimulatedOrganization;
let handler: typeof import('../../../functions/heal-targets/handler')['handler'];

async function start(memberExternalId = EXTERNAL_ID): Promise<void> {
  org = createSimulatedOrganization({
    members: [B, C].map((id) => ({ id, roles: stackSetRoles(id, { externalId: memberExternalId }) })),
  });
  org.runAs('heal-targets');
  for (const id of [B, C]) ownLoadBalancingArns(org.member(id));
  deployWithPolicy(org, organizationSection({ [B]: 'name: gateway-prod', [C]: 'name: gateway-stg' }));
  ({ handler } = await import('../../../functions/heal-targets/handler'));
}

afterEach(() => {
  org.restore();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

interface AlarmEvent {
  account: string;
  resources: string[];
}
/** The seed's unhealthy-hosts alarm as member `account` raises it (its own account in the envelope and ARN). */
function alarmOf(account: string): AlarmEvent {
  const event = loadEvent<AlarmEvent>('cloudwatch/unhealthy-host-count-alarm.json');
  event.account = account;
  event.resources = event.resources.map((arn) => arn.replace(`:${ACCOUNT_ID}:`, `:${account}:`));
  return event;
}

const findings = (): Finding[] =>
  org.central.published.map((message) => JSON.parse(message.message) as Finding);
const commands = (sim: Simulation) => sim.account.calls.map((call) => `${call.service}.${call.command}`);
const writes = (sim: Simulation) => sim.account.writes().map((call) => call.command);

describe('an unhealthy-hosts alarm of member account B', () => {
  it('is healed in B only, through B’s member role', async () => {
    await start();
    stopInstance(org.member(B), second);

    const result = await handler(alarmOf(B), lambdaContext('netwarden-test-heal-targets'));

    expect(result).toMatchObject({
      status: 'done',
      groups: [{ targetGroup: 'gateway-tg-https', status: 'healing', decisions: [`start:${second}`] }],
    });
    expect(org.assumeRoles).toEqual([
      {
        roleArn: memberRoleArnOf(B, 'heal-targets'),
        sessionName: 'netwarden-heal-targets',
        externalId: EXTERNAL_ID,
        outcome: 'issued',
      },
    ]);
    // Every write in B, made as the member role's session (B's CloudTrail says so).
    expect(writes(org.member(B))).toEqual(['CreateTags', 'StartInstances']);
    expect(org.member(B).account.trail.at(-1)?.detail.userIdentity).toMatchObject({
      arn: `arn:aws:sts::${B}:assumed-role/${ROLE}-heal-targets/netwarden-heal-targets`,
    });
    // Central: the kill switch, the AssumeRole and the finding; no ELBv2 or EC2 call. C: nothing.
    expect(commands(org.central).filter((command) => !command.startsWith('SSM.'))).toEqual([
      'STS.AssumeRole',
      'SNS.Publish',
    ]);
    expect(org.member(C).account.calls).toEqual([]);
    expect(findings()).toEqual([
      expect.objectContaining({
        kind: 'targets.healing',
        outcome: 'acted',
        account: B,
        accountName: 'gateway-prod',
        resource: expect.objectContaining({
          id: expect.stringContaining(`:${B}:targetgroup/gateway-tg-https/`),
        }),
      }),
    ]);
  });

  it('refuses an alarm claiming an account outside the organisation, with no AWS call', async () => {
    await start();
    stopInstance(org.member(B), second);
    const forged = alarmOf(OUTSIDE);

    const result = await handler(forged, lambdaContext('netwarden-test-heal-targets'));

    expect(result).toMatchObject({ status: 'foreign' });
    expect(org.assumeRoles).toEqual([]);
    expect(commands(org.central)).toEqual(['SNS.Publish']);
    for (const id of [B, C]) expect(org.member(id).account.calls).toEqual([]);
    expect(findings()).toEqual([
      expect.objectContaining({
        kind: 'targets.foreign-event',
        outcome: 'no-action',
        why: expect.stringContaining(`account "${OUTSIDE}" is not ${ACCOUNT_ID} or ${B} or ${C}`),
      }),
    ]);
  });

  it('refuses B’s envelope carrying an alarm ARN of C', async () => {
    await start();
    const mixed = { ...alarmOf(B), resources: alarmOf(C).resources };

    const result = await handler(mixed, lambdaContext('netwarden-test-heal-targets'));

    expect(result).toMatchObject({ status: 'foreign' });
    expect(org.assumeRoles).toEqual([]);
    for (const id of [B, C]) expect(org.member(id).account.calls).toEqual([]);
  });

  it('whose role cannot be assumed is one organization.unreachable finding; nothing is written anywhere', async () => {
    await start('another-external-id');
    stopInstance(org.member(B), second);

    const result = await handler(alarmOf(B), lambdaContext('netwarden-test-heal-targets'));

    expect(result).toEqual({ status: 'unreachable', groups: [] });
    expect(org.assumeRoles.map((call) => call.outcome)).toContain('AccessDenied');
    expect(org.member(B).account.calls).toEqual([]);
    expect(org.member(C).account.calls).toEqual([]);
    // Central: no EC2 or ELBv2 call at all, only the kill switch, the refused AssumeRole and the finding.
    expect(commands(org.central).filter((command) => !/^(SSM|STS|SNS)\./.test(command))).toEqual([]);
    expect(findings()).toEqual([
      expect.objectContaining({
        kind: 'organization.unreachable',
        severity: 'critical',
        account: B,
        accountName: 'gateway-prod',
        details: {
          roleArn: memberRoleArnOf(B, 'heal-targets'),
          stsErrorCode: 'AccessDenied',
          function: 'heal-targets',
        },
      }),
    ]);
  });
});
