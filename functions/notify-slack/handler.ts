/** notify-slack: SQS (alarms topic, findings topic, alarm state events) → Slack. Wiring only. */
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { lazySecureString } from '../../shared/aws/secrets';
import { BaseConfig, parseConfig } from '../../shared/config';
import { SqsEvent } from '../../shared/events/sqs';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { slackPoster } from '../../shared/slack/send';
import { notifySlack } from './notify';

const NotifySlackConfig = BaseConfig.extend({
  /** Name (not value) of the SecureString holding the webhook URL. */
  SLACK_WEBHOOK_PARAMETER: z.string().regex(/^\/[\w.\-/]+$/, {
    message: 'expected an SSM parameter name like /netwarden/prod/slack-webhook-url',
  }),
  SLACK_WEBHOOK_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
});
const config = parseConfig(NotifySlackConfig, process.env);

// Module scope: the cached webhook and the per-webhook post queue live across warm invocations.
const webhookUrl = lazySecureString(config.SLACK_WEBHOOK_PARAMETER, {
  ttlMs: config.SLACK_WEBHOOK_CACHE_SECONDS * 1000,
  now: Date.now,
});
const post = slackPoster();
const log = {
  info: (message: string, data: Record<string, unknown>) => logger.info(message, data),
  warn: (message: string, data: Record<string, unknown>) => logger.warn(message, data),
  error: (message: string, data: Record<string, unknown>) => logger.error(message, data),
};

export const handler = lambda(async (event: unknown, context: Context) => {
  const { Records } = SqsEvent.parse(event);
  const response = await notifySlack(Records, {
    webhookUrl,
    post,
    remainingMs: () => context.getRemainingTimeInMillis(),
    format: { defaultRegion: config.AWS_REGION },
    log,
  });
  logger.info('batch handled', { records: Records.length, failed: response.batchItemFailures.length });
  return response;
});
