/** The simulated ELBv2 and EC2 instances must behave like AWS where heal-targets depends on them. */
import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  paginateDescribeTargetGroups,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import {
  GATEWAY_INSTANCES,
  setTargetGroupPort,
  stopInstance,
  TARGET_GROUPS,
} from '../../simulated-account/index';
import { useSimulation } from '../helpers/simulation';

const elbv2 = new ElasticLoadBalancingV2Client({});
const ec2 = new EC2Client({});
const sim = useSimulation();
const [first, second] = GATEWAY_INSTANCES;
const health = async (arn: string) =>
  (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions?.map(
    (description) => [
      description.Target?.Id,
      description.Target?.Port,
      description.TargetHealth?.State,
      description.TargetHealth?.Reason,
    ],
  );

describe('simulated ELBv2', () => {
  it('serves the seed estate healthy, and fails the seed way when the target group is on 443', async () => {
    expect(await health(TARGET_GROUPS.https)).toEqual(
      GATEWAY_INSTANCES.map((id) => [id, 80, 'healthy', undefined]),
    );
    setTargetGroupPort(sim.current, TARGET_GROUPS.https, 443);
    expect(await health(TARGET_GROUPS.https)).toEqual(
      GATEWAY_INSTANCES.map((id) => [id, 443, 'unhealthy', 'Target.FailedHealthChecks']),
    );
    const description = (
      await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: TARGET_GROUPS.https }))
    ).TargetHealthDescriptions?.[0];
    expect(description?.HealthCheckPort).toBe('443');
  });

  it('reports a stopped instance as unused/Target.InvalidState and refuses to register it (InvalidTarget)', async () => {
    stopInstance(sim.current, second);
    expect((await health(TARGET_GROUPS.https))?.[1]).toEqual([second, 80, 'unused', 'Target.InvalidState']);
    await expect(
      elbv2.send(
        new RegisterTargetsCommand({ TargetGroupArn: TARGET_GROUPS.https, Targets: [{ Id: second }] }),
      ),
    ).rejects.toMatchObject({ Code: 'InvalidTarget', name: 'InvalidTargetException' });
  });

  it('pages target groups with Marker/PageSize and refuses unknown groups and too many tag ARNs', async () => {
    const pages: number[] = [];
    for await (const page of paginateDescribeTargetGroups({ client: elbv2 }, { PageSize: 3 }))
      pages.push(page.TargetGroups?.length ?? 0);
    // The seed's gateway groups, the legacy one and the old NLB's: four, in pages of three.
    expect(pages).toEqual([3, 1]);
    await expect(
      elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [`${TARGET_GROUPS.https}0`] })),
    ).rejects.toMatchObject({ Code: 'TargetGroupNotFound', name: 'TargetGroupNotFoundException' });
    await expect(
      elbv2.send(
        new DescribeTagsCommand({ ResourceArns: Array.from({ length: 21 }, () => TARGET_GROUPS.https) }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    const attributes = await elbv2.send(
      new DescribeTargetGroupAttributesCommand({ TargetGroupArn: TARGET_GROUPS.https }),
    );
    expect(attributes.Attributes).toContainEqual({
      Key: 'deregistration_delay.timeout_seconds',
      Value: '300',
    });
  });

  it('keeps a new registration initial until interval × healthy threshold has passed', async () => {
    sim.current.elbv2.targetGroups.get(TARGET_GROUPS.custom)?.registrations.splice(0);
    await elbv2.send(
      new RegisterTargetsCommand({ TargetGroupArn: TARGET_GROUPS.custom, Targets: [{ Id: first }] }),
    );
    expect(await health(TARGET_GROUPS.custom)).toEqual([
      [first, 9995, 'initial', 'Elb.InitialHealthChecking'],
    ]);
    sim.current.account.clock.advance(90_000);
    expect(await health(TARGET_GROUPS.custom)).toEqual([[first, 9995, 'healthy', undefined]]);
  });
});

describe('simulated EC2 instances', () => {
  it('starts a stopped instance through pending, and refuses to reboot a stopped one', async () => {
    stopInstance(sim.current, second);
    await expect(ec2.send(new RebootInstancesCommand({ InstanceIds: [second] }))).rejects.toMatchObject({
      name: 'IncorrectInstanceState',
    });
    const started = await ec2.send(new StartInstancesCommand({ InstanceIds: [second] }));
    expect(started.StartingInstances?.[0]).toMatchObject({
      PreviousState: { Name: 'stopped' },
      CurrentState: { Name: 'pending' },
    });
    sim.current.account.clock.advance(30_000);
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [second] }));
    expect(described.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running');
  });

  it('returns stopped instances from DescribeInstanceStatus only with IncludeAllInstances', async () => {
    stopInstance(sim.current, second);
    const running = await ec2.send(
      new DescribeInstanceStatusCommand({ InstanceIds: [...GATEWAY_INSTANCES] }),
    );
    expect(running.InstanceStatuses?.map((status) => status.InstanceId)).not.toContain(second);
    const all = await ec2.send(
      new DescribeInstanceStatusCommand({ InstanceIds: [...GATEWAY_INSTANCES], IncludeAllInstances: true }),
    );
    expect(all.InstanceStatuses?.find((status) => status.InstanceId === second)?.InstanceStatus?.Status).toBe(
      'not-applicable',
    );
    await expect(
      ec2.send(new DescribeInstancesCommand({ InstanceIds: [first], MaxResults: 5 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
  });
});
