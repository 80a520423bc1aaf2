/**
 * The weekly audit and grants: a grant netwarden recorded in its state table is temporary access, not
 * drift; a rule that only carries grant tags is drift like any other (a tag is anyone's to write).
 */
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { expect, it } from 'vitest';
import { handleGrantCall } from '../../../functions/grant-access/http';
import { weeklyCheck } from '../../../functions/weekly-check/weekly';
import type { Digest } from '../../../shared/audits/digest';
import { consoleUser, GROUPS } from '../../../simulated-account/index';
import { weeklyDeps } from '../../helpers/audits';
import { grantDeps, urlEvent } from '../../helpers/grants';
import { useSimulation } from '../../helpers/simulation';
import { useStateTable } from '../../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const itemsOf = (digest: Digest, title: string) =>
  digest.sections.find((section) => section.title === title)?.items ?? [];

it('lists a grant-tagged rule without a record as drift, and leaves the recorded grant out', async () => {
  await handleGrantCall(
    urlEvent({
      body: { group: GROUPS.postgres, port: 5432, cidr: '203.0.113.7/32', ttl: '2h', reason: 'INC-1' },
    }),
    grantDeps(sim.current, table.current.store),
  );
  await sim.current.account.as(consoleUser('mallory@example.com'), () =>
    new EC2Client({}).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: GROUPS.postgres,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '198.51.100.9/32' }] },
        ],
        TagSpecifications: [
          {
            ResourceType: 'security-group-rule',
            Tags: [{ Key: 'netwarden:grant-expires-at', Value: '2026-11-23T01:00:00Z' }],
          },
        ],
      }),
    ),
  );

  const { digest } = await weeklyCheck(
    sim.current.account.clock.now(),
    weeklyDeps(sim.current, { grants: table.current.store }),
  );

  const drift = itemsOf(digest, 'Drift: rules not in the baseline');
  expect(drift).toContainEqual(expect.stringContaining('tcp 5432 from 198.51.100.9/32'));
  expect(drift.some((item) => item.includes('203.0.113.7/32'))).toBe(false);
});
