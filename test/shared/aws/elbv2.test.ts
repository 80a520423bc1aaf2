/**
 * The ELBv2 adapter at the SDK boundary: Marker pagination, 20 ARNs per DescribeTags, idempotent
 * deregistration, and which target groups a listener sends traffic to (heal-targets and the audits
 * both depend on that reading).
 */
import {
  DeregisterTargetsCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  InvalidTargetException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { elbv2LoadBalancing, forwardedTargetGroupArns } from '../../../shared/aws/elbv2';

const mock = mockClient(ElasticLoadBalancingV2Client);
const loadBalancing = elbv2LoadBalancing(new ElasticLoadBalancingV2Client({}));
const arn = (n: number) =>
  `arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/tg-${n}/${String(n).padStart(16, '0')}`;

beforeEach(() => mock.reset());
// The suite shares a worker's modules between files (vitest.config.ts): give the next file the real client.
afterAll(() => mock.restore());

describe('elbv2LoadBalancing', () => {
  it('follows NextMarker through every page of target groups, 400 at a time', async () => {
    mock
      .on(DescribeTargetGroupsCommand, { PageSize: 400 })
      .resolvesOnce({
        TargetGroups: [{ TargetGroupArn: arn(1), TargetGroupName: 'tg-1', Port: 80 }],
        NextMarker: 'm1',
      })
      .resolvesOnce({
        TargetGroups: [
          { TargetGroupArn: arn(2), TargetGroupName: 'tg-2', Port: 9995, HealthCheckPort: '8080' },
        ],
      });

    const groups = await loadBalancing.targetGroups();

    expect(groups.map((group) => [group.name, group.healthCheck.port])).toEqual([
      ['tg-1', 'traffic-port'],
      ['tg-2', 8080],
    ]);
    expect(mock).toHaveReceivedCommandTimes(DescribeTargetGroupsCommand, 2);
    expect(mock).toHaveReceivedNthCommandWith(DescribeTargetGroupsCommand, 2, {
      PageSize: 400,
      Marker: 'm1',
    });
  });

  it('asks DescribeTags for at most 20 ARNs per call', async () => {
    mock.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({
      TagDescriptions: input.ResourceArns.map((ResourceArn) => ({
        ResourceArn,
        Tags: [{ Key: 'netwarden:heal', Value: 'true' }],
      })),
    }));
    const arns = Array.from({ length: 45 }, (_, index) => arn(index));

    const tags = await loadBalancing.tags(arns);

    expect(Object.keys(tags)).toHaveLength(45);
    expect(
      mock.commandCalls(DescribeTagsCommand).map((call) => call.args[0].input.ResourceArns?.length),
    ).toEqual([20, 20, 5]);
  });

  it('treats deregistering a target that is no longer registered as done', async () => {
    mock
      .on(DeregisterTargetsCommand)
      // As the SDK's deserializer builds it: the class, with the wire code in Code.
      .rejects(
        Object.assign(new InvalidTargetException({ message: 'not registered', $metadata: {} }), {
          Code: 'InvalidTarget',
        }),
      );
    await expect(
      loadBalancing.deregisterTargets(arn(1), [{ id: 'i-0abcdef1234567890', port: 8080 }]),
    ).resolves.toEqual({ alreadyGone: true });
  });

  it('reads a target group that does not exist as undefined: the wire code TargetGroupNotFound, in Code', async () => {
    // The SDK's deserializer: class TargetGroupNotFoundException, name of the class, Code the wire code.
    mock
      .on(DescribeTargetGroupsCommand)
      .rejects(
        Object.assign(
          new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: {} }),
          { Code: 'TargetGroupNotFound' },
        ),
      );
    await expect(loadBalancing.targetGroup(arn(1))).resolves.toBeUndefined();
  });

  it('lets any other error through', async () => {
    mock
      .on(DescribeTargetGroupsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(loadBalancing.targetGroup(arn(1))).rejects.toThrow('Rate exceeded');
  });
});

const tg = (name: string) =>
  `arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/${name}/0123456789abcdef`;

describe('forwardedTargetGroupArns', () => {
  it('reads a simple forward and every group of a weighted forward, once each', () => {
    expect(
      forwardedTargetGroupArns({
        DefaultActions: [
          { Type: 'forward', TargetGroupArn: tg('blue') },
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: tg('blue'), Weight: 90 },
                { TargetGroupArn: tg('green'), Weight: 10 },
              ],
            },
          },
        ],
      }),
    ).toEqual([tg('blue'), tg('green')]);
  });

  it('ignores actions that do not forward, and a listener without actions', () => {
    expect(
      forwardedTargetGroupArns({
        DefaultActions: [
          { Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301', Protocol: 'HTTPS', Port: '443' } },
          { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } },
        ],
      }),
    ).toEqual([]);
    expect(forwardedTargetGroupArns({})).toEqual([]);
  });
});
