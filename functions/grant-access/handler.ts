/** grant-access: direct invoke with a grant request → grantAccess. Wiring only. */
import { lazyPublisher, lazyRuleTagger, lazySecurityGroupPort } from '../../shared/aws/ports';
import { BaseConfig, parseConfig } from '../../shared/config';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { loadPolicy } from '../../shared/policy/load';
import { grantAccess } from './grant';

const config = parseConfig(BaseConfig.required({ FINDINGS_TOPIC_ARN: true }), process.env);
const deps = {
  sg: lazySecurityGroupPort(),
  tagger: lazyRuleTagger(),
  publish: lazyPublisher(config.FINDINGS_TOPIC_ARN),
  now: () => new Date(),
  policy: loadPolicy(config.POLICY_PATH),
  ...(config.NETWARDEN_MODE ? { modeOverride: config.NETWARDEN_MODE } : {}),
  log: (message: string, data: Record<string, unknown>) => logger.info(message, data),
};

/** Returns the outcome to the caller: the rule id and expiry, or every validation problem. */
export const handler = lambda(async (event: unknown) => {
  const { finding: _published, ...outcome } = await grantAccess(event, deps);
  return outcome;
});
