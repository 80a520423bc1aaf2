/**
 * The tag that makes a group protected is removed or changed: reported at once as critical, with no
 * AWS call and no write (CloudTrail does not say what the tag was, so netwarden does not re-tag).
 */
import { CreateTagsCommand, DeleteTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { useRevertHandler } from '../../helpers/revert';
import { useSimulation } from '../../helpers/simulation';
import { consoleUser, GROUPS, type Identity, netwardenRole, terraform } from '../../simulated-account/index';

const ec2 = new EC2Client({});
const sim = useSimulation();
const { actAs, invoke } = useRevertHandler(sim);
const tagCall = (identity: Identity, command: CreateTagsCommand | DeleteTagsCommand) =>
  actAs(identity, () => ec2.send(command as CreateTagsCommand));

const unprotect = new DeleteTagsCommand({
  Resources: [GROUPS.postgres],
  Tags: [{ Key: 'netwarden:protect' }],
});

describe('protection tags', () => {
  it('reports a console user deleting netwarden:protect as critical, without a single AWS call', async () => {
    const event = await tagCall(consoleUser('mallory@example.com', '198.51.100.66'), unprotect);

    const { result, calls, findings } = await invoke(event);

    expect(result.decisions).toEqual(['report:protection-removed']);
    // Only the finding's publish: no EC2 read, no write.
    expect(calls.all.map((call) => `${call.service}.${call.command}`)).toEqual(['SNS.Publish']);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'sg.protection-removed',
      severity: 'critical',
      mode: 'enforce',
      outcome: 'no-action',
      actions: [],
      resource: { type: 'security-group', id: GROUPS.postgres },
      actor: { viaConsole: true, sourceIp: '198.51.100.66' },
      title: `Protection tag removed from ${GROUPS.postgres}: "gateway-front-door" no longer applies`,
      why: expect.stringContaining(
        `${GROUPS.postgres}: tag netwarden:protect deleted, so policy section "gateway-front-door" no longer selects it`,
      ),
    });
  });

  it('reports the tag set to another value, and not the same value set again', async () => {
    const off = await tagCall(
      consoleUser('mallory@example.com'),
      new CreateTagsCommand({
        Resources: [GROUPS.redis],
        Tags: [{ Key: 'netwarden:protect', Value: 'false' }],
      }),
    );
    const same = await tagCall(
      consoleUser('mallory@example.com'),
      new CreateTagsCommand({
        Resources: [GROUPS.redis],
        Tags: [{ Key: 'netwarden:protect', Value: 'true' }],
      }),
    );

    expect((await invoke(off)).result.decisions).toEqual(['report:protection-removed']);
    expect((await invoke(same)).result.decisions).toEqual(['ignore:not-a-protection-tag']);
  });

  it('ignores other tags, Terraform (a reviewed change) and netwarden itself', async () => {
    const other = await tagCall(
      consoleUser('mallory@example.com'),
      new CreateTagsCommand({ Resources: [GROUPS.postgres], Tags: [{ Key: 'Owner', Value: 'db-team' }] }),
    );
    const byTerraform = await tagCall(terraform(), unprotect);
    const bySelf = await tagCall(
      netwardenRole('revert-sg-drift', 'test'),
      new CreateTagsCommand({ Resources: [GROUPS.mysql], Tags: [{ Key: 'netwarden:protect', Value: 'no' }] }),
    );

    expect((await invoke(other)).result.decisions).toEqual(['ignore:not-a-protection-tag']);
    expect((await invoke(byTerraform)).result.decisions).toEqual(['ignore:trusted']);
    const self = await invoke(bySelf);
    expect(self.result.decisions).toEqual(['ignore:self']);
    expect(self.findings).toEqual([]);
  });

  it('reports a malformed tag event as unprocessable', async () => {
    const event = await tagCall(consoleUser('mallory@example.com'), unprotect);
    (event.detail as { requestParameters: unknown }).requestParameters = { resourcesSet: 'sg-1' };

    const { result, findings } = await invoke(event);

    expect(result.status).toBe('unprocessable');
    expect(findings[0]).toMatchObject({
      kind: 'unprocessable',
      why: expect.stringContaining('requestParameters'),
    });
  });
});
