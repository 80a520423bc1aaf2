/**
 * `netwarden undo` and `netwarden history` at the wire: the simulated account's EC2 and the journal on
 * dynalite. The entries are recorded as the write gate records them (test/helpers/journal.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';
import { useUndoDeps } from '../../cli/undo';
import { ec2Client, elbv2Client } from '../../shared/aws/clients';
import { ec2SecurityGroups } from '../../shared/aws/ec2/security-groups';
import { elbv2LoadBalancing } from '../../shared/aws/elbv2';
import { journalReader, stateTableJournal } from '../../shared/aws/state-table/journal';
import type { Rule } from '../../shared/rules/rule';
import { GROUPS } from '../../simulated-account/index';
import { ACCOUNT, REGION, revokeEntry } from '../helpers/journal';
import { callsSince, useSimulation } from '../helpers/simulation';
import { useStateTable } from '../helpers/state-table';

const sim = useSimulation();
const table = useStateTable();
const DB = GROUPS.postgres;
/** The stage's findings topic, as serverless.yml names it; undo finds it by the stage. */
const FINDINGS_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:netwarden-prod-findings`;

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

const sg = () => ec2SecurityGroups(ec2Client());
/** A group's rules as they compare: access and description, not the ids AWS gave them. */
async function rulesOf(groupId: string): Promise<string[]> {
  const rules = await sg().describeGroupRules(groupId);
  return rules
    .map((rule: Rule) =>
      JSON.stringify([
        rule.direction,
        rule.protocol,
        rule.fromPort,
        rule.toPort,
        rule.peer,
        rule.description ?? '',
      ]),
    )
    .sort();
}

let clock = new Date();
beforeEach(() => {
  clock = new Date();
  // As on an operator's machine: no topic named, so undo finds the stage's by its name.
  vi.stubEnv('FINDINGS_TOPIC_ARN', '');
  const { client, tableName } = table.current;
  useUndoDeps({
    reader: journalReader(client, tableName),
    sg: sg(),
    lb: elbv2LoadBalancing(elbv2Client()),
    now: () => clock,
    region: REGION,
    policyPath: 'netwarden.policy.yml',
  });
});
afterEach(() => {
  useUndoDeps(undefined);
  vi.unstubAllEnvs();
});

/**
 * A storm: `count` rules added by a deploy role netwarden does not trust, plus one world-open 5432,
 * each revoked by netwarden and journalled with its inverse as the gate does. Returns the eventIds.
 */
async function storm(count: number): Promise<{ eventIds: string[]; worldOpen: string }> {
  const journal = stateTableJournal(table.current.client, table.current.tableName);
  const eventIds: string[] = [];
  const specs = Array.from({ length: count }, (_, n) => ({
    port: 5432,
    cidr: `10.40.${n}.0/24`,
    description: `deploy ${n}`,
  }));
  specs.push({ port: 5432, cidr: '0.0.0.0/0', description: 'world' });
  for (const [n, spec] of specs.entries()) {
    const rule: Rule = {
      groupId: DB,
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: spec.port,
      toPort: spec.port,
      peer: { type: 'ipv4', cidr: spec.cidr },
      description: spec.description,
      tags: {},
    };
    const added = await sg().authorizeRules(DB, 'ingress', [rule]);
    const ruleId = added.created?.[0]?.ruleId ?? '';
    await sg().revokeRules(DB, 'ingress', [ruleId]);
    const eventId = `ev-storm-${n}`;
    eventIds.push(eventId);
    const at = new Date(clock.getTime() - (specs.length - n) * 1000).toISOString();
    await journal.record(revokeEntry({ at, eventId, groupId: DB, ruleId, rule: spec }));
  }
  return { eventIds, worldOpen: eventIds.at(-1) ?? '' };
}

describe('netwarden undo', () => {
  it('after a storm restores the group exactly as it was, except the guardrail breach it refuses to re-open', async () => {
    const original = await rulesOf(DB);
    // What the storm left before netwarden revoked it, the world-open rule excepted.
    await storm(6);
    const revoked = await rulesOf(DB);
    expect(revoked).toEqual(original);

    const run = captured();
    const mark = sim.current.account.calls.length;
    expect(await main(['undo', '--since', '15m', '--stage', 'prod', '--yes'], run.io)).toBe(0);

    const after = await rulesOf(DB);
    const expected = [
      ...original,
      ...Array.from({ length: 6 }, (_, n) =>
        JSON.stringify([
          'ingress',
          'tcp',
          5432,
          5432,
          { type: 'ipv4', cidr: `10.40.${n}.0/24` },
          `deploy ${n}`,
        ]),
      ),
    ].sort();
    expect(after).toEqual(expected);
    expect(after.some((rule) => rule.includes('0.0.0.0/0'))).toBe(false);
    expect(callsSince(sim.current, mark).writes).toEqual(Array(6).fill('AuthorizeSecurityGroupIngress'));
    expect(run.out[0]).toBe('undo of the last 15m: 6 to reverse, 1 left as they are (newest first)');
    expect(run.out.join('\n')).toContain(
      'refused: re-creating tcp 5432 from 0.0.0.0/0 would breach the guardrail forbid[0] of "account-wide-guardrails": undo never re-opens a guardrail breach',
    );
    expect(run.out.at(-1)).toMatch(/^undone: 6 reversals \(undo-[0-9a-f-]+\)$/);
    const findings = run.out
      .filter((line) => line.startsWith('  finding: '))
      .map((line) => JSON.parse(line.slice(11)));
    expect(findings).toHaveLength(6);
    expect(findings.every((finding) => finding.kind === 'safety.undone' && finding.outcome === 'acted')).toBe(
      true,
    );
    // Each reversal is a finding of its own on the stage's findings topic (to notify-slack), exactly as printed.
    expect(sim.current.published.map((message) => message.topicArn)).toEqual(Array(6).fill(FINDINGS_TOPIC));
    expect(sim.current.published.map((message) => JSON.parse(message.message))).toEqual(findings);
    expect(sim.current.published.map((message) => message.attributes.kind)).toEqual(
      Array(6).fill('safety.undone'),
    );

    // Undone once: a second run finds every reversal recorded and writes nothing.
    const again = captured();
    const second = sim.current.account.calls.length;
    expect(await main(['undo', '--since', '15m', '--stage', 'prod', '--yes'], again.io)).toBe(0);
    expect(again.out[0]).toBe('undo of the last 15m: 0 to reverse, 7 left as they are (newest first)');
    expect(callsSince(sim.current, second).writes).toEqual([]);
    expect(sim.current.published).toHaveLength(6);
  }, 60_000);

  it('says a reversal went unrecorded, and why, when the table refuses the undo# record (an operator not named)', async () => {
    await storm(1);
    const { client, tableName } = table.current;
    const reader = journalReader(client, tableName);
    const refused = Object.assign(new Error('explicit deny in a resource-based policy'), {
      name: 'AccessDeniedException',
    });
    useUndoDeps({
      reader: { ...reader, recordReversal: async () => Promise.reject(refused) },
      sg: sg(),
      lb: elbv2LoadBalancing(elbv2Client()),
      now: () => clock,
      region: REGION,
      policyPath: 'netwarden.policy.yml',
    });
    const run = captured();
    const mark = sim.current.account.calls.length;
    expect(await main(['undo', '--since', '15m', '--stage', 'prod', '--yes'], run.io)).toBe(1);
    // The rule is re-created (the operator's own call); only its record is missing, and that is said.
    expect(callsSince(sim.current, mark).writes).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(run.err[0]).toMatch(
      /^reversed, but not recorded in netwarden-test-state-\d+: AccessDeniedException \(entry [^)]+\); the table's policy lets only the roles the stack's undoOperatorArns names record reversals \(docs\/operations\.md\)$/,
    );
    expect(run.err[1]).toMatch(
      /^1 of 1 reversal failed, went unrecorded or unpublished \(undo-[0-9a-f-]+\)$/,
    );
    expect(sim.current.published).toHaveLength(1);
  }, 60_000);

  it('says a reversal went unpublished, and why, when the findings topic refuses it; the reversal stays made and recorded', async () => {
    const { eventIds } = await storm(1);
    sim.current.account.failNext({
      service: 'SNS',
      operation: 'Publish',
      fault: { code: 'AuthorizationError', message: 'explicit deny in a resource-based policy', status: 403 },
    });
    const run = captured();
    const mark = sim.current.account.calls.length;

    expect(await main(['undo', '--since', '15m', '--stage', 'prod', '--yes'], run.io)).toBe(1);

    expect(callsSince(sim.current, mark).writes).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(
      callsSince(sim.current, mark)
        .all.filter((call) => call.service === 'SNS')
        .map((call) => [call.command, call.error]),
    ).toEqual([['Publish', 'AuthorizationError']]);
    expect(sim.current.published).toEqual([]);
    expect(run.err).toHaveLength(2);
    expect(run.err[0]).toMatch(
      /^reversed, but its finding was not published to the findings topic: AuthorizationError \(entry [^)]+\); the topic's policy lets only netwarden's roles and those the stack's undoOperatorArns names publish \(docs\/operations\.md\)$/,
    );
    expect(run.err[1]).toMatch(
      /^1 of 1 reversal failed, went unrecorded or unpublished \(undo-[0-9a-f-]+\)$/,
    );
    const { client, tableName } = table.current;
    const records = await journalReader(client, tableName).byEvent(eventIds[0] ?? '');
    expect(records.map((record) => record.recordedBy).sort()).toEqual(['netwarden', 'operator']);
  }, 60_000);

  it('with the table named but no stage, cannot find the findings topic: says so and exits 1, the reversal made and recorded', async () => {
    await storm(1);
    vi.stubEnv('NETWARDEN_STAGE', '');
    const run = captured();
    const mark = sim.current.account.calls.length;

    expect(
      await main(['undo', '--since', '15m', '--state-table', table.current.tableName, '--yes'], run.io),
    ).toBe(1);

    expect(callsSince(sim.current, mark).writes).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(sim.current.account.calls.slice(mark).filter((call) => call.service !== 'EC2')).toEqual([]);
    expect(run.err[0]).toMatch(
      /^reversed, but its finding was not published to the findings topic: no findings topic: name the stage with --stage \(or the topic with FINDINGS_TOPIC_ARN\) \(entry [^)]+\)$/,
    );
    expect(run.err).toHaveLength(2);
  }, 60_000);

  it('without --yes and with no terminal to ask is a dry run: it reads the group, prints the plan and writes nothing', async () => {
    await storm(2);
    const run = captured();
    const mark = sim.current.account.calls.length;

    expect(await main(['undo', '--since', '15m', '--stage', 'prod'], run.io)).toBe(0);

    const calls = callsSince(sim.current, mark);
    expect(calls.writes).toEqual([]);
    expect(calls.reads).toEqual(['DescribeSecurityGroups']);
    expect(run.out.at(-1)).toBe('nothing reversed (a dry run): pass --yes, or answer y, to reverse');
    expect(run.out.join('\n')).toContain(`→ AuthorizeSecurityGroupIngress ${DB} tcp 5432 from 10.40.1.0/24`);
    const { client, tableName } = table.current;
    const records = await journalReader(client, tableName).byEvent('ev-storm-0');
    expect(records.map((record) => record.recordedBy)).toEqual(['netwarden']);
    expect(sim.current.published).toEqual([]);
  }, 60_000);

  it('asks at the terminal, and reverses nothing unless the answer is y', async () => {
    await storm(1);
    const mark = sim.current.account.calls.length;
    const questions: string[] = [];
    const run = captured();
    const io = {
      ...run.io,
      ask: async (question: string) => {
        questions.push(question);
        return 'n';
      },
    };
    expect(await main(['undo', '--since', '15m', '--stage', 'prod'], io)).toBe(0);
    expect(questions).toEqual(['reverse these 1 write now? [y/N] ']);
    expect(callsSince(sim.current, mark).writes).toEqual([]);
    expect(sim.current.published).toEqual([]);

    const yes = { ...run.io, ask: async () => 'y' };
    expect(await main(['undo', '--since', '15m', '--stage', 'prod'], yes)).toBe(0);
    expect(callsSince(sim.current, mark).writes).toEqual(['AuthorizeSecurityGroupIngress']);
    expect(sim.current.published.map((message) => message.attributes.kind)).toEqual(['safety.undone']);
  }, 60_000);

  it('of one event id reverses that event only, with exactly its recorded inverse', async () => {
    const { eventIds } = await storm(3);
    const run = captured();
    const mark = sim.current.account.calls.length;

    expect(await main(['undo', eventIds[1] ?? '', '--stage', 'prod', '--yes'], run.io)).toBe(0);

    const writes = callsSince(sim.current, mark).all.filter((call) => call.write && call.service !== 'SNS');
    expect(writes.map((call) => [call.command, call.input])).toEqual([
      [
        'AuthorizeSecurityGroupIngress',
        {
          GroupId: DB,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 5432,
              ToPort: 5432,
              IpRanges: [{ CidrIp: '10.40.1.0/24', Description: 'deploy 1' }],
            },
          ],
        },
      ],
    ]);
    expect(run.out[0]).toBe('undo of event ev-storm-1: 1 to reverse, 0 left as they are (newest first)');
  }, 60_000);

  it('history lists what netwarden did and what undo reversed, newest first; --group narrows it', async () => {
    await storm(1);
    await main(['undo', 'ev-storm-0', '--stage', 'prod', '--yes'], captured().io);
    const run = captured();

    expect(await main(['history', '--stage', 'prod', '--since', '1h'], run.io)).toBe(0);

    expect(run.out).toHaveLength(3);
    expect(run.out[0]).toMatch(
      /undo \(recorded with an operator's credentials\) undo-[0-9a-f-]+ reversed entry .*: Undone: revoke on sg-0db00000000005432/,
    );
    expect(run.out[1]).toContain('revert-sg-drift revoke sg-0db00000000005432  event ev-storm-1  sg.drift:');
    const other = captured();
    expect(await main(['history', '--stage', 'prod', '--group', GROUPS.mysql], other.io)).toBe(0);
    expect(other.out).toEqual(['netwarden made no write in the last 1d on sg-0db00000000003306']);
  }, 60_000);

  it('refuses unclear arguments with one line and the usage', async () => {
    for (const args of [
      ['undo', '--stage', 'prod'],
      ['undo', 'ev-1', '--since', '15m', '--stage', 'prod'],
      ['undo', 'ev-1', '--group', DB, '--stage', 'prod'],
      ['undo', '--since', 'soon', '--stage', 'prod'],
    ]) {
      const run = captured();
      expect(await main(args, run.io), args.join(' ')).toBe(2);
      expect(run.err[0]?.split('\n')[1]).toMatch(/^usage: netwarden undo /);
    }
    const run = captured();
    expect(await main(['undo', '--since', 'soon', '--stage', 'prod'], run.io)).toBe(2);
    expect(run.err[0]?.split('\n')[0]).toBe('--since needs a duration such as 15m, 2h or 1d, got "soon"');
  });
});
