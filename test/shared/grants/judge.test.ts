/** The judge revert-sg-drift consults: valid-looking grant tags are trusted only from netwarden or a grantor. */
import { describe, expect, it } from 'vitest';
import { grantTags } from '../../../shared/grants/grant';
import { grantJudge } from '../../../shared/grants/judge';
import { parsePolicy } from '../../../shared/policy/load';
import type { Actor } from '../../../shared/sg/actor';
import { ruleOf } from '../../helpers/factories';

const policy = parsePolicy(`version: 1
grants:
  ports: [5432]
  grantors: ['arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DbOnCall_*']
`).grants;
const now = () => new Date('2026-11-23T00:30:00Z');
const base = ruleOf({ ruleId: 'sgr-1', peer: { type: 'ipv4', cidr: '203.0.113.7/32' } });
const tags = grantTags({
  rule: base,
  issuedAt: new Date('2026-11-23T00:00:00Z'),
  expiresAt: new Date('2026-11-23T01:00:00Z'),
  owner: 'alice',
  reason: 'INC-1',
});
const stranger: Actor = {
  type: 'AssumedRole',
  display: 'mallory via role AWSReservedSSO_Admin_1',
  viaConsole: true,
  roleArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1',
};
const grantor: Actor = {
  ...stranger,
  display: 'alice via role AWSReservedSSO_DbOnCall_1',
  roleArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DbOnCall_1',
};
const judge = grantJudge(policy, now);

describe('grantJudge', () => {
  it('has no opinion on rules without grant tags', () => {
    expect(judge(base, { action: 'added', actor: stranger })).toBeUndefined();
  });

  it('calls valid-looking grant tags on a rule a stranger added a forged grant', () => {
    expect(judge({ ...base, tags }, { action: 'added', actor: stranger })).toEqual({
      valid: false,
      problem:
        'grant tags on a rule added by mallory via role AWSReservedSSO_Admin_1, who is neither grant-access nor a grantor (grants.grantors)',
    });
  });

  it('accepts a valid grant added by a listed grantor, and refuses an invalid one from them', () => {
    expect(judge({ ...base, tags }, { action: 'added', actor: grantor })).toEqual({ valid: true });
    const tooLong = { ...tags, 'netwarden:grant-expires-at': '2026-11-23T09:00:00Z' };
    expect(judge({ ...base, tags: tooLong }, { action: 'added', actor: grantor })).toEqual({
      valid: false,
      problem:
        'ttl 9h exceeds maxTtl 8h (netwarden:grant-issued-at → netwarden:grant-expires-at); netwarden:grant-expires-at 2026-11-23T09:00:00Z is more than maxTtl 8h from now',
    });
  });

  it('keeps a grant someone merely edited (same access), and refuses one whose access was changed', () => {
    expect(judge({ ...base, tags, description: 'edited' }, { action: 'modified', actor: stranger })).toEqual({
      valid: true,
    });
    const widened = { ...base, tags, peer: { type: 'ipv4' as const, cidr: '203.0.113.0/24' } };
    expect(judge(widened, { action: 'modified', actor: stranger })).toMatchObject({
      valid: false,
      problem: expect.stringContaining('it was edited after it was granted'),
    });
  });

  it('refuses every grant tag when the policy has no grants section', () => {
    expect(grantJudge(undefined, now)({ ...base, tags }, { action: 'modified', actor: grantor })).toEqual({
      valid: false,
      problem: 'grant tags, but the policy has no grants section',
    });
  });
});
