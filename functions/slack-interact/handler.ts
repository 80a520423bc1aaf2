/** slack-interact: its Function URL (auth NONE; Slack's signature is the authentication) → handleSlackRequest. Wiring only. */
import * as z from 'zod';
import {
  lazyGrantRequests,
  lazyGrantStore,
  lazyRuleTagger,
  lazySecurityGroups,
} from '../../shared/aws/lazy-adapters';
import { lazyHandOff } from '../../shared/aws/lazy-hand-off';
import { lazyJournalReader, lazySecureString, lazySlackPresses } from '../../shared/aws/lazy-secrets';
import { parseConfig, SlackWebApiConfig, ssmParameterName } from '../../shared/config';
import { accountOfFunctionArn } from '../../shared/events/home';
import { lambda } from '../../shared/middleware';
import { slackWebApi } from '../../shared/slack/web-api';
import { wire } from '../../shared/wiring';
import {
  type HttpResponse,
  handleGrantWork,
  handleSlackRequest,
  type InteractDeps,
  type WorkAnswer,
} from './interact';
import { SlackInteractEvent } from './schema';

const SlackConfig = z.object({
  /** Name (not value) of the SecureString holding the Slack app's signing secret. */
  SLACK_SIGNING_SECRET_PARAMETER: ssmParameterName('/netwarden/prod/slack-signing-secret'),
  // The bot token (the ephemeral answers) is required here.
  ...SlackWebApiConfig,
  SLACK_SECRET_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  /**
   * Set by Lambda: the function invokes itself (InvocationType Event) with a slash grant's slow half,
   * to answer Slack within 3 seconds. Unset (the demo, a local run): that work is done before answering.
   */
  AWS_LAMBDA_FUNCTION_NAME: z.string().min(1).optional(),
});

const { config, policy, publish, now, log, killSwitch, gate } = wire('slack-interact');
const slack = parseConfig(SlackConfig, process.env);
const cache = { ttlMs: slack.SLACK_SECRET_CACHE_SECONDS * 1000, now };
const table = config.STATE_TABLE_NAME;

const deps: InteractDeps = {
  signingSecret: lazySecureString(slack.SLACK_SIGNING_SECRET_PARAMETER, cache),
  policy,
  now,
  region: config.AWS_REGION,
  ...(config.NETWARDEN_ACCOUNT_ID ? { account: config.NETWARDEN_ACCOUNT_ID } : {}),
  presses: lazySlackPresses(table, now),
  journal: lazyJournalReader(table),
  sg: lazySecurityGroups(),
  tagger: lazyRuleTagger(),
  store: lazyGrantStore(table),
  requests: lazyGrantRequests(table, now),
  publish,
  slack: slackWebApi({
    token: lazySecureString(slack.SLACK_BOT_TOKEN_PARAMETER, cache),
    // Slack wants its answer within 3 seconds: an ephemeral reply gets little time, never the invocation's.
    budgetMs: () => 2_000,
    ...(slack.SLACK_API_BASE_URL ? { baseUrl: slack.SLACK_API_BASE_URL } : {}),
  }),
  killSwitch,
  // An Undo's grant is charged to the blast-radius budget; every write is journaled with its inverse.
  gate,
  ...(slack.AWS_LAMBDA_FUNCTION_NAME ? { handOff: lazyHandOff(slack.AWS_LAMBDA_FUNCTION_NAME) } : {}),
  log,
};

/**
 * A Function URL request is Slack's only once its signature verifies; the hand-off (which has no
 * requestContext, headers or body) names a request the worker reads from the state table. Anything
 * else is answered 401 having done nothing.
 */
export const handler = lambda({
  schema: SlackInteractEvent,
  unprocessable: async (refusal) => {
    log('neither a Function URL request nor a hand-off', { reason: refusal.reason });
    return {
      statusCode: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'not a verified Slack request',
    };
  },
}).handler(
  (event, context): Promise<HttpResponse | WorkAnswer> =>
    'work' in event
      ? handleGrantWork(event, deps, accountOfFunctionArn(context.invokedFunctionArn))
      : handleSlackRequest(event, deps),
);
