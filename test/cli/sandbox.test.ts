/** netwarden sandbox: the seed's estate over HTTP on 127.0.0.1, for any tool that takes AWS_ENDPOINT_URL. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { expect, it, vi } from 'vitest';
import { run } from '../../cli/sandbox';
import { GROUPS } from '../../simulated-account/index';

it('serves the seed estate, prints the environment to use, and writes the CloudTrail event of a person’s change', async () => {
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(`ERR ${line}`) };
  const events = mkdtempSync(join(tmpdir(), 'netwarden-sandbox-'));
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const exit = run(['--events', events], io, stopped);

  await vi.waitFor(
    () => expect(lines.some((line) => line.includes('export AWS_ENDPOINT_URL=http://127.0.0.1:'))).toBe(true),
    {
      timeout: 30_000,
    },
  );
  const url = /AWS_ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)/.exec(lines.join('\n'))?.[1] ?? '';
  expect(lines.join('\n')).toContain('AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:');

  const alice = new EC2Client({ endpoint: url, credentials: { accessKeyId: 'alice', secretAccessKey: 'x' } });
  const groups = await alice.send(new DescribeSecurityGroupsCommand({ GroupIds: [GROUPS.postgres] }));
  expect(groups.SecurityGroups?.[0]?.GroupId).toBe(GROUPS.postgres);
  await alice.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: GROUPS.postgres,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    }),
  );

  await vi.waitFor(() => expect(readdirSync(events)).toHaveLength(1), { timeout: 30_000 });
  const [file = ''] = readdirSync(events);
  const event = JSON.parse(readFileSync(join(events, file), 'utf8'));
  expect(event.detail.eventName).toBe('AuthorizeSecurityGroupIngress');
  expect(event.detail.userIdentity.arn).toContain('alice@example.com');
  await vi.waitFor(() => expect(lines).toContain('write EC2 AuthorizeSecurityGroupIngress'), {
    timeout: 30_000,
  });

  stop();
  expect(await exit).toBe(0);
  expect(lines.at(-1)).toBe('sandbox stopped');
});
