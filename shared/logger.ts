import { Logger } from '@aws-lambda-powertools/logger';
import { withSourceStack } from './source-maps';

/**
 * The one logger. Constant messages, data in the second argument, never the webhook URL. An error it
 * logs has its stack put in source terms first (shared/source-maps.ts): the functions run without
 * `--enable-source-maps`, so the maps are read only when something has failed.
 */
export const logger = new Logger({
  serviceName: 'netwarden',
  jsonReplacerFn: (_key, value) => withSourceStack(value),
});
