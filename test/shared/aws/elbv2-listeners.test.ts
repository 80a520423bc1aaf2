/** Which target groups a listener sends traffic to: both ELBv2 adapters depend on this reading. */
import { describe, expect, it } from 'vitest';
import { forwardedTargetGroupArns } from '../../../shared/aws/elbv2-listeners';

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
