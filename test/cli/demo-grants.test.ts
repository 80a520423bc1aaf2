/** `npm start` shows a grant created, warned about once, and expired — and a rejected request. */
import { expect, it } from 'vitest';
import { main } from '../../cli/main';

it('the grants story creates, warns about and expires a grant on the simulated clock', async () => {
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
    'grant.expiring:no-action',
    'grant.expired:acted',
  ]);
  expect(text).toContain('decision: ignore:self');
  expect(text).toContain(
    'rejected: port 22 is not grantable; cidr 0.0.0.0/0 is not allowed; ttl 9h exceeds maxTtl 8h',
  );
});
