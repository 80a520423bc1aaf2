/** expire-grants: EventBridge schedule (every minute) → expireGrants, then sweepRequests. Wiring only. */
import * as z from 'zod';
import {
  lazyGrantRequests,
  lazyGrantStore,
  lazyRepeatGate,
  lazySecurityGroups,
} from '../../shared/aws/lazy-adapters';
import { lazySecureString } from '../../shared/aws/lazy-secrets';
import { parseConfig, SlackWebApiConfig } from '../../shared/config';
import { ScheduleTrigger } from '../../shared/events/schedule';
import { lambda } from '../../shared/middleware';
import { memberAccessOf } from '../../shared/policy/organization';
import { marked } from '../../shared/safety/kill-switch';
import { slackWebApi } from '../../shared/slack/web-api';
import { wire } from '../../shared/wiring';
import { expireGrants } from './expire';
import { sweepRequests } from './requests';

/** Slack app mode (optional): the bot token tells requesters and updates requests' messages. */
const SlackConfig = z.object({
  ...SlackWebApiConfig,
  SLACK_BOT_TOKEN_PARAMETER: SlackWebApiConfig.SLACK_BOT_TOKEN_PARAMETER.optional(),
});

const { config, policy, publish, now, log, wayIn, killSwitch, gate } = wire('expire-grants');
const slackConfig = parseConfig(SlackConfig, process.env);
// A member account's grants are revoked in that account, through its member role (made once each).
const members = new Map<string, ReturnType<typeof lazySecurityGroups>>();
const sgIn = (account: string) => {
  const access = memberAccessOf(policy, account, 'expire-grants');
  if (!access) return undefined;
  const known = members.get(account) ?? lazySecurityGroups(access);
  members.set(account, known);
  return known;
};
const deps = {
  store: lazyGrantStore(config.STATE_TABLE_NAME),
  sg: lazySecurityGroups(),
  sgIn,
  publish,
  now,
  policy,
  log,
  // Report mode tells each grant's news once, also across cold starts; a week outlives any grant.
  reported: lazyRepeatGate(config.STATE_TABLE_NAME, 'expire-grants', 7 * 86_400_000),
  // Each revoke at expiry: never held back by the budget (it only narrows access), always journaled.
  gate,
};
const requestDeps = {
  requests: lazyGrantRequests(config.STATE_TABLE_NAME, now),
  grants: deps.store,
  ...(slackConfig.SLACK_BOT_TOKEN_PARAMETER
    ? {
        slack: slackWebApi({
          token: lazySecureString(slackConfig.SLACK_BOT_TOKEN_PARAMETER, { ttlMs: 300_000, now }),
          budgetMs: () => 5_000,
          ...(slackConfig.SLACK_API_BASE_URL ? { baseUrl: slackConfig.SLACK_API_BASE_URL } : {}),
        }),
      }
    : {}),
  policy,
  now,
  log,
};

// The sweep reads the state table as it is now: the schedule's time says nothing it needs.
// The kill switch does not stop expiry: closing a grant only narrows access, and pausing must never keep
// access open longer than it was granted. Its findings still say that the switch is on.
export const handler = lambda(wayIn(ScheduleTrigger)).handler(async (event) => {
  // The journal records each revoke under the schedule's event, in this function's account and region.
  const run = {
    eventId: event.id,
    account: event.account ?? config.NETWARDEN_ACCOUNT_ID ?? '',
    region: config.AWS_REGION,
  };
  const { failed: _none, ...outcome } = await expireGrants(await marked({ ...deps, killSwitch, run }));
  // After the grants': a request whose grant this run closed is told it expired in the same run.
  const requests = await sweepRequests(requestDeps);
  return { status: 'swept', ...outcome, requests };
});
