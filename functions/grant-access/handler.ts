/** grant-access: its Function URL (AWS_IAM auth) → routeGrantCall. Wiring only. */
import { lazyGrantStore, lazyRuleTagger, lazySecurityGroups } from '../../shared/aws/lazy-adapters';
import { lambda } from '../../shared/middleware';
import { memberAccessOf } from '../../shared/policy/organization';
import { wire } from '../../shared/wiring';
import { rejectUnreadable, routeGrantCall } from './http';
import { GrantCallEvent } from './schema';

const { config, policy, publish, now, log, killSwitch, gate } = wire('grant-access');
// A member account's grants are made, labelled and revoked in that account, through its member role
// (made once each); an account the policy does not list has none and is never reached.
const members = new Map<
  string,
  { sg: ReturnType<typeof lazySecurityGroups>; tagger: ReturnType<typeof lazyRuleTagger> }
>();
const membersIn = (account: string) => {
  const access = memberAccessOf(policy, account, 'grant-access');
  if (!access) return undefined;
  const known = members.get(account) ?? { sg: lazySecurityGroups(access), tagger: lazyRuleTagger(access) };
  members.set(account, known);
  return known;
};
const deps = {
  sg: lazySecurityGroups(),
  tagger: lazyRuleTagger(),
  membersIn,
  store: lazyGrantStore(config.STATE_TABLE_NAME),
  publish,
  now,
  policy,
  log,
  // Read for a new grant only: while it is on (or unreadable) none is created; listing and revoking still work.
  killSwitch,
  // A new grant's rule is charged to the blast-radius budget; every write is journaled with its inverse.
  gate,
  region: config.AWS_REGION,
};

/**
 * The HTTP response for the Function URL: the grant, the listing, or every problem with the request.
 * An event that is no verified request is answered as a rejected request (400), as every refusal here is.
 */
export const handler = lambda({
  schema: GrantCallEvent,
  unprocessable: (refusal) => rejectUnreadable(refusal, deps),
}).handler((event) => routeGrantCall(event, deps));
