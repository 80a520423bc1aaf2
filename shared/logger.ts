import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger. Constant messages, data in the second argument, never the webhook URL. */
export const logger = new Logger({ serviceName: 'netwarden' });
