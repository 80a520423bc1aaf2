/** grant-access: its Function URL (AWS_IAM auth) → routeGrantCall. Wiring only. */
import { lazyGrantStore, lazyRuleTagger, lazySecurityGroups } from '../../shared/aws/lazy-adapters';
import { lambda } from '../../shared/middleware';
import { wire } from '../../shared/wiring';
import { rejectUnreadable, routeGrantCall } from './http';
import { GrantCallEvent } from './schema';

const { config, policy, publish, now, log, hold } = wire('grant-access');
const deps = {
  sg: lazySecurityGroups(),
  tagger: lazyRuleTagger(),
  store: lazyGrantStore(config.STATE_TABLE_NAME),
  publish,
  now,
  policy,
  log,
};

/**
 * The HTTP response for the Function URL: the grant, the listing, or every problem with the request.
 * An event that is no verified request is answered as a rejected request (400), as every refusal here is.
 */
export const handler = lambda({
  schema: GrantCallEvent,
  unprocessable: (refusal) => rejectUnreadable(refusal, deps),
}).handler(async (event) => {
  // While the kill switch is on (or unreadable) no grant is created; listing and revoking still work.
  const { state, publish: held } = await hold();
  return routeGrantCall(event, { ...deps, publish: held, ...(state.paused ? { paused: state } : {}) });
});
