/** grant-access: its Function URL (AWS_IAM auth) → routeGrantCall. Wiring only. */
import { lazyGrantStore, lazyRuleTagger, lazySecurityGroups } from '../../shared/aws/lazy-adapters';
import { lambda } from '../../shared/middleware';
import { wire } from '../../shared/wiring';
import { rejectUnreadable, routeGrantCall } from './http';
import { GrantCallEvent } from './schema';

const { config, policy, publish, now, log, killSwitch, gate } = wire('grant-access');
const deps = {
  sg: lazySecurityGroups(),
  tagger: lazyRuleTagger(),
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
