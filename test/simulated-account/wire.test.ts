/**
 * The simulated account speaks the AWS wire: the real SDK clients' serializers, deserializers, error
 * classes and retries run against it, in-process and over HTTP on 127.0.0.1.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { serveSimulation } from '../../simulated-account/endpoint';
import { createSimulatedAccount, elbArn, GROUPS, type Simulation } from '../../simulated-account/index';

const fast = { maxAttempts: 3, retryMode: 'standard' } as const;
let sim: Simulation | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  sim?.restore();
  await close?.();
  sim = undefined;
  close = undefined;
});

function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as Record<string, unknown>,
  );
}

describe.each(['in-process', 'http'] as const)('the simulated account over %s', (transport) => {
  async function clientConfig(): Promise<Record<string, unknown>> {
    sim = createSimulatedAccount();
    if (transport === 'in-process') return { ...fast };
    sim.restore(); // only the HTTP endpoint answers now
    const served = await serveSimulation(sim);
    close = served.close;
    return { ...fast, endpoint: served.url };
  }

  it('answers DescribeSecurityGroups in EC2 XML that the SDK reads back into the seed estate', async () => {
    const ec2 = new EC2Client(await clientConfig());
    const { SecurityGroups = [] } = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [GROUPS.postgres] }),
    );
    expect(SecurityGroups.map((group) => group.GroupId)).toEqual([GROUPS.postgres]);
    expect(SecurityGroups[0]?.VpcId).toBe('vpc-0a1b2c3d4e5f60001');
  });

  it('reads a nested EC2 query request exactly as the SDK serialized it', async () => {
    const ec2 = new EC2Client(await clientConfig());
    const input = {
      GroupId: GROUPS.postgres,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'a & b <c>' }],
        },
      ],
    };
    const { SecurityGroupRules = [] } = await ec2.send(new AuthorizeSecurityGroupIngressCommand(input));
    expect(SecurityGroupRules[0]?.SecurityGroupRuleId).toMatch(/^sgr-/);
    expect(sim?.account.calls.at(-1)).toEqual({
      service: 'EC2',
      command: 'AuthorizeSecurityGroupIngress',
      input,
      write: true,
    });
  });

  it('sends the documented wire codes, which the SDK turns into its own errors', async () => {
    const config = await clientConfig();
    const revoke = await errorOf(
      new EC2Client(config).send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: 'sg-0000000000000dead',
          SecurityGroupRuleIds: ['sgr-1'],
        }),
      ),
    );
    expect(revoke.name).toBe('InvalidGroup.NotFound');
    const health = await errorOf(
      new ElasticLoadBalancingV2Client(config).send(
        new DescribeTargetHealthCommand({ TargetGroupArn: elbArn('targetgroup/gone/0123456789abcdef') }),
      ),
    );
    expect([health.name, health.Code]).toEqual(['TargetGroupNotFoundException', 'TargetGroupNotFound']);
    const parameter = await errorOf(
      new SSMClient(config).send(new GetParameterCommand({ Name: '/nothing' })),
    );
    expect(parameter.name).toBe('ParameterNotFound');
  });

  it('throttles, fails with a 5xx or drops the connection on request, and the SDK retries each', async () => {
    const ec2 = new EC2Client({ ...(await clientConfig()), maxAttempts: 4 });
    const account = sim?.account;
    account?.failNext({ operation: 'DescribeSecurityGroups', fault: 'throttle' });
    account?.failNext({ operation: 'DescribeSecurityGroups', fault: 'server-error' });
    account?.failNext({ operation: 'DescribeSecurityGroups', fault: 'drop' });
    const mark = account?.calls.length ?? 0;
    const answer = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GROUPS.postgres] }));
    expect(answer.SecurityGroups?.length).toBe(1);
    expect(account?.calls.slice(mark).map((call) => call.error)).toEqual([
      'RequestLimitExceeded',
      'InternalError',
      'ECONNRESET',
      undefined,
    ]);
  });

  it('gives up after the client attempts with the 5xx AWS sent', async () => {
    const ec2 = new EC2Client({ ...(await clientConfig()), maxAttempts: 2 });
    sim?.account.failNext({ operation: 'DescribeSecurityGroups', fault: 'server-error', times: 2 });
    const error = await errorOf(ec2.send(new DescribeSecurityGroupsCommand({})));
    expect(error.name).toBe('InternalError');
    expect((error.$metadata as { httpStatusCode: number; attempts: number }).attempts).toBe(2);
  });
});

it('refuses a request a web page sends (it carries an Origin), so no browser tab can drive the sandbox', async () => {
  sim = createSimulatedAccount();
  sim.restore();
  const served = await serveSimulation(sim);
  close = served.close;
  const mark = sim.account.calls.length;
  const response = await fetch(`${served.url}/`, {
    method: 'POST',
    headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=DescribeSecurityGroups&Version=2016-11-15',
  });
  expect(response.status).toBe(403);
  expect(sim.account.calls.length).toBe(mark);
});
