/**
 * lookUpGrants / recordedGrantIn: a rule is a grant only when the state table records it (same
 * access, same rule id). Grant tags without a record are a forged grant; tags never make a rule a grant.
 */
import { describe, expect, it } from 'vitest';
import { lookUpGrants, recordedGrantIn } from '../../../shared/grants/judge';
import { accessKey, type GrantRecord, type GrantRecordReader } from '../../../shared/grants/record';
import { ruleOf } from '../../helpers/factories';

const GROUP = 'sg-0db00000000005432';
const host = ruleOf({ groupId: GROUP, ruleId: 'sgr-g', peer: { type: 'ipv4', cidr: '203.0.113.7/32' } });
const TAGS = { 'netwarden:grant-expires-at': '2026-11-23T01:00:00Z', 'netwarden:grant-owner': 'alice' };
const record = (overrides: Partial<GrantRecord> = {}): GrantRecord => ({
  groupId: GROUP,
  access: { ...host, tags: {} },
  status: 'live',
  ruleId: 'sgr-g',
  owner: 'arn:aws:sts::111122223333:assumed-role/db-oncall/alice',
  reason: 'INC-1',
  issuedAt: new Date('2026-11-23T00:00:00Z'),
  expiresAt: new Date('2026-11-23T01:00:00Z'),
  createdAt: new Date('2026-11-23T00:00:00Z'),
  version: 2,
  ...overrides,
});

/** A reader over fixed records, counting its reads. */
function reader(records: GrantRecord[]): GrantRecordReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    get: async (groupId, access) => {
      reads.push(`${groupId} ${access}`);
      return records.find(
        (candidate) => candidate.groupId === groupId && accessKey(candidate.access) === access,
      );
    },
  };
}

describe('lookUpGrants', () => {
  it('a grant-tagged rule matching a live record (access and id) is a recorded grant', async () => {
    const lookup = await lookUpGrants([{ ...host, tags: TAGS }], reader([record()]));
    expect(lookup).toEqual({ recorded: [{ ...host, tags: TAGS }], forged: [] });
  });

  it('grant tags without a record, with another rule id, or with a closed record are forged', async () => {
    const tagged = { ...host, tags: TAGS };
    expect((await lookUpGrants([tagged], reader([]))).forged).toEqual([tagged]);
    expect((await lookUpGrants([tagged], reader([record({ ruleId: 'sgr-other' })]))).forged).toEqual([
      tagged,
    ]);
    expect((await lookUpGrants([tagged], reader([record({ status: 'closed' })]))).forged).toEqual([tagged]);
  });

  it('reads nothing for rules without grant tags: they are judged like any rule', async () => {
    const store = reader([record()]);
    expect(await lookUpGrants([host], store)).toEqual({ recorded: [], forged: [] });
    expect(store.reads).toEqual([]);
  });
});

describe('recordedGrantIn', () => {
  it('is true only for a recorded rule: same id and same access', () => {
    const isRecorded = recordedGrantIn([host]);
    expect(isRecorded(host)).toBe(true);
    expect(isRecorded({ ...host, ruleId: 'sgr-x' })).toBe(false);
    expect(isRecorded({ ...host, fromPort: 3306, toPort: 3306 })).toBe(false);
  });
});
