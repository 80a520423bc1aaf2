/** notify-slack: SQS (alarms topic, findings topic, alarm state events) → Slack. Wiring only. */
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { lazySecureString } from '../../shared/aws/lazy-secrets';
import { BaseConfig } from '../../shared/config';
import { SqsBatchTrigger } from '../../shared/events/sqs';
import { lambda } from '../../shared/middleware';
import { slackPoster } from '../../shared/slack/send';
import { wireBase } from '../../shared/wiring-base';
import { type NotifyDeps, notifySlack, reportUnreadableEvent } from './notify';

// notify-slack publishes no finding (it has no sns:Publish): it needs the webhook, not the topic or the policy.
const NotifySlackConfig = BaseConfig.extend({
  /** Name (not value) of the SecureString holding the webhook URL. */
  SLACK_WEBHOOK_PARAMETER: z.string().regex(/^\/[\w.\-/]+$/, {
    message: 'expected an SSM parameter name like /netwarden/prod/slack-webhook-url',
  }),
  SLACK_WEBHOOK_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
});
const { config, now, log } = wireBase(NotifySlackConfig);

// Module scope: the cached webhook and the per-webhook post queue live across warm invocations.
const webhookUrl = lazySecureString(config.SLACK_WEBHOOK_PARAMETER, {
  ttlMs: config.SLACK_WEBHOOK_CACHE_SECONDS * 1000,
  now,
});
const post = slackPoster();
const depsFor = (context: Context): NotifyDeps => ({
  webhookUrl,
  post,
  remainingMs: () => context.getRemainingTimeInMillis(),
  format: { defaultRegion: config.AWS_REGION },
  log,
});

export const handler = lambda({
  schema: SqsBatchTrigger,
  unprocessable: (refusal, context) => reportUnreadableEvent(refusal, depsFor(context)),
}).handler(async ({ Records }, context) => {
  const response = await notifySlack(Records, depsFor(context));
  log.info('batch handled', { records: Records.length, failed: response.batchItemFailures.length });
  return response;
});
