/** Where netwarden is at home: pure rules about which account and region an event may come from. */
import { describe, expect, it } from 'vitest';
import type { CloudTrailEnvelope } from '../../../shared/events/cloudtrail';
import { accountOfFunctionArn, foreignFields, homeOf } from '../../../shared/events/home';
import { loadEvent } from '../../../simulated-account/load-event';

const HOME = { accounts: ['111122223333'], region: 'ap-northeast-2' };
const event = () => loadEvent<CloudTrailEnvelope>('cloudtrail/authorize-ingress-console-world-5432.json');

describe('accountOfFunctionArn', () => {
  it('reads the account of the invoked function, and nothing that is not an account', () => {
    expect(accountOfFunctionArn('arn:aws:lambda:ap-northeast-2:111122223333:function:netwarden-prod-x')).toBe(
      '111122223333',
    );
    expect(accountOfFunctionArn('')).toBeUndefined();
    expect(accountOfFunctionArn(undefined)).toBeUndefined();
    expect(accountOfFunctionArn('arn:aws:lambda:ap-northeast-2:*:function:x')).toBeUndefined();
  });
});

describe('homeOf', () => {
  it('is the own account unless the policy names others; unknown when neither is known', () => {
    expect(homeOf({ policyAccounts: [], ownAccount: '111122223333', region: 'eu-west-1' })).toEqual({
      accounts: ['111122223333'],
      region: 'eu-west-1',
    });
    expect(
      homeOf({ policyAccounts: ['999988887777'], ownAccount: '111122223333', region: 'eu-west-1' }),
    ).toEqual({
      accounts: ['999988887777'],
      region: 'eu-west-1',
    });
    expect(homeOf({ policyAccounts: [], ownAccount: undefined, region: 'eu-west-1' })).toBeUndefined();
  });

  it('with an organization, is the central (own) account and the listed members; unknown without the own account', () => {
    expect(
      homeOf({
        policyAccounts: [],
        ownAccount: '111122223333',
        region: 'eu-west-1',
        memberAccounts: ['222233334444', '555566667777'],
      }),
    ).toEqual({
      accounts: ['111122223333', '222233334444', '555566667777'],
      region: 'eu-west-1',
      central: '111122223333',
    });
    expect(
      homeOf({
        policyAccounts: [],
        ownAccount: undefined,
        region: 'eu-west-1',
        memberAccounts: ['222233334444'],
      }),
    ).toBeUndefined();
  });
});

describe('foreignFields', () => {
  it('is empty for an event of the home account and region', () => {
    expect(foreignFields(event(), HOME)).toEqual([]);
  });

  it('names each field that disagrees, with its value', () => {
    const foreign = { ...event(), account: '999988887777', region: 'us-east-1' };
    foreign.detail = { ...foreign.detail, awsRegion: 'us-east-1' };

    expect(foreignFields(foreign, HOME)).toEqual([
      'account "999988887777" is not 111122223333',
      'region "us-east-1" is not ap-northeast-2',
      'detail.awsRegion "us-east-1" is not ap-northeast-2',
    ]);
  });

  it('refuses an event whose envelope and record name different accounts, even two served ones', () => {
    const home = { accounts: ['111122223333', '222233334444'], region: 'ap-northeast-2' };
    const forged = { ...event(), account: '222233334444' };

    expect(foreignFields(forged, home)).toEqual([
      'the event\'s accounts disagree (account "222233334444", detail.recipientAccountId "111122223333")',
    ]);
  });

  it('treats an event that names no account or no region as foreign: it cannot be placed', () => {
    const { account: _account, region: _region, ...bare } = event();
    bare.detail = { ...bare.detail, recipientAccountId: undefined, awsRegion: undefined };

    expect(foreignFields(bare, HOME)).toEqual(['the event names no account', 'the event names no region']);
  });
});
