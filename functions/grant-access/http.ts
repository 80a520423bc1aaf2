/**
 * grant-access's Function URL routes, for the principal AWS verified (AWS_IAM auth):
 *   POST   /grants            create a grant, or extend the live one for the same access
 *   GET    /grants            list open grants
 *   DELETE /grants/<rule-id>  revoke a grant now
 * Every route requires a principal matching grants.requesters in an account the policy acts for
 * (403 naming the principal otherwise). Anything that is not a verified Function URL request creates
 * nothing and is reported as a rejected request.
 */
import { rejectedFinding } from '../../shared/grants/findings';
import { requesterProblem } from '../../shared/grants/request';
import { admit, type Refusal } from '../../shared/middleware';
import { effectiveMode } from '../../shared/policy/mode';
import { held } from '../../shared/safety/kill-switch';
import { anyOrigin, type GrantAccessDeps, grantAccess, rejectRequest } from './grant';
import { listGrants, revokeGrant } from './manage';
import { type GrantCall, GrantCallEvent } from './schema';

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const respond = (statusCode: number, body: Record<string, unknown>): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const REVOKE_PATH = /^\/grants\/(sgr-[0-9a-f]{8,17})$/;

/**
 * A request that is not a verified Function URL call (a direct invoke, a URL without IAM auth) is
 * refused by the schema: it creates nothing, is reported as a rejected request, and is answered 400.
 */
export async function rejectUnreadable(refusal: Refusal, deps: GrantAccessDeps): Promise<HttpResponse> {
  const problems = [refusal.reason];
  const mode = effectiveMode(deps.policy, deps.policy.grants);
  await deps.publish(rejectedFinding({}, problems, { mode, now: deps.now() }));
  deps.log?.('not a verified Function URL request', { problems });
  return respond(400, { status: 'rejected', problems });
}

/** A raw event, entering as the handler's does (shared/middleware.ts): for in-process callers. */
export const handleGrantCall = (raw: unknown, deps: GrantAccessDeps): Promise<HttpResponse> =>
  admit<GrantCall, HttpResponse, HttpResponse, void>(
    { schema: GrantCallEvent, unprocessable: (refusal) => rejectUnreadable(refusal, deps) },
    (event) => routeGrantCall(event, deps),
  )(raw);

/** A verified Function URL request → the route it names, for the principal AWS verified. */
export async function routeGrantCall(event: GrantCall, deps: GrantAccessDeps): Promise<HttpResponse> {
  const { userArn: requester, accountId } = event.requestContext.authorizer.iam;
  // Each write is journaled under this request's id, in the function's own account.
  const origin = {
    eventId: event.requestContext.requestId ?? anyOrigin().eventId,
    account: event.requestContext.accountId,
  };
  const method = event.requestContext.http.method.toUpperCase();
  const path = event.rawPath.replace(/\/+$/, '') || '/';

  const refused = requesterProblem(
    { arn: requester, accountId },
    {
      requesters: deps.policy.grants?.requesters ?? [],
      accounts: [...new Set([event.requestContext.accountId, ...deps.policy.accounts])],
    },
  );
  if (refused) {
    const outcome = await rejectRequest({ requester }, [refused], 403, deps);
    return respond(outcome.httpStatus, { status: 'rejected', problems: outcome.problems });
  }

  if (method === 'POST' && path === '/grants') {
    // Paused: no new access. Report mode would answer "would be granted", which a developer could
    // read as access given; a refusal that names the switch is what a security engineer expects.
    const { paused, ...holding } = await held(deps);
    if (paused) {
      const problem = `netwarden is paused (its kill switch ${paused.parameter} is ${paused.because === 'switched-on' ? 'on' : 'unreadable'}): no grant is created until it is resumed; ask on-call`;
      const outcome = await rejectRequest({ requester }, [problem], 503, holding);
      return respond(outcome.httpStatus, { status: 'paused', problems: outcome.problems });
    }
    const { request } = event;
    if (!request.ok) {
      const outcome = await rejectRequest({ requester }, request.problems, 400, deps);
      return respond(outcome.httpStatus, { status: 'rejected', problems: outcome.problems });
    }
    const { finding: _published, ...outcome } = await grantAccess(request.value, requester, deps, origin);
    return respond(
      outcome.status === 'rejected' ? outcome.httpStatus : outcome.status === 'granted' ? 201 : 200,
      outcome,
    );
  }
  if (method === 'GET' && path === '/grants') return respond(200, { grants: await listGrants(deps) });
  const revoke = REVOKE_PATH.exec(path);
  if (method === 'DELETE' && revoke?.[1]) {
    const outcome = await revokeGrant(revoke[1], requester, deps, origin);
    if (!('finding' in outcome)) return respond(404, { status: 'rejected', problems: [outcome.message] });
    const { finding: _published, ...result } = outcome;
    // A moved grant was closed but its rule NOT revoked: the caller asked for a revoke that did not happen.
    return respond(result.status === 'moved' ? 409 : 200, result);
  }
  return respond(404, {
    status: 'rejected',
    problems: [
      `${method} ${path} is not a grant-access route (POST /grants, GET /grants, DELETE /grants/<rule-id>)`,
    ],
  });
}
