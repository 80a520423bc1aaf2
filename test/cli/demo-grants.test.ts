/**
 * `npm start` shows a grant created by a verified requester, a refused requester and request, a forged
 * grant tag reported, and the grant warned about once and expired — with the state table on dynalite.
 */
import { expect, it } from 'vitest';
import { main } from '../../cli/main';

it('the grants story creates, refuses, reports a forged grant, warns and expires on the simulated clock', async () => {
  const out: string[] = [];
  const code = await main(['demo', 'grants'], {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
  });
  const text = out.join('\n');

  expect(code).toBe(0);
  const kinds = [...text.matchAll(/finding \[([a-z.-]+), ([a-z-]+)\]/g)].map(
    ([, kind, outcome]) => `${kind}:${outcome}`,
  );
  expect(kinds).toEqual([
    'grant.created:acted',
    'grant.rejected:no-action',
    'grant.rejected:no-action',
    'grant.forged:no-action',
    'grant.expiring:no-action',
    'grant.expired:acted',
  ]);
  expect(text).toContain('decision: ignore:self');
  expect(text).toContain('decision: report:grant-forged');
  expect(text).toContain(
    'HTTP 403: principal arn:aws:sts::111122223333:assumed-role/developer/dave@example.com may not request grants',
  );
  expect(text).toContain(
    'HTTP 400: port 22 is not grantable; cidr 0.0.0.0/0 is not allowed; ttl 9h exceeds maxTtl 8h',
  );
  // Only the recorded grant is revoked at the expiry: one revoke in the whole story.
  expect(text.match(/WRITE EC2\.RevokeSecurityGroupIngress/g)).toHaveLength(1);
});
