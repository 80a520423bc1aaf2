/** notify-slack: SQS (alarms topic, findings topic, alarm state events) → Slack. Wiring only. */
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { lazyFunction } from '../../shared/aws/lazy';
import { lazySecureString } from '../../shared/aws/lazy-secrets';
import { BaseConfig, SlackWebApiConfig, ssmParameterName } from '../../shared/config';
import { type NotificationRecord, SqsBatchTrigger } from '../../shared/events/sqs';
import { lambda } from '../../shared/middleware';
import { slackPoster } from '../../shared/slack/send';
import { readWebhookPolicy } from '../../shared/slack/webhook-policy';
import { wireBase } from '../../shared/wiring-base';
import { type NotifyDeps, notifySlack, RESERVE_MS, reportUnreadableEvent } from './notify';

// notify-slack publishes no finding (it has no sns:Publish): it needs the webhook, not the topic. Of the
// policy, webhook mode reads only its slack section and group names, computed when the bundle was built.
const NotifySlackConfig = BaseConfig.extend({
  /** Name (not value) of the SecureString holding the webhook URL. */
  SLACK_WEBHOOK_PARAMETER: ssmParameterName('/netwarden/prod/slack-webhook-url'),
  SLACK_WEBHOOK_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  /** webhook (the default): the incoming webhook. app: the Slack app's bot, threads and routes (docs/slack-app.md). */
  SLACK_MODE: z.enum(['webhook', 'app']).default('webhook'),
  ...SlackWebApiConfig,
  /** App mode only. */
  SLACK_BOT_TOKEN_PARAMETER: SlackWebApiConfig.SLACK_BOT_TOKEN_PARAMETER.optional(),
}).refine((env) => env.SLACK_MODE === 'webhook' || (env.SLACK_BOT_TOKEN_PARAMETER && env.STATE_TABLE_NAME), {
  message: 'SLACK_MODE=app needs SLACK_BOT_TOKEN_PARAMETER and STATE_TABLE_NAME',
  path: ['SLACK_MODE'],
});
const { config, now, log } = wireBase(NotifySlackConfig);

// Module scope: the cached webhook and the per-webhook post queue live across warm invocations.
const webhookUrl = lazySecureString(config.SLACK_WEBHOOK_PARAMETER, {
  ttlMs: config.SLACK_WEBHOOK_CACHE_SECONDS * 1000,
  now,
});
const post = slackPoster();
// Webhook mode: each message's mention from its route, times in the policy's zone, groups by name.
const webhookPolicy = config.SLACK_MODE === 'webhook' ? readWebhookPolicy(config.POLICY_PATH) : undefined;
// App mode loads on its first batch (the policy, the Web API client, the thread store); never in webhook mode.
let invocation: Context | undefined;
const appMode = lazyFunction(async () => {
  const [{ wireAppMode }, { notifySlackApp }] = await Promise.all([
    import('./app-wiring'),
    import('./app-mode'),
  ]);
  const wiring = wireAppMode({
    policyPath: config.POLICY_PATH,
    botTokenParameter: config.SLACK_BOT_TOKEN_PARAMETER ?? '',
    tableName: config.STATE_TABLE_NAME ?? '',
    ...(config.SLACK_API_BASE_URL ? { apiBaseUrl: config.SLACK_API_BASE_URL } : {}),
    tokenTtlMs: config.SLACK_WEBHOOK_CACHE_SECONDS * 1000,
    now,
    budgetMs: () => (invocation?.getRemainingTimeInMillis() ?? 30_000) - RESERVE_MS,
  });
  return async (records: ReadonlyArray<NotificationRecord>, context: Context) =>
    notifySlackApp(records, {
      ...wiring,
      format: { defaultRegion: config.AWS_REGION, groupNames: wiring.groupNames },
      remainingMs: () => context.getRemainingTimeInMillis(),
      log,
    });
});
const depsFor = (context: Context): NotifyDeps => ({
  webhookUrl,
  post,
  remainingMs: () => context.getRemainingTimeInMillis(),
  format: { defaultRegion: config.AWS_REGION, groupNames: webhookPolicy?.groupNames ?? {} },
  ...(webhookPolicy?.slack ? { slack: webhookPolicy.slack } : {}),
  log,
});

export const handler = lambda({
  schema: SqsBatchTrigger,
  unprocessable: (refusal, context) => reportUnreadableEvent(refusal, depsFor(context)),
}).handler(async ({ Records }, context) => {
  invocation = context;
  const response =
    config.SLACK_MODE === 'app'
      ? await appMode(Records, context)
      : await notifySlack(Records, depsFor(context));
  log.info('batch handled', { records: Records.length, failed: response.batchItemFailures.length });
  return response;
});
