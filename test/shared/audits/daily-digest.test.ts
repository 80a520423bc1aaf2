/** The grants part of the daily digest, from facts: records decide, tags never do. */
import { describe, expect, it } from 'vitest';
import { type DailyFacts, dailyDigest } from '../../../shared/audits/daily-digest';
import { isClean, summaryLine } from '../../../shared/audits/digest';
import { type GrantRecord, grantAccessRule } from '../../../shared/grants/record';
import { GRANT_TAGS } from '../../../shared/grants/tags';
import type { Rule } from '../../../shared/rules/rule';

const NOW = new Date('2026-11-23T00:00:00Z'); // 09:00 in Seoul
const GROUP = 'sg-0db00000000005432';
const OWNER = 'arn:aws:sts::111122223333:assumed-role/db-oncall/dave';

function record(cidr: string, expiresAt: string, overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    groupId: GROUP,
    access: grantAccessRule(GROUP, {
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      peer: { type: 'ipv4', cidr },
    }),
    status: 'live',
    ruleId: 'sgr-0000000000000000a',
    owner: OWNER,
    reason: 'INC-1',
    issuedAt: new Date('2026-11-22T00:00:00Z'),
    expiresAt: new Date(expiresAt),
    createdAt: new Date('2026-11-22T00:00:00Z'),
    version: 2,
    ...overrides,
  };
}

const facts = (overrides: Partial<DailyFacts>): DailyFacts => ({
  now: NOW,
  timezone: 'Asia/Seoul',
  loadBalancers: [],
  alarms: [],
  changes: { changes: [], own: [], unreadable: [] },
  grants: [],
  forgedGrantTags: [],
  failures: [],
  ...overrides,
});
const sectionOf = (facts: DailyFacts, title: string) =>
  dailyDigest(facts).sections.find((entry) => entry.title === title);

describe('the daily digest’s grants', () => {
  it('is all clear only when the table was read and holds no open grant', () => {
    expect(isClean(dailyDigest(facts({})))).toBe(true);
    const unread = dailyDigest(facts({ grants: undefined, failures: ['grants (state table): throttled'] }));
    expect(isClean(unread)).toBe(false);
    expect(summaryLine(unread)).toBe(
      'Daily check 2026-11-23: could not run: grants (state table) · Targets healthy 0/0 (0 load balancers) · Alarms 0 · SG changes (24h) 0 · Grants not read (state table)',
    );
    expect(unread.counts[3]).toEqual({ label: 'Grants', value: 'not read (state table)', status: 'warning' });
  });

  it('shows a live record past its expiry as critical, and a pending one for what it is', () => {
    const digest = facts({
      grants: [
        record('203.0.113.1/32', '2026-11-22T23:30:00Z'),
        record('203.0.113.2/32', '2026-11-23T05:00:00Z', {
          status: 'pending',
          ruleId: undefined,
          version: 1,
        }),
      ],
    });
    expect(sectionOf(digest, 'Grants past their expiry')).toMatchObject({
      severity: 'critical',
      items: [
        `tcp 5432 from 203.0.113.1/32 (sgr-0000000000000000a) on ${GROUP} for ${OWNER} (“INC-1”): expired 30m ago and expire-grants has not closed it`,
      ],
    });
    expect(sectionOf(digest, 'Grants expiring today')?.items).toEqual([
      `tcp 5432 from 203.0.113.2/32 on ${GROUP} for ${OWNER} (“INC-1”) [pending: no rule id recorded yet]: expires 14:00 (in 5h)`,
    ]);
  });

  it('lists forged grant tags in their own critical section and counts them, never as grants', () => {
    const forged: Rule = {
      ...record('0.0.0.0/0', '2026-11-24T00:00:00Z').access,
      ruleId: 'sgr-0000000000000000f',
      tags: { [GRANT_TAGS.owner]: 'alice@example.com', [GRANT_TAGS.expiresAt]: 'tomorrow' },
    };
    const digest = dailyDigest(facts({ forgedGrantTags: [forged] }));
    expect(digest.sections.map((entry) => [entry.title, entry.severity])).toEqual([
      ['Forged grant tags', 'critical'],
    ]);
    expect(digest.sections[0]?.items).toEqual([
      `tcp 5432 from 0.0.0.0/0 (sgr-0000000000000000f) on ${GROUP}: carries grant tags but netwarden recorded no such grant (the tags claim owner "alice@example.com", expiry "tomorrow") — not a grant: judged like any hand-made rule`,
    ]);
    expect(digest.counts[3]).toEqual({
      label: 'Grants',
      value: '0 active, 0 expiring today, 1 forged tag',
      status: 'critical',
    });
  });
});
