/** grant-access: its Function URL (AWS_IAM auth) → handleGrantCall. Wiring only. */
import {
  lazyGrantStore,
  lazyPublisher,
  lazyRuleTagger,
  lazySecurityGroups,
} from '../../shared/aws/lazy-adapters';
import { BaseConfig, parseConfig } from '../../shared/config';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { loadPolicy } from '../../shared/policy/load';
import { handleGrantCall } from './http';

const config = parseConfig(
  BaseConfig.required({ FINDINGS_TOPIC_ARN: true, STATE_TABLE_NAME: true }),
  process.env,
);
const deps = {
  sg: lazySecurityGroups(),
  tagger: lazyRuleTagger(),
  store: lazyGrantStore(config.STATE_TABLE_NAME),
  publish: lazyPublisher(config.FINDINGS_TOPIC_ARN),
  now: () => new Date(),
  policy: loadPolicy(config.POLICY_PATH),
  ...(config.NETWARDEN_MODE ? { modeOverride: config.NETWARDEN_MODE } : {}),
  log: (message: string, data: Record<string, unknown>) => logger.info(message, data),
};

/** The HTTP response for the Function URL: the grant, the listing, or every problem with the request. */
export const handler = lambda(async (event: unknown) => handleGrantCall(event, deps));
