/**
 * heal-targets end to end on the simulated account: the real handler and SDK clients against the
 * seed's NLB, three gateway instances and the computed health model. Each test breaks the estate
 * one way, runs a sweep (or the alarm), and asserts the diagnosis, the exact writes made and not
 * made, and the finding. The handler's clock is the simulated one (Date is faked to follow it).
 */
import {
  DeregisterTargetsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UNKNOWN_HOME } from '../../../shared/events/home';
import type { Finding } from '../../../shared/findings/finding';
import {
  disableHealthChecks,
  GATEWAY_INSTANCES,
  hangApplication,
  impairInstance,
  instanceTags,
  registerOnPort,
  resumeApplication,
  setTargetGroupPort,
  stallRegistration,
  stopInstance,
  TARGET_GROUPS,
  tagInstance,
} from '../../../simulated-account/index';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import { callsSince, findingsOf, useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

type Handler = typeof import('../../../functions/heal-targets/handler')['handler'];
interface Result {
  status: string;
  groups: Array<{ targetGroup: string; status: string; decisions: string[] }>;
}

const sim = useSimulation();
// Repeat suppression lives in the state table.
useStateTable();
let handler: Handler;
const [first, second, third] = GATEWAY_INSTANCES;
const MINUTE = 60_000;

async function loadHandler() {
  vi.resetModules();
  ({ handler } = await import('../../../functions/heal-targets/handler'));
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  await loadHandler();
});
afterEach(() => {
  vi.useRealTimers();
  delete process.env.NETWARDEN_MODE;
});

async function invoke(event: unknown, context = lambdaContext('netwarden-test-heal-targets')) {
  vi.setSystemTime(sim.current.account.clock.now());
  const mark = sim.current.account.calls.length;
  const published = sim.current.published.length;
  const result = (await handler(event, context)) as Result;
  return { result, calls: callsSince(sim.current, mark), findings: findingsOf(sim.current, published) };
}
const sweep = () => invoke(loadEvent('schedule/heal-targets-sweep.json'));
const alarm = (vary?: (event: AlarmEvent) => void) => {
  const event = loadEvent<AlarmEvent>('cloudwatch/unhealthy-host-count-alarm.json');
  vary?.(event);
  return invoke(event);
};
type AlarmEvent = {
  account: string;
  region: string;
  resources: string[];
  detail: {
    state: { value: string };
    configuration: { metrics: Array<{ metricStat: { metric: { dimensions: Record<string, string> } } }> };
  };
};

const inputsOf = (calls: ReturnType<typeof callsSince>, command: string) =>
  calls.all.filter((call) => call.command === command).map((call) => call.input);
const findingFor = (findings: Finding[], name: string) =>
  findings.find((finding) => finding.resource?.name === name);

describe('a healthy estate', () => {
  it('sweeps quietly: no writes, no findings, and the legacy group that is not opted in is never read', async () => {
    const { result, calls, findings } = await sweep();

    expect(result.groups.map((group) => [group.targetGroup, group.status])).toEqual([
      ['gateway-tg-https', 'healthy'],
      ['gateway-tg-custom', 'healthy'],
    ]);
    expect(calls.writes).toEqual([]);
    expect(findings).toEqual([]);
    expect(inputsOf(calls, 'DescribeTargetHealth')).toEqual([
      { TargetGroupArn: TARGET_GROUPS.https },
      { TargetGroupArn: TARGET_GROUPS.custom },
    ]);
    // Healthy groups do not need the security-group path, listeners or subnets.
    expect(calls.reads).not.toContain('DescribeSecurityGroupRules');
    expect(calls.reads).not.toContain('DescribeListeners');
  });
});

describe("the seed's port mismatch: target group on 443 while the gateway serves 80", () => {
  it('reports the diagnosis and the fix, and touches nothing', async () => {
    setTargetGroupPort(sim.current, TARGET_GROUPS.https, 443);

    const { result, calls, findings } = await sweep();

    expect(calls.writes).toEqual([]);
    expect(calls.reads).not.toContain('RebootInstances');
    expect(result.groups).toContainEqual({
      targetGroup: 'gateway-tg-https',
      status: 'systemic',
      decisions: [],
    });
    expect(findings).toHaveLength(1);
    const finding = findingFor(findings, 'gateway-tg-https');
    expect(finding).toMatchObject({
      kind: 'targets.systemic',
      severity: 'critical',
      outcome: 'no-action',
      mode: 'enforce',
      title: 'gateway-tg-https: health checks probe 443, the gateway is reachable on 80 — nothing touched',
      actions: [],
    });
    expect(finding?.why).toContain('Fix: set the target group port to 80');
    expect(finding?.why).toContain('do not open 443 instead');
    expect(finding?.why).toContain('sg-0c0ffee0000000002 allows only 80, 9995 from gateway-nlb, not 443');
    expect(finding?.why).toContain('pass health checks on 9995 in gateway-tg-custom');
    expect(finding?.why).toContain('listener 443 TLS forwards to port 443');
    expect(finding?.details?.systemic).toMatchObject([{ kind: 'port-mismatch' }]);
  });

  it('uses the netwarden:app-port tag when the security groups cannot tell', async () => {
    setTargetGroupPort(sim.current, TARGET_GROUPS.https, 443);
    const group = sim.current.elbv2.targetGroups.get(TARGET_GROUPS.https);
    group?.tags.push({ Key: 'netwarden:app-port', Value: '80' });

    const { findings } = await sweep();

    expect(findingFor(findings, 'gateway-tg-https')?.why).toContain(
      'the target group is tagged netwarden:app-port=80',
    );
  });
});

describe('one stopped instance of three', () => {
  it('is started once, with the attempt recorded on the instance first', async () => {
    stopInstance(sim.current, second);

    const { result, calls, findings } = await sweep();

    expect(calls.writes).toEqual(['CreateTags', 'StartInstances']);
    expect(inputsOf(calls, 'StartInstances')).toEqual([{ InstanceIds: [second] }]);
    expect(inputsOf(calls, 'CreateTags')).toEqual([
      {
        Resources: [second],
        Tags: [
          { Key: 'netwarden:heal-attempts', Value: '1' },
          { Key: 'netwarden:heal-last-at', Value: '2026-11-23T00:00:00.000Z' },
          { Key: 'netwarden:heal-last-action', Value: 'start' },
          { Key: 'netwarden:heal-target-group', Value: 'gateway-tg-https' },
        ],
      },
    ]);
    // The second group behind the same instance sees it pending and does not start it again.
    expect(result.groups).toEqual([
      { targetGroup: 'gateway-tg-https', status: 'healing', decisions: [`start:${second}`] },
      { targetGroup: 'gateway-tg-custom', status: 'settling', decisions: [] },
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'targets.healing',
      outcome: 'acted',
      title: `gateway-tg-https: 1 of 3 targets unhealthy — started ${second}`,
      actions: [
        `ec2:CreateTags ${second} netwarden:heal-attempts=1 netwarden:heal-last-at=2026-11-23T00:00:00.000Z`,
        `ec2:StartInstances ${second}`,
      ],
    });
    expect(sim.current.instances.instances.get(second)?.state).toBe('pending');
  });

  it('gets a recovered finding on the next sweep once healthy, and its attempt tags are cleared', async () => {
    stopInstance(sim.current, second);
    await sweep();
    sim.current.account.clock.advance(5 * MINUTE);

    const { calls, findings } = await sweep();

    expect(calls.writes).toEqual(['DeleteTags']);
    expect(inputsOf(calls, 'DeleteTags')).toEqual([
      {
        Resources: [second],
        Tags: [
          { Key: 'netwarden:heal-attempts' },
          { Key: 'netwarden:heal-last-at' },
          { Key: 'netwarden:heal-last-action' },
          { Key: 'netwarden:heal-target-group' },
        ],
      },
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'targets.recovered',
      severity: 'info',
      title: `gateway-tg-https recovered: 3 of 3 targets healthy (${second})`,
    });
    expect(instanceTags(sim.current, second)).not.toHaveProperty('netwarden:heal-attempts');

    const again = await sweep();
    expect(again.calls.writes).toEqual([]);
    expect(again.findings).toEqual([]);
  });
});

describe('one impaired instance', () => {
  it('is rebooted once, not again within the cooldown, and again after it', async () => {
    impairInstance(sim.current, third, { survivesReboot: true });

    const firstRun = await sweep();
    expect(firstRun.calls.writes).toEqual(['CreateTags', 'RebootInstances']);
    expect(inputsOf(firstRun.calls, 'RebootInstances')).toEqual([{ InstanceIds: [third] }]);
    // Behind the second group the rebooted instance is back in its first health checks: left alone.
    expect(firstRun.result.groups.map((group) => [group.status, group.decisions])).toEqual([
      ['healing', [`reboot:${third}`]],
      ['settling', []],
    ]);

    sim.current.account.clock.advance(10 * MINUTE);
    const withinCooldown = await sweep();
    expect(withinCooldown.calls.writes).toEqual([]);
    expect(withinCooldown.result.groups.map((group) => group.decisions)).toEqual([
      [`hold:cooldown:${third}`],
      [`hold:cooldown:${third}`],
    ]);
    expect(findingFor(withinCooldown.findings, 'gateway-tg-https')).toMatchObject({
      kind: 'targets.waiting',
      outcome: 'no-action',
    });
    expect(findingFor(withinCooldown.findings, 'gateway-tg-https')?.why).toContain(
      'cooling down until 2026-11-23T00:30:00.000Z',
    );

    sim.current.account.clock.advance(21 * MINUTE);
    const afterCooldown = await sweep();
    expect(afterCooldown.calls.writes).toEqual(['CreateTags', 'RebootInstances']);
    expect(instanceTags(sim.current, third)['netwarden:heal-attempts']).toBe('2');
  });
});

describe('every target unhealthy', () => {
  it('is systemic: no action, a finding that explains it', async () => {
    for (const id of GATEWAY_INSTANCES) hangApplication(sim.current, id);

    const { calls, findings } = await sweep();

    expect(calls.writes).toEqual([]);
    expect(findings.map((finding) => finding.kind)).toEqual(['targets.systemic', 'targets.systemic']);
    const finding = findingFor(findings, 'gateway-tg-https');
    expect(finding).toMatchObject({ severity: 'critical', outcome: 'no-action' });
    expect(finding?.details?.systemic).toMatchObject([{ kind: 'most-unhealthy' }]);
    expect(finding?.why).toContain('3 of 3 targets are unhealthy, more than maxUnhealthyFraction 0.5');
    expect(finding?.why).toContain('the NLB fails open');
  });

  it('is said once per hour by the sweep while nothing changes, but an alarm always gets an answer', async () => {
    for (const id of GATEWAY_INSTANCES) hangApplication(sim.current, id);
    const kinds = (findings: Finding[]) => findings.map((finding) => finding.resource?.name);

    expect(kinds((await sweep()).findings)).toEqual(['gateway-tg-https', 'gateway-tg-custom']);
    sim.current.account.clock.advance(5 * MINUTE);
    const repeated = await sweep();
    expect(repeated.findings).toEqual([]);
    expect(repeated.result.groups.map((group) => group.status)).toEqual(['systemic', 'systemic']);

    sim.current.account.clock.advance(MINUTE);
    expect(kinds((await alarm()).findings)).toEqual(['gateway-tg-https']);

    sim.current.account.clock.advance(55 * MINUTE); // 61 minutes after the first sweep
    expect(kinds((await sweep()).findings)).toEqual(['gateway-tg-https', 'gateway-tg-custom']);
  });

  it('is not repeated by a sweep in a new container (the memory is in the state table)', async () => {
    for (const id of GATEWAY_INSTANCES) hangApplication(sim.current, id);
    expect((await sweep()).findings).toHaveLength(2);
    sim.current.account.clock.advance(5 * MINUTE);
    await loadHandler(); // a cold start: module state is new, the state table is the same

    const repeated = await sweep();

    expect(repeated.findings).toEqual([]);
    expect(repeated.result.groups.map((group) => group.status)).toEqual(['systemic', 'systemic']);
  });

  it('is news again as soon as the diagnosis changes, or after the group was healthy in between', async () => {
    for (const id of GATEWAY_INSTANCES) hangApplication(sim.current, id);
    await sweep();
    for (const id of GATEWAY_INSTANCES) resumeApplication(sim.current, id);
    sim.current.account.clock.advance(5 * MINUTE);
    expect((await sweep()).findings).toEqual([]); // healthy: nothing to say
    for (const id of GATEWAY_INSTANCES) hangApplication(sim.current, id);
    sim.current.account.clock.advance(5 * MINUTE);
    expect((await sweep()).findings.map((finding) => finding.kind)).toEqual([
      'targets.systemic',
      'targets.systemic',
    ]);
    setTargetGroupPort(sim.current, TARGET_GROUPS.https, 443);
    sim.current.account.clock.advance(5 * MINUTE);
    expect((await sweep()).findings.map((finding) => finding.title)).toEqual([
      'gateway-tg-https: health checks probe 443, the gateway is reachable on 80 — nothing touched',
    ]);
  });
});

describe('an instance at maxAttempts', () => {
  it('is left alone and a human is asked for', async () => {
    stopInstance(sim.current, first);
    tagInstance(sim.current, first, {
      'netwarden:heal-attempts': '3',
      'netwarden:heal-last-at': '2026-11-22T20:00:00.000Z',
      'netwarden:heal-last-action': 'start',
      'netwarden:heal-target-group': 'gateway-tg-https',
    });

    const { calls, findings } = await sweep();

    expect(calls.writes).toEqual([]);
    const finding = findingFor(findings, 'gateway-tg-https');
    expect(finding).toMatchObject({
      kind: 'targets.human-needed',
      outcome: 'no-action',
      title: 'gateway-tg-https: 1 of 3 targets unhealthy — a human is needed',
    });
    expect(finding?.why).toContain('3 attempts already (maxAttempts 3)');
  });
});

describe('a target group that is not opted in', () => {
  it('is ignored on its alarm: not even its health is read', async () => {
    const { result, calls, findings } = await alarm((event) => {
      const metric = event.detail.configuration.metrics[0]?.metricStat.metric;
      if (metric) metric.dimensions.TargetGroup = 'targetgroup/legacy-tg-8080/0f1e2d3c4b5a6978';
    });

    expect(result.status).toBe('ignored');
    expect(calls.reads).toEqual(['DescribeTargetGroups', 'DescribeTags']);
    expect(calls.writes).toEqual([]);
    expect(findings).toEqual([]);
  });
});

describe('deregistration in progress', () => {
  it('is left alone: a draining target is neither healed nor counted', async () => {
    await new ElasticLoadBalancingV2Client({}).send(
      new DeregisterTargetsCommand({
        TargetGroupArn: TARGET_GROUPS.https,
        Targets: [{ Id: first, Port: 80 }],
      }),
    );

    const { result, calls, findings } = await alarm();

    expect(calls.writes).toEqual([]);
    expect(result.groups).toEqual([{ targetGroup: 'gateway-tg-https', status: 'settling', decisions: [] }]);
    expect(findings[0]).toMatchObject({ kind: 'targets.healthy', outcome: 'no-action' });
    expect(findings[0]?.details?.targets).toContainEqual({
      instanceId: first,
      port: 80,
      state: 'draining',
      reason: 'Target.DeregistrationInProgress',
      cause: 'deregistration in progress (draining): left alone',
    });
    expect(findings[0]?.details?.counts).toMatchObject({ total: 2, healthy: 2 });
  });
});

describe('report mode', () => {
  it('writes nothing and says what it would do', async () => {
    process.env.NETWARDEN_MODE = 'report';
    await loadHandler();
    stopInstance(sim.current, second);

    const { calls, findings } = await sweep();

    expect(calls.writes).toEqual([]);
    expect(findings[0]).toMatchObject({
      kind: 'targets.healing',
      mode: 'report',
      outcome: 'would-act',
      title: `gateway-tg-https: 1 of 3 targets unhealthy — would start ${second}`,
      actions: [
        `ec2:CreateTags ${second} netwarden:heal-attempts=1 netwarden:heal-last-at=2026-11-23T00:00:00.000Z`,
        `ec2:StartInstances ${second}`,
      ],
    });
    expect(findings[0]?.why).toContain('would start (attempt 1)');
  });
});

describe('a stale registration on the wrong port', () => {
  it('is re-registered on the group port, then the stale registration removed', async () => {
    registerOnPort(sim.current, TARGET_GROUPS.https, second, 8080, Date.parse('2026-11-22T00:00:00Z'));

    const { calls, findings } = await sweep();

    expect(calls.writes).toEqual(['CreateTags', 'RegisterTargets', 'DeregisterTargets']);
    expect(inputsOf(calls, 'RegisterTargets')).toEqual([
      { TargetGroupArn: TARGET_GROUPS.https, Targets: [{ Id: second, Port: 80 }] },
    ]);
    expect(inputsOf(calls, 'DeregisterTargets')).toEqual([
      { TargetGroupArn: TARGET_GROUPS.https, Targets: [{ Id: second, Port: 8080 }] },
    ]);
    expect(findings[0]).toMatchObject({ kind: 'targets.healing', outcome: 'acted' });
  });
});

describe('the alarm trigger', () => {
  it('resolves the target group from the TargetGroup dimension and heals only that group', async () => {
    stopInstance(sim.current, first);

    const { result, calls, findings } = await alarm();

    expect(inputsOf(calls, 'DescribeTargetGroups')[0]).toEqual({ TargetGroupArns: [TARGET_GROUPS.https] });
    expect(calls.writes).toEqual(['CreateTags', 'StartInstances']);
    expect(result.groups.map((group) => group.targetGroup)).toEqual(['gateway-tg-https']);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      eventId: '6f1e9a52-3c4d-4b8e-9f0a-2b7c8d9e0f11',
      resource: { name: 'gateway-tg-https' },
    });
    expect(findings[0]?.details?.trigger).toBe('alarm gateway-nlb-unhealthy-targets');
  });

  it('the same alarm delivered twice acts once (the attempt tag puts the instance in cooldown)', async () => {
    stopInstance(sim.current, first);
    await alarm();
    stopInstance(sim.current, first); // still down: the second delivery must not start it again

    const { calls } = await alarm();

    expect(calls.writes).toEqual([]);
  });

  it('reports a malformed alarm as unprocessable, without touching AWS', async () => {
    const { result, calls, findings } = await alarm((event) => {
      const metric = event.detail.configuration.metrics[0]?.metricStat.metric;
      if (metric) delete metric.dimensions.TargetGroup;
    });

    expect(result.status).toBe('unprocessable');
    expect(calls.all.filter((call) => call.service !== 'SNS')).toEqual([]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'unprocessable',
        why: 'detail.configuration.metrics[].metricStat.metric.dimensions.TargetGroup: expected "targetgroup/<name>/<16 hex>", found nothing (alarm gateway-nlb-unhealthy-targets)',
      }),
    ]);
  });

  it('acts on no event when its own account is unknown, and says why in the words revert-sg-drift uses', async () => {
    const event = loadEvent<AlarmEvent & { id: string }>('cloudwatch/unhealthy-host-count-alarm.json');

    // No NETWARDEN_ACCOUNT_ID and no function ARN (as under `osls invoke local`).
    const { result, calls, findings } = await invoke(event, {
      ...lambdaContext('netwarden-test-heal-targets'),
      invokedFunctionArn: '',
    });

    expect(result.status).toBe('unprocessable');
    expect(calls.all.map((call) => `${call.service}.${call.command}`)).toEqual(['SNS.Publish']);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'unprocessable',
        eventId: event.id,
        why: expect.stringContaining('netwarden does not know the account it runs in'),
      }),
    ]);
    expect(findings[0]?.why).toBe(UNKNOWN_HOME);
  });

  it('reports an event that is neither an alarm nor a schedule as unprocessable', async () => {
    const { result, findings } = await invoke({ 'detail-type': 'Something Else', detail: {} });

    expect(result.status).toBe('unprocessable');
    expect(findings[0]?.why).toMatch(
      /^neither a CloudWatch Alarm State Change nor a Scheduled Event: event\.id: /,
    );
  });

  it('ignores the alarm going back to OK', async () => {
    const { result, calls } = await alarm((event) => {
      event.detail.state.value = 'OK';
    });
    expect(result.status).toBe('ignored');
    expect(calls.all).toEqual([]);
  });
});

describe('an alarm for a target group that no longer exists', () => {
  it('is one targets.group-missing finding: no write, no throw, no retry', async () => {
    const gone = 'targetgroup/gateway-tg-old/0123456789abcdef';

    const { result, calls, findings } = await alarm((event) => {
      const metric = event.detail.configuration.metrics[0]?.metricStat.metric;
      if (metric) metric.dimensions.TargetGroup = gone;
    });

    expect(result).toEqual({ status: 'target-group-missing', groups: [] });
    // The simulated account answers the wire code TargetGroupNotFound, as ELBv2 does.
    expect(calls.all.filter((call) => call.service !== 'SNS').map((call) => call.command)).toEqual([
      'DescribeTargetGroups',
    ]);
    expect(calls.writes).toEqual([]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'targets.group-missing',
        severity: 'warning',
        outcome: 'no-action',
        mode: 'enforce',
        title:
          'alarm gateway-nlb-unhealthy-targets names target group gateway-tg-old, which does not exist — nothing touched',
        resource: {
          type: 'target-group',
          id: `arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:${gone}`,
          name: 'gateway-tg-old',
        },
        actions: [],
      }),
    ]);
  });
});

describe('an event from another account or region', () => {
  it('an alarm of another account: one targets.foreign-event finding, not one AWS read or write', async () => {
    stopInstance(sim.current, first);

    const { result, calls, findings } = await alarm((event) => {
      event.account = '444455556666';
    });

    expect(result.status).toBe('foreign');
    expect(calls.all.filter((call) => call.service !== 'SNS')).toEqual([]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'targets.foreign-event',
        severity: 'warning',
        outcome: 'no-action',
        account: '444455556666',
        title:
          "alarm gateway-nlb-unhealthy-targets from outside netwarden's accounts and region ignored (444455556666, ap-northeast-2)",
        actions: [],
      }),
    ]);
    expect(findings[0]?.why).toContain('account "444455556666" is not 111122223333');
  });

  it('an alarm whose ARN names another region is foreign too, even when the envelope looks at home', async () => {
    const { result, calls, findings } = await alarm((event) => {
      event.resources = ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:gateway-nlb-unhealthy-targets'];
    });

    expect(result.status).toBe('foreign');
    expect(calls.all.filter((call) => call.service !== 'SNS')).toEqual([]);
    expect(findings[0]?.why).toContain('resources[0] (the alarm ARN) "us-east-1" is not ap-northeast-2');
  });

  it('a sweep of another region: reported, nothing read', async () => {
    const event = loadEvent<{ region: string }>('schedule/heal-targets-sweep.json');
    event.region = 'us-west-2';

    const { result, calls, findings } = await invoke(event);

    expect(result.status).toBe('foreign');
    expect(calls.all.filter((call) => call.service !== 'SNS')).toEqual([]);
    expect(findings.map((finding) => finding.kind)).toEqual(['targets.foreign-event']);
  });
});

describe('every target state but healthy counts', () => {
  it('every gateway instance stopped (unused/Target.InvalidState): one is started, within the cap', async () => {
    for (const id of GATEWAY_INSTANCES) stopInstance(sim.current, id);

    const { result, calls, findings } = await sweep();

    // Starting takes traffic from no one, so "nothing healthy" does not hold it; the cap (half) does.
    expect(result.groups).toEqual([
      {
        targetGroup: 'gateway-tg-https',
        status: 'healing',
        decisions: [`start:${first}`, `hold:capped:${second}`, `hold:capped:${third}`],
      },
      {
        targetGroup: 'gateway-tg-custom',
        status: 'waiting',
        decisions: [`hold:capped:${second}`, `hold:capped:${third}`],
      },
    ]);
    expect(calls.writes).toEqual(['CreateTags', 'StartInstances']);
    expect(inputsOf(calls, 'StartInstances')).toEqual([{ InstanceIds: [first] }]);
    expect(findingFor(findings, 'gateway-tg-https')).toMatchObject({
      kind: 'targets.healing',
      outcome: 'acted',
      title: `gateway-tg-https: 3 of 3 targets unhealthy — started ${first}`,
    });
  });

  it('health checks disabled (unavailable/Target.HealthCheckDisabled): reported, never acted on', async () => {
    disableHealthChecks(sim.current, TARGET_GROUPS.custom);

    const { result, calls, findings } = await sweep();

    expect(result.groups).toContainEqual({
      targetGroup: 'gateway-tg-custom',
      status: 'human-needed',
      decisions: GATEWAY_INSTANCES.map((id) => `hold:needs-human:${id}`),
    });
    expect(calls.writes).toEqual([]);
    const finding = findingFor(findings, 'gateway-tg-custom');
    expect(finding).toMatchObject({ kind: 'targets.human-needed', outcome: 'no-action', actions: [] });
    expect(finding?.why).toContain(
      `${first}:9995 health checks are disabled on the target group (Target.HealthCheckDisabled): nobody can tell whether it serves; enable them.`,
    );
  });

  it('initial for longer than the bound (a registration that never completes): a human is asked', async () => {
    stallRegistration(sim.current, TARGET_GROUPS.https, second);

    const { result, calls, findings } = await sweep();

    expect(result.groups).toContainEqual({
      targetGroup: 'gateway-tg-https',
      status: 'human-needed',
      decisions: [`hold:needs-human:${second}`],
    });
    expect(calls.writes).toEqual([]);
    expect(findingFor(findings, 'gateway-tg-https')?.why).toContain(
      `${second}:80 still in its first health checks (Elb.RegistrationInProgress) 86400s after the instance came up or was last healed, longer than the 300s they take`,
    );
  });

  it('initial within the bound is left to settle: no finding from the sweep', async () => {
    stallRegistration(sim.current, TARGET_GROUPS.https, second);
    const instance = sim.current.instances.instances.get(second);
    if (instance) instance.launchedAt = sim.current.account.clock.now().getTime() - 2 * MINUTE;

    const { result, calls, findings } = await sweep();

    expect(result.groups).toContainEqual({
      targetGroup: 'gateway-tg-https',
      status: 'settling',
      decisions: [],
    });
    expect(calls.writes).toEqual([]);
    expect(findings).toEqual([]);
  });
});
