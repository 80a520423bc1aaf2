/** Undo planning, pure: newest first, the guardrails of any write, and a reason for whatever it leaves. */
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../shared/policy/load';
import type { JournalEntry, JournalRecord } from '../../../shared/safety/journal';
import { groupsToRead, planUndo, undoneFinding } from '../../../shared/safety/undo';
import { rebootEntry, restoreEntry, revokeEntry } from '../../helpers/journal';

const policy = loadPolicy('netwarden.policy.yml');
const DB = 'sg-0db00000000005432';
const groups = new Map([[DB, { groupId: DB, tags: { 'netwarden:protect': 'true' } }]]);
const context = { policy, groups, region: 'ap-northeast-2' };
const ours = (entry: JournalEntry): JournalRecord => ({ entry, recordedBy: 'netwarden' });

const drift = revokeEntry({
  at: '2026-12-02T01:00:01.000Z',
  eventId: 'ev-1',
  groupId: DB,
  ruleId: 'sgr-00000000000000001',
  rule: { port: 5432, cidr: '10.20.0.0/16', description: 'analytics' },
});
const breach = revokeEntry({
  at: '2026-12-02T01:00:02.000Z',
  eventId: 'ev-2',
  groupId: DB,
  ruleId: 'sgr-00000000000000002',
  rule: { port: 5432, cidr: '0.0.0.0/0' },
});
const restored = restoreEntry({
  at: '2026-12-02T01:00:03.000Z',
  eventId: 'ev-3',
  groupId: DB,
  ruleId: 'sgr-00000000000000003',
  rule: { port: 5432, sourceGroup: 'sg-0gateway000000001' },
});

describe('planUndo', () => {
  it('reverses newest first: a restore by revoking its rule id, a revoke by re-creating the rule exactly', () => {
    const plan = planUndo([ours(drift), ours(restored)], context);

    expect(plan.map((step) => [step.entry.id, step.verdict])).toEqual([
      [restored.id, 'reverse'],
      [drift.id, 'reverse'],
    ]);
    expect(plan[0]).toMatchObject({
      reversal: { type: 'revoke', groupId: DB, direction: 'ingress', ruleIds: ['sgr-00000000000000003'] },
    });
    expect(plan[1]).toMatchObject({
      reversal: {
        type: 'authorize',
        groupId: DB,
        direction: 'ingress',
        rules: [
          {
            groupId: DB,
            direction: 'ingress',
            protocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            peer: { type: 'ipv4', cidr: '10.20.0.0/16' },
            description: 'analytics',
          },
        ],
      },
    });
  });

  it('refuses to re-open a guardrail breach: a revoked world-open 5432 stays revoked', () => {
    const [step] = planUndo([ours(breach)], context);

    expect(step).toEqual({
      verdict: 'skip',
      entry: breach,
      because: 'refused',
      why: 're-creating tcp 5432 from 0.0.0.0/0 would breach the guardrail forbid[0] of "account-wide-guardrails": undo never re-opens a guardrail breach',
    });
  });

  it('judges by the group’s tags as read now: the tagged section’s wider guardrail applies', () => {
    const wide = revokeEntry({
      at: '2026-12-02T01:00:04.000Z',
      eventId: 'ev-4',
      groupId: DB,
      ruleId: 'sgr-00000000000000004',
      rule: { port: 5432, cidr: '10.0.0.0/7' },
    });
    expect(planUndo([ours(wide)], context)[0]).toMatchObject({ verdict: 'skip', because: 'refused' });
    const untagged = new Map([[DB, { groupId: DB, tags: {} }]]);
    const fine = revokeEntry({
      ...{ at: '2026-12-02T01:00:05.000Z', eventId: 'ev-5', groupId: DB },
      ruleId: 'sgr-5',
      rule: { port: 5432, cidr: '10.0.0.0/12' },
    });
    expect(planUndo([ours(fine)], { ...context, groups: untagged })[0]).toMatchObject({ verdict: 'reverse' });
  });

  it('leaves, with the reason: a reversal already made, an irreversible reboot, an expiry, a gone group, an unsupported call', () => {
    const reboot = rebootEntry({
      at: '2026-12-02T01:00:06.000Z',
      eventId: 'ev-6',
      instanceId: 'i-0gateway00000001',
      targetGroupArn: 'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/gateway/1',
    });
    const expiry: JournalEntry = { ...drift, id: 'expiry-1', action: 'expire', function: 'expire-grants' };
    const gone = revokeEntry({
      at: '2026-12-02T01:00:07.000Z',
      eventId: 'ev-7',
      groupId: 'sg-0gone000000000001',
      ruleId: 'sgr-7',
      rule: { port: 5432, cidr: '10.20.0.0/16' },
    });
    const elsewhere: JournalEntry = { ...gone, id: 'elsewhere-1' };
    const tagged: JournalEntry = {
      ...drift,
      id: 'tag-1',
      action: 'tag',
      inverse: { service: 'ec2', operation: 'DeleteTags', input: { Resources: ['i-1'] } },
    };
    const reversal: JournalRecord = {
      entry: {
        ...drift,
        id: 'undo-entry',
        at: '2026-12-02T02:00:00.000Z',
        eventId: 'undo-7',
        cause: 'netwarden undo by alice',
      },
      recordedBy: 'operator',
      reverses: drift.id,
    };

    const plan = planUndo(
      [ours(drift), reversal, ours(reboot), ours(expiry), ours(elsewhere), ours(tagged)],
      context,
    );

    const why = Object.fromEntries(
      plan.map((step) => [
        step.entry.id,
        step.verdict === 'skip' ? `${step.because}: ${step.why}` : 'reverse',
      ]),
    );
    expect(why).toEqual({
      [drift.id]:
        'already-reversed: already reversed at 2026-12-02T02:00:00.000Z (undo-7, netwarden undo by alice)',
      [reboot.id]: 'irreversible: a reboot cannot be undone',
      'expiry-1':
        'refused: an expired grant is not re-opened by undo: ask for a new grant (netwarden grant), which the policy judges afresh',
      'elsewhere-1': 'refused: the security group sg-0gone000000000001 no longer exists',
      'tag-1':
        'unsupported: undo does not make ec2.DeleteTags; reverse it by hand if it must be: {"Resources":["i-1"]}',
    });
    expect(plan).toHaveLength(5);
  });

  it('never carries out an operator’s record, and reads only the groups it would re-create rules in', () => {
    const forged: JournalRecord = { entry: breach, recordedBy: 'operator', reverses: 'nothing' };
    expect(planUndo([forged], context)).toEqual([]);
    expect(groupsToRead([forged, ours(drift), ours(restored)])).toEqual([DB]);
  });

  it('makes each reversal a safety.undone finding naming the event, the call and the undo run', () => {
    const [step] = planUndo([ours(restored)], context);
    if (step?.verdict !== 'reverse') throw new Error('expected a reversal');
    const finding = undoneFinding(step, 'acted', {
      now: new Date('2026-12-02T02:00:00Z'),
      undoId: 'undo-1',
      by: 'alice',
    });
    expect(finding).toMatchObject({
      kind: 'safety.undone',
      severity: 'warning',
      mode: 'enforce',
      outcome: 'acted',
      eventId: 'ev-3',
      resource: { type: 'security-group', id: DB },
      actions: [`RevokeSecurityGroupIngress ${DB} sgr-00000000000000003`],
      details: { undoId: 'undo-1', entryId: restored.id },
    });
    expect(undoneFinding(step, 'would-act', { now: new Date(), undoId: 'u', by: 'b' }).mode).toBe('report');
  });
});
