/**
 * Identities cannot be imitated: trust and self-recognition key on IAM-verified ARNs (the session
 * issuer's role), never on a session name, and a `*` in a pattern stays within one ARN segment.
 */
import { describe, expect, it } from 'vitest';
import { actorOf, describeActor, describeCall, isSelf, matchesAny } from '../../../shared/sg/actor';
import { assumedRole, type Identity, netwardenRole } from '../../../simulated-account/index';

const actor = (identity: Identity) =>
  actorOf({ userIdentity: identity.userIdentity as Parameters<typeof actorOf>[0]['userIdentity'] });
const SELF = ['arn:aws:iam::*:role/netwarden-test-ap-northeast-2-*'];

describe('isSelf', () => {
  it('recognises netwarden by the role behind the session', () => {
    expect(isSelf(actor(netwardenRole('revert-sg-drift', 'test')), SELF)).toBe(true);
  });

  it('never by the session name, which whoever assumes a role chooses', () => {
    const stranger = actor(assumedRole('ci-deployer', 'netwarden-test-ap-northeast-2-revert-sg-drift'));

    expect(stranger.sessionName).toBe('netwarden-test-ap-northeast-2-revert-sg-drift');
    expect(isSelf(stranger, SELF)).toBe(false);
  });

  it('not for a role under a path that merely starts like netwarden’s, nor another region’s role', () => {
    expect(isSelf(actor(assumedRole('evil', 's', { path: 'netwarden-test-ap-northeast-2-x/' })), SELF)).toBe(
      false,
    );
    expect(isSelf(actor(netwardenRole('revert-sg-drift', 'test', 'us-east-1')), SELF)).toBe(false);
  });
});

describe('matchesAny (trusted principals)', () => {
  const TRUSTED = ['arn:aws:iam::*:role/terraform-*'];

  it('matches a role name within its segment', () => {
    expect(matchesAny(actor(assumedRole('terraform-ci', 'apply')), TRUSTED)).toBe(true);
  });

  it('does not let * cross a / into a role path: role/terraform-x/evil is not role/terraform-*', () => {
    const evil = actor(assumedRole('evil', 'apply', { path: 'terraform-x/' }));

    expect(evil.roleArn).toBe('arn:aws:iam::111122223333:role/terraform-x/evil');
    expect(matchesAny(evil, TRUSTED)).toBe(false);
  });

  it('does not let * cross a : — the account field is one account', () => {
    const actorWithArn = {
      type: 'AssumedRole',
      display: 'x',
      viaConsole: false,
      roleArn: 'arn:aws:iam::1:2:role/terraform-ci',
    };
    expect(matchesAny(actorWithArn, TRUSTED)).toBe(false);
  });
});

describe('describeActor (the one way findings, digests and Slack name who acted)', () => {
  it('names the person behind the session, the role, the console and the address', () => {
    const console = actorOf({
      userIdentity: assumedRole('AWSReservedSSO_Admin_1', 'alice@example.com').userIdentity as Parameters<
        typeof actorOf
      >[0]['userIdentity'],
      sourceIPAddress: '203.0.113.45',
      userAgent: 'AWS Internal',
    });

    expect(describeActor(console)).toBe(
      'alice@example.com via role AWSReservedSSO_Admin_1 in the console from 203.0.113.45',
    );
    expect(describeCall('AuthorizeSecurityGroupIngress', console)).toBe(
      'AuthorizeSecurityGroupIngress by alice@example.com via role AWSReservedSSO_Admin_1 in the console from 203.0.113.45',
    );
  });

  it('leaves out what the event does not say', () => {
    expect(describeActor({ display: 'IAM user ci', viaConsole: false })).toBe('IAM user ci');
    expect(describeActor({ display: 'IAM user ci', viaConsole: true })).toBe('IAM user ci in the console');
    expect(describeActor({ display: 'IAM user ci', viaConsole: false, sourceIp: '192.0.2.1' })).toBe(
      'IAM user ci from 192.0.2.1',
    );
  });
});
