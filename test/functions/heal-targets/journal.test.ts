/**
 * Every write heal-targets makes is journaled with its exact call and inverse (the real handler on the
 * simulated account, the journal in dynalite), and `netwarden undo` reverses what is meaningful to
 * reverse: a stale registration it removed is registered again; a start (its inverse would stop an
 * instance behind a load balancer), the heal tags (the healer's count of attempts) and a reboot (no
 * inverse) are left, each with the reason.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main';
import { useUndoDeps } from '../../../cli/undo';
import { ec2Client, elbv2Client } from '../../../shared/aws/clients';
import { ec2SecurityGroups } from '../../../shared/aws/ec2/security-groups';
import { elbv2LoadBalancing } from '../../../shared/aws/elbv2';
import { journalReader } from '../../../shared/aws/state-table/journal';
import type { Finding } from '../../../shared/findings/finding';
import type { JournalEntry } from '../../../shared/safety/journal';
import {
  GATEWAY_INSTANCES,
  impairInstance,
  registerOnPort,
  stopInstance,
  TARGET_GROUPS,
} from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import { findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

type Handler = typeof import('../../../functions/heal-targets/handler')['handler'];

const sim = useSimulation();
const table = useStateTable();
let handler: Handler;
const [first, second, third] = GATEWAY_INSTANCES;
const ALARM = 'arn:aws:cloudwatch:ap-northeast-2:111122223333:alarm:gateway-nlb-unhealthy-targets';
const SWEEP_ID = '0c3d7e4a-91b2-4f5e-8a6d-3e2f1b0c9d87';
const ALARM_ID = '6f1e9a52-3c4d-4b8e-9f0a-2b7c8d9e0f11';
const NOW = '2026-11-23T00:00:00.000Z';

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(sim.current.account.clock.now());
  vi.resetModules();
  ({ handler } = await import('../../../functions/heal-targets/handler'));
  const { client, tableName } = table.current;
  useUndoDeps({
    reader: journalReader(client, tableName),
    sg: ec2SecurityGroups(ec2Client()),
    lb: elbv2LoadBalancing(elbv2Client()),
    now: () => new Date(),
    region: 'ap-northeast-2',
    policyPath: 'netwarden.policy.yml',
  });
});
afterEach(() => {
  useUndoDeps(undefined);
  vi.useRealTimers();
});

async function invoke(file: string): Promise<Finding[]> {
  const published = sim.current.published.length;
  await handler(loadEvent(file), lambdaContext('netwarden-test-heal-targets'));
  return findingsOf(sim.current, published);
}

async function entriesOf(eventId: string): Promise<JournalEntry[]> {
  const records = await journalReader(table.current.client, table.current.tableName).byEvent(eventId);
  return records
    .map((record) => record.entry)
    .sort((a, b) => a.call.operation.localeCompare(b.call.operation));
}

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

const tagsOf = (action: string) => [
  { Key: 'netwarden:heal-attempts', Value: '1' },
  { Key: 'netwarden:heal-last-at', Value: NOW },
  { Key: 'netwarden:heal-last-action', Value: action },
  { Key: 'netwarden:heal-target-group', Value: 'gateway-tg-https' },
];
const HEAL_KEYS = tagsOf('').map(({ Key }) => ({ Key }));

describe('heal-targets journal', () => {
  it('a start on an alarm: the tag and the start with their inverses; undo leaves both, saying why', async () => {
    stopInstance(sim.current, first);
    const [finding] = await invoke('cloudwatch/unhealthy-host-count-alarm.json');

    const entries = await entriesOf(ALARM_ID);
    const common = {
      function: 'heal-targets',
      resource: TARGET_GROUPS.https,
      cause: `alarm ${ALARM}`,
      eventId: ALARM_ID,
      account: '111122223333',
      region: 'ap-northeast-2',
      finding: { kind: 'targets.healing', id: finding?.id },
    };
    expect(finding?.id).toMatch(new RegExp(`^${ALARM_ID}/`));
    expect(entries).toMatchObject([
      {
        ...common,
        action: 'tag',
        call: {
          service: 'ec2',
          operation: 'CreateTags',
          input: { Resources: [first], Tags: tagsOf('start') },
        },
        inverse: { service: 'ec2', operation: 'DeleteTags', input: { Resources: [first], Tags: HEAL_KEYS } },
      },
      {
        ...common,
        action: 'start',
        call: { service: 'ec2', operation: 'StartInstances', input: { InstanceIds: [first] } },
        inverse: { service: 'ec2', operation: 'StopInstances', input: { InstanceIds: [first] } },
      },
    ]);

    const run = captured();
    const mark = sim.current.account.calls.length;
    expect(await main(['undo', finding?.id ?? '', '--stage', 'prod', '--yes'], run.io)).toBe(0);
    expect(sim.current.account.calls.slice(mark).filter((call) => call.write)).toEqual([]);
    const text = run.out.join('\n');
    expect(text).toContain(`undo of finding ${finding?.id}: 0 to reverse, 2 left as they are`);
    expect(text).toContain(
      "refused: undo does not make ec2.StopInstances: it could take a load balancer's last healthy target",
    );
    expect(text).toContain("refused: the heal tags are heal-targets' count of its attempts");
  });

  it('a reboot: journaled with no inverse and the reason; undo says it cannot be reversed', async () => {
    impairInstance(sim.current, third, { survivesReboot: true });
    await invoke('schedule/heal-targets-sweep.json');

    const reboot = (await entriesOf(SWEEP_ID)).find((entry) => entry.action === 'reboot');
    expect(reboot).toMatchObject({
      cause: 'schedule (the heal-targets sweep)',
      call: { service: 'ec2', operation: 'RebootInstances', input: { InstanceIds: [third] } },
      inverse: {
        irreversible:
          'a reboot cannot be reversed: the instance has restarted, and no call returns it to before',
      },
    });

    const run = captured();
    expect(await main(['undo', SWEEP_ID, '--stage', 'prod'], run.io)).toBe(0);
    expect(run.out.join('\n')).toContain(
      'cannot be reversed: a reboot cannot be reversed: the instance has restarted, and no call returns it to before',
    );
  });

  it('a re-registration: undo registers the stale target again and does not deregister the new one', async () => {
    registerOnPort(sim.current, TARGET_GROUPS.https, second, 8080, Date.parse('2026-11-22T00:00:00Z'));
    await invoke('schedule/heal-targets-sweep.json');

    const entries = await entriesOf(SWEEP_ID);
    expect(entries.map((entry) => [entry.action, entry.call.operation, entry.inverse])).toEqual([
      [
        'tag',
        'CreateTags',
        { service: 'ec2', operation: 'DeleteTags', input: { Resources: [second], Tags: HEAL_KEYS } },
      ],
      [
        'deregister',
        'DeregisterTargets',
        {
          service: 'elbv2',
          operation: 'RegisterTargets',
          input: { TargetGroupArn: TARGET_GROUPS.https, Targets: [{ Id: second, Port: 8080 }] },
        },
      ],
      [
        'register',
        'RegisterTargets',
        {
          service: 'elbv2',
          operation: 'DeregisterTargets',
          input: { TargetGroupArn: TARGET_GROUPS.https, Targets: [{ Id: second, Port: 80 }] },
        },
      ],
    ]);

    const run = captured();
    const mark = sim.current.account.calls.length;
    expect(await main(['undo', SWEEP_ID, '--stage', 'prod', '--yes'], run.io)).toBe(0);
    const calls = sim.current.account.calls.slice(mark).filter((call) => call.write);
    const writes = calls.filter((call) => call.service !== 'SNS');
    expect(writes.map((call) => [call.command, call.input])).toEqual([
      ['RegisterTargets', { TargetGroupArn: TARGET_GROUPS.https, Targets: [{ Id: second, Port: 8080 }] }],
    ]);
    // The reversal's own finding, published (cli/undo.ts), is the only other write.
    expect(calls.filter((call) => call.service === 'SNS').map((call) => call.command)).toEqual(['Publish']);
    expect(run.out.join('\n')).toContain('refused: undo does not make elbv2.DeregisterTargets');
  });
});
