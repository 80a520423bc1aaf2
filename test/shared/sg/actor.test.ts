/**
 * Identities cannot be imitated: trust and self-recognition key on IAM-verified ARNs (the session
 * issuer's role), never on a session name, and a `*` in a pattern stays within one ARN segment.
 */
import { describe, expect, it } from 'vitest';
import { actorOf, isSelf, matchesAny } from '../../../shared/sg/actor';
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
