/**
 * The kill switch (/netwarden/<stage>/paused) on the simulated account, through the real handler: on,
 * the event is decided in report mode, nothing is written and the finding (and its Slack message) says
 * so; off again, netwarden writes once the cached value is older than 60 seconds (the clock is
 * injected: Date is faked, nothing sleeps); unreadable, it holds itself in report mode and says why.
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client, type IpPermission } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findingMessage } from '../../../shared/slack/format';
import type { CloudTrailEvent } from '../../../simulated-account/account';
import { consoleUser, GROUPS } from '../../../simulated-account/index';
import { tcp } from '../../../simulated-account/permissions';
import { useRevertHandler } from '../../helpers/revert';
import { useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const PAUSED = '/netwarden/test/paused';
const ec2 = new EC2Client({});
const sim = useSimulation();
useStateTable();
const { actAs, invoke } = useRevertHandler(sim);
const alice = consoleUser('alice@example.com');

let clock = 0;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  clock = Date.parse('2026-12-01T10:00:00Z');
  vi.setSystemTime(clock);
});
afterEach(() => {
  vi.useRealTimers();
});
const advance = (ms: number) => {
  clock += ms;
  vi.setSystemTime(clock);
};

function authorize(permission: IpPermission): Promise<CloudTrailEvent> {
  return actAs(alice, () =>
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: GROUPS.postgres, IpPermissions: [permission] }),
    ),
  );
}

describe('the kill switch', () => {
  it('on: no EC2 write, the finding is report mode and says paused, in its field and in Slack', async () => {
    sim.current.ssm.put(PAUSED, 'true', 'String');
    const event = await authorize(tcp(5432, '0.0.0.0/0'));

    const { calls, findings } = await invoke(event);

    expect(calls.writes).toEqual([]);
    expect(calls.all.find((call) => call.service === 'SSM')?.input).toEqual({ Name: PAUSED });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'sg.guardrail-breach',
      mode: 'report',
      outcome: 'would-act',
      actions: [expect.stringMatching(/^RevokeSecurityGroupIngress sg-0db00000000005432 sgr-/)],
      paused: {
        parameter: PAUSED,
        because: 'switched-on',
        note: `Paused: the kill switch ${PAUSED} is on. Report mode: nothing was changed.`,
      },
    });
    const finding = findings[0];
    if (!finding) throw new Error('no finding');
    const slack = findingMessage(finding, { defaultRegion: 'ap-northeast-2' });
    expect(slack.text).toMatch(/^\[paused\] /);
    expect(JSON.stringify(slack.blocks)).toContain(`Paused: the kill switch ${PAUSED} is on.`);
  });

  it('resumed: still held while the value read is under 60 s old, writes again once it is older', async () => {
    sim.current.ssm.put(PAUSED, 'true', 'String');
    await invoke(await authorize(tcp(5432, '0.0.0.0/0')));
    sim.current.ssm.put(PAUSED, 'false', 'String');

    advance(59_999);
    const stale = await invoke(await authorize(tcp(6379, '0.0.0.0/0')));
    expect(stale.calls.writes).toEqual([]);
    expect(stale.calls.all.filter((call) => call.service === 'SSM')).toEqual([]);
    expect(stale.findings[0]).toMatchObject({ mode: 'report', paused: { because: 'switched-on' } });

    advance(1);
    const fresh = await invoke(await authorize(tcp(27017, '0.0.0.0/0')));
    expect(fresh.calls.writes).toEqual(['RevokeSecurityGroupIngress']);
    expect(fresh.findings[0]).toMatchObject({ mode: 'enforce', outcome: 'acted' });
    expect(fresh.findings[0]).not.toHaveProperty('paused');
  });

  it('unreadable: report mode (fail-safe), and the finding names the error', async () => {
    sim.current.account.failNext({
      service: 'SSM',
      operation: 'GetParameter',
      fault: {
        code: 'AccessDeniedException',
        message: 'not authorized to perform ssm:GetParameter',
        status: 400,
      },
    });
    const event = await authorize(tcp(5432, '0.0.0.0/0'));

    const { calls, findings } = await invoke(event);

    expect(calls.writes).toEqual([]);
    expect(findings[0]).toMatchObject({
      mode: 'report',
      outcome: 'would-act',
      paused: {
        parameter: PAUSED,
        because: 'unreadable',
        error: 'AccessDeniedException',
        note: `Paused: the kill switch ${PAUSED} could not be read (AccessDeniedException), so netwarden holds itself as if it were on. Report mode: nothing was changed.`,
      },
    });
  });

  it('a value other than "true" or "false" holds netwarden too: a typo never means carry on', async () => {
    sim.current.ssm.put(PAUSED, 'yes', 'String');

    const { calls, findings } = await invoke(await authorize(tcp(5432, '0.0.0.0/0')));

    expect(calls.writes).toEqual([]);
    expect(findings[0]).toMatchObject({ mode: 'report', paused: { because: 'unreadable' } });
  });
});
