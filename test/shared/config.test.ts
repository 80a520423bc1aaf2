import { describe, expect, it } from 'vitest';
import { BaseConfig, ConfigError, parseConfig, selfRolePatterns } from '../../shared/config';
import { correlationIdOf } from '../../shared/middleware';
import { loadEvent } from '../../simulated-account/load-event';

describe('parseConfig', () => {
  it('fails with the variable, what was expected and the value found', () => {
    const parse = () =>
      parseConfig(BaseConfig, { NETWARDEN_MODE: 'enforcing', FINDINGS_TOPIC_ARN: 'my-topic' });
    expect(parse).toThrowError(ConfigError);
    expect(parse).toThrowError(/NETWARDEN_MODE: .*found "enforcing"/);
    expect(parse).toThrowError('FINDINGS_TOPIC_ARN: expected an SNS topic ARN, found "my-topic"');
  });

  it('takes the own account as a 12-digit id, and names a malformed one', () => {
    expect(parseConfig(BaseConfig, { NETWARDEN_ACCOUNT_ID: '111122223333' }).NETWARDEN_ACCOUNT_ID).toBe(
      '111122223333',
    );
    expect(parseConfig(BaseConfig, {}).NETWARDEN_ACCOUNT_ID).toBeUndefined();
    expect(() => parseConfig(BaseConfig, { NETWARDEN_ACCOUNT_ID: '1111-2222-3333' })).toThrowError(
      'NETWARDEN_ACCOUNT_ID: expected a 12-digit AWS account id, found "1111-2222-3333"',
    );
  });

  it('requires what a function requires, naming what is missing', () => {
    expect(() => parseConfig(BaseConfig.required({ FINDINGS_TOPIC_ARN: true }), {})).toThrowError(
      /FINDINGS_TOPIC_ARN: .*found nothing/,
    );
  });

  it("defaults netwarden's own roles to the stage's and region's role names, and lets them be configured", () => {
    expect(selfRolePatterns(parseConfig(BaseConfig, { NETWARDEN_STAGE: 'prod' }))).toEqual([
      'arn:aws:iam::*:role/netwarden-prod-ap-northeast-2-*',
    ]);
    // IAM is global: the same stage in another region has other roles, and they are not this one's.
    expect(
      selfRolePatterns(parseConfig(BaseConfig, { NETWARDEN_STAGE: 'prod', AWS_REGION: 'us-east-1' })),
    ).toEqual(['arn:aws:iam::*:role/netwarden-prod-us-east-1-*']);
    expect(
      selfRolePatterns(
        parseConfig(BaseConfig, { NETWARDEN_ROLE_ARNS: 'arn:aws:iam::1:role/a, arn:aws:iam::1:role/b' }),
      ),
    ).toEqual(['arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b']);
  });

  it('pins an open account in those globs to NETWARDEN_ACCOUNT_ID: a role of that name elsewhere is not netwarden', () => {
    const pinned = (env: NodeJS.ProcessEnv) =>
      selfRolePatterns(parseConfig(BaseConfig, { NETWARDEN_ACCOUNT_ID: '111122223333', ...env }));
    expect(pinned({ NETWARDEN_STAGE: 'prod' })).toEqual([
      'arn:aws:iam::111122223333:role/netwarden-prod-ap-northeast-2-*',
    ]);
    expect(
      pinned({
        NETWARDEN_ROLE_ARNS: 'arn:aws:iam::*:role/netwarden-prod-x-revert, arn:aws:iam::444455556666:role/b',
      }),
    ).toEqual(['arn:aws:iam::111122223333:role/netwarden-prod-x-revert', 'arn:aws:iam::444455556666:role/b']);
    expect(pinned({ NETWARDEN_ROLE_ARNS: 'arn:aws-cn:iam::*:role/a' })).toEqual([
      'arn:aws-cn:iam::111122223333:role/a',
    ]);
  });
});

describe('correlationIdOf', () => {
  it('uses the CloudTrail eventID, else the alarm name, else the SQS message id, else the envelope id', () => {
    const cloudTrail = loadEvent<{ detail: { eventID: string } }>(
      'cloudtrail/authorize-ingress-terraform.json',
    );
    expect(correlationIdOf(cloudTrail)).toBe(cloudTrail.detail.eventID);
    expect(correlationIdOf({ id: 'e-1', detail: { alarmName: 'gateway-nlb-unhealthy-targets' } })).toBe(
      'gateway-nlb-unhealthy-targets',
    );
    expect(correlationIdOf({ Records: [{ messageId: 'm-1' }] })).toBe('m-1');
    expect(correlationIdOf({ id: 'e-2', detail: {} })).toBe('e-2');
    expect(correlationIdOf('not an event')).toBeUndefined();
  });
});
