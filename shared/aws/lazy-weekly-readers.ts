/**
 * The weekly check's readers, loaded on first use like every adapter (lazy.ts), but all from one module
 * (weekly-readers.ts): the weekly check reads every one of them on its first event, and a loader per
 * adapter and per client splits them, and the SDK code they share, into many more chunks, each found,
 * read, compiled and linked on its own (measured: issue 14). Apart from
 * lazy-audit-adapters.ts so that no other bundle carries this chunk (esbuild bundles every chunk a
 * module can import). Terraform state (S3) stays in lazy-adapters.ts: it loads only when the policy
 * names a state.
 */
import type { Certificates } from '../estate/certificates';
import type { LoadBalancing } from '../estate/load-balancing';
import type { Metrics } from '../estate/monitoring';
import type { NetworkReferences, SecurityGroupInventory } from '../estate/security-groups';
import type { GrantStore } from '../grants/record';
import type { MemberAccess } from '../policy/organization';
import { lazyAdapter } from './lazy';

let loading: Promise<typeof import('./weekly-readers')> | undefined;
const readers = () => {
  loading ??= import('./weekly-readers');
  return loading;
};

/** The estate's readers in one account (`access`: a member's, through its member role), each loaded on first use. */
export function lazyWeeklyReaders(access?: MemberAccess) {
  let made: ReturnType<typeof import('./weekly-readers')['weeklyReaders']> | undefined;
  const of = async () => {
    made ??= (await readers()).weeklyReaders(access);
    return made;
  };
  return {
    elb: lazyAdapter<LoadBalancing>(async () => (await of()).elb),
    metrics: lazyAdapter<Metrics>(async () => (await of()).metrics),
    certificates: lazyAdapter<Certificates>(async () => (await of()).certificates),
    sg: lazyAdapter<SecurityGroupInventory>(async () => (await of()).sg),
    network: lazyAdapter<NetworkReferences>(async () => (await of()).network),
  };
}

/** netwarden's state table: the grant records only netwarden's roles can write. */
export const lazyWeeklyGrantStore = (tableName: string) =>
  lazyAdapter<GrantStore>(async () => (await readers()).weeklyGrantStore(tableName));
