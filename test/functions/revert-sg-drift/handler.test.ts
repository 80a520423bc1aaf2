/**
 * The handler at the SDK boundary (aws-sdk-client-mock): failure semantics. A transient AWS error
 * throws so EventBridge/Lambda retry and finally dead-letter the event; the retry then acts.
 */
import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSsmWire } from '../../../shared/aws/secure-string';
import type { Finding } from '../../../shared/findings/finding';
import { findingMessage } from '../../../shared/slack/format';
import { lambdaContext } from '../../../simulated-account/lambda-context';
import { loadEvent } from '../../../simulated-account/load-event';
import { useStateTable } from '../../helpers/state-table';

const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
// The kill switch's parameter does not exist: not paused. It is read with one signed call and no SDK
// client (shared/aws/secure-string.ts), so SSM answers through that reader's transport.
useSsmWire({
  env: { AWS_REGION: 'ap-northeast-2', AWS_ACCESS_KEY_ID: 'ASIATEST', AWS_SECRET_ACCESS_KEY: 'test' },
  post: async () => {
    return {
      ok: false,
      status: 400,
      headers: { get: (name) => (name.toLowerCase() === 'x-amzn-errortype' ? 'ParameterNotFound' : null) },
      text: async () => JSON.stringify({ message: 'Parameter /netwarden/test/paused not found.' }),
    };
  },
});
// The event ledger (exactly-once per event) lives in the state table: dynalite, not a mock.
useStateTable();
const event = loadEvent<{
  detail: {
    eventID: string;
    responseElements: { securityGroupRuleSet: { items: Array<{ securityGroupRuleId: string }> } };
  };
}>('cloudtrail/authorize-ingress-console-world-5432.json');
const ruleId =
  event.detail.responseElements.securityGroupRuleSet.items[0]?.securityGroupRuleId ?? 'missing-from-fixture';

const throttled = () =>
  new EC2ServiceException({
    name: 'RequestLimitExceeded',
    message: 'Request limit exceeded.',
    $fault: 'client',
    $metadata: { httpStatusCode: 503 },
  });

type Handler = typeof import('../../../functions/revert-sg-drift/handler')['handler'];
let handler: Handler;

beforeEach(async () => {
  ec2.reset();
  sns.reset();
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: 'sg-0db00000000005432',
        GroupName: 'rds-postgres-sg',
        Tags: [{ Key: 'netwarden:protect', Value: 'true' }],
      },
    ],
  });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  // The policy names a Terraform state object this account cannot read: netwarden carries on without it.
  s3.on(GetObjectCommand).rejects(
    new S3ServiceException({
      name: 'AccessDenied',
      message: 'Access Denied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    }),
  );
  vi.resetModules();
  ({ handler } = await import('../../../functions/revert-sg-drift/handler'));
});

afterEach(() => {
  ec2.reset();
  sns.reset();
});
// The suite shares a worker's modules between files (vitest.config.ts): give the next file real clients.
afterAll(() => {
  for (const mock of [ec2, sns, s3]) mock.restore();
  useSsmWire(undefined);
});

describe('revert-sg-drift handler', () => {
  it('revokes exactly the rule id from responseElements and publishes one finding to the findings topic', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });

    await handler(structuredClone(event), lambdaContext());

    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, {
      GroupId: 'sg-0db00000000005432',
      SecurityGroupRuleIds: [ruleId],
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:ap-northeast-2:111122223333:netwarden-test-findings',
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'sg.guardrail-breach' },
        severity: { DataType: 'String', StringValue: 'critical' },
      },
    });
  });

  it('throws on a transient failure (so the platform retries and dead-letters), publishes nothing, and acts on the retry', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).rejectsOnce(throttled()).resolves({ Return: true });

    await expect(handler(structuredClone(event), lambdaContext())).rejects.toThrowError(
      `revoke on sg-0db00000000005432 failed for event ${event.detail.eventID}: Request limit exceeded.`,
    );
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);

    await handler(structuredClone(event), lambdaContext());
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 2);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('does not call EC2 at all for a malformed event, and publishes it as unprocessable', async () => {
    await handler({ hello: 'world' }, lambdaContext());

    expect(ec2.calls()).toHaveLength(0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const message = JSON.parse(
      (sns.commandCalls(PublishCommand)[0]?.args[0].input.Message as string) ?? '{}',
    );
    expect(message).toMatchObject({ kind: 'unprocessable', outcome: 'no-action' });
  });

  it('says enforce mode on an unprocessable finding in an enforcing stage, in the finding and in Slack', async () => {
    vi.stubEnv('NETWARDEN_MODE', 'enforce');
    vi.resetModules();
    ({ handler } = await import('../../../functions/revert-sg-drift/handler'));

    await handler({ hello: 'world' }, lambdaContext());

    const finding = JSON.parse(
      (sns.commandCalls(PublishCommand)[0]?.args[0].input.Message as string) ?? '{}',
    ) as Finding;
    expect(finding).toMatchObject({ kind: 'unprocessable', mode: 'enforce' });
    const text = JSON.stringify(findingMessage(finding, { defaultRegion: 'ap-northeast-2' }));
    expect(text).toContain('enforce mode');
    expect(text).not.toContain('report mode');
    vi.unstubAllEnvs();
  });
});
