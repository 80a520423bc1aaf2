/**
 * The blast-radius budget's pure part (shared/safety/budget.ts): which limit a group has (a security
 * group's perGroup; a target group's heal cap, the same number diagnose caps one heal run at), and how
 * a refusal names it.
 */
import { describe, expect, it } from 'vitest';
import { describeLimit, groupLimit, healCap, isTargetGroup } from '../../../shared/safety/budget';

const limits = { windowMs: 600_000, perAccount: 20, perGroup: 5, perTargetGroup: 3 };
const TG =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/gateway-tg-https/0123456789abcdef';
const SG = 'sg-0db00000000005432';

describe('healCap', () => {
  it('is half the targets (at least one), never above perTargetGroup', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((targets) => healCap(targets, limits))).toEqual([
      1, 1, 1, 2, 2, 3, 3, 3, 3,
    ]);
  });
});

describe('groupLimit', () => {
  it('is perGroup for a security group, whatever its targets say, and the heal cap for a target group', () => {
    expect(isTargetGroup(TG)).toBe(true);
    expect(isTargetGroup(SG)).toBe(false);
    expect(groupLimit({ group: SG }, limits)).toBe(5);
    expect(groupLimit({ group: SG, targets: 2 }, limits)).toBe(5);
    expect(groupLimit({ group: TG, targets: 4 }, limits)).toBe(2);
    expect(groupLimit({ group: TG, targets: 40 }, limits)).toBe(3);
    // Its targets unknown (netwarden status): perTargetGroup.
    expect(groupLimit({ group: TG }, limits)).toBe(3);
  });
});

describe('describeLimit', () => {
  it('names the limit that was reached, and says when a target group is held to half its targets', () => {
    const account = '111122223333';
    expect(describeLimit('account', { account, group: SG }, limits)).toBe(
      '20 writes per 10m in account 111122223333',
    );
    expect(describeLimit('group', { account, group: SG }, limits)).toBe(`5 writes per 10m on ${SG}`);
    expect(describeLimit('group', { account, group: TG, targets: 3 }, limits)).toBe(
      `1 write per 10m on ${TG} (half of its 3 targets)`,
    );
    expect(describeLimit('group', { account, group: TG, targets: 12 }, limits)).toBe(
      `3 writes per 10m on ${TG}`,
    );
  });
});
