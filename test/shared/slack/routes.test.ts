/**
 * Routing in app mode (shared/slack/routes.ts), pure: each selector of a route's `match` on its own
 * (kind, a kind family, severity, account, group), all of them together, a selector the message has no
 * value for, and the first fitting route winning over a later one.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/findings/finding';
import { SlackPolicy } from '../../../shared/policy/slack';
import { alarmSubject, chooseRoute, findingSubject, type RouteSubject } from '../../../shared/slack/routes';

const DB_GROUP = 'sg-0db00000000005432';
const PROD = '111122223333';
const STAGING = '444455556666';

const policy = SlackPolicy.parse({
  routes: [
    {
      name: 'everything',
      match: { kinds: ['grant.created'], severities: ['critical'], accounts: [PROD], groups: [DB_GROUP] },
      channel: 'C0EVERYTHING',
    },
    { name: 'group', match: { groups: [DB_GROUP] }, channel: 'C0GROUP00001' },
    { name: 'account', match: { accounts: [STAGING] }, channel: 'C0ACCOUNT001' },
    { name: 'kind', match: { kinds: ['sg.drift', 'alarm'] }, channel: 'C0KIND000001' },
    { name: 'family', match: { kinds: ['targets.*'] }, channel: 'C0FAMILY0001' },
    { name: 'severity', match: { severities: ['critical'] }, channel: 'C0SEVERITY01' },
    { name: 'rest', channel: 'C0REST000001' },
  ],
});

const route = (subject: RouteSubject) => chooseRoute(policy, subject).name;

describe('chooseRoute', () => {
  it.each<[string, RouteSubject, string]>([
    ['kind: an exact kind', { kind: 'sg.drift', severity: 'info' }, 'kind'],
    ['kind: alarm', { kind: 'alarm', severity: 'info' }, 'kind'],
    ['kind: a family', { kind: 'targets.recovered', severity: 'info' }, 'family'],
    ['kind: another family does not fit', { kind: 'grant.expired', severity: 'info' }, 'rest'],
    ['kind: a prefix without the dot does not fit', { kind: 'targetsx.y', severity: 'info' }, 'rest'],
    ['severity', { kind: 'grant.expired', severity: 'critical' }, 'severity'],
    ['severity: another', { kind: 'grant.expired', severity: 'warning' }, 'rest'],
    ['account', { kind: 'grant.expired', severity: 'info', account: STAGING }, 'account'],
    ['account: another', { kind: 'grant.expired', severity: 'info', account: PROD }, 'rest'],
    ['group', { kind: 'grant.expired', severity: 'info', group: DB_GROUP }, 'group'],
    ['group: another', { kind: 'grant.expired', severity: 'info', group: 'sg-0aaaaaaaaaaaaaaaa' }, 'rest'],
    [
      'all four together',
      { kind: 'grant.created', severity: 'critical', account: PROD, group: DB_GROUP },
      'everything',
    ],
    // One criterion short of "everything": the next fitting route wins, not "everything".
    [
      'all but the kind',
      { kind: 'grant.expired', severity: 'critical', account: PROD, group: DB_GROUP },
      'group',
    ],
    [
      'all but the severity',
      { kind: 'grant.created', severity: 'info', account: PROD, group: DB_GROUP },
      'group',
    ],
    [
      'all but the account',
      { kind: 'grant.created', severity: 'critical', account: STAGING, group: DB_GROUP },
      'group',
    ],
    [
      'all but the group',
      { kind: 'grant.created', severity: 'critical', account: PROD, group: 'sg-0aaaaaaaaaaaaaaaa' },
      'severity',
    ],
    // A criterion the message has no value for does not hold: an alarm names no group, no account here.
    ['no group to match', { kind: 'grant.created', severity: 'critical', account: PROD }, 'severity'],
    ['no account to match', { kind: 'grant.expired', severity: 'info' }, 'rest'],
  ])('%s', (_, subject, expected) => {
    expect(route(subject)).toBe(expected);
  });
});

describe('what routing reads of a message', () => {
  const finding: Finding = {
    kind: 'grant.created',
    severity: 'critical',
    title: 'Temporary access granted',
    mode: 'enforce',
    outcome: 'acted',
    time: '2026-12-02T00:00:00.000Z',
    account: PROD,
    resource: { type: 'security-group', id: DB_GROUP, name: 'rds-postgres-sg' },
    why: 'requested by alice',
    actions: [],
  };

  it('takes kind, severity, account and the security group of a finding', () => {
    expect(findingSubject(finding)).toEqual({
      kind: 'grant.created',
      severity: 'critical',
      account: PROD,
      group: DB_GROUP,
    });
    expect(route(findingSubject(finding))).toBe('everything');
  });

  it('takes no group from a resource that is not a security group', () => {
    const targets: Finding = {
      ...finding,
      kind: 'targets.healing',
      resource: {
        type: 'target-group',
        id: 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/0123456789abcdef',
      },
    };
    expect(findingSubject(targets)).toEqual({ kind: 'targets.healing', severity: 'critical', account: PROD });
  });

  it('reads an alarm as kind alarm, its state as a severity, and its account', () => {
    expect(alarmSubject({ newState: 'ALARM', account: STAGING })).toEqual({
      kind: 'alarm',
      severity: 'critical',
      account: STAGING,
    });
    expect(alarmSubject({ newState: 'INSUFFICIENT_DATA', account: PROD }).severity).toBe('warning');
    expect(alarmSubject({ newState: 'OK', account: PROD }).severity).toBe('info');
    // The account route comes before the kind route: an alarm of staging goes to staging's channel.
    expect(route(alarmSubject({ newState: 'ALARM', account: STAGING }))).toBe('account');
  });
});
