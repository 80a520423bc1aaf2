/** grant-access: direct invoke with a grant request → grantAccess. Wiring only. */
import type { SecurityGroupPort } from '../../shared/aws/ec2';
import type { RuleTagger } from '../../shared/aws/ec2-tags';
import { lazyFunction, lazyPort } from '../../shared/aws/lazy';
import { BaseConfig, parseConfig } from '../../shared/config';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { loadPolicy } from '../../shared/policy/load';
import { grantAccess } from './grant';

const config = parseConfig(BaseConfig.required({ FINDINGS_TOPIC_ARN: true }), process.env);
const ec2 = async () => (await import('../../shared/aws/clients')).ec2Client();

const deps = {
  sg: lazyPort<SecurityGroupPort>(async () =>
    (await import('../../shared/aws/ec2')).securityGroupPort(await ec2()),
  ),
  tagger: lazyPort<RuleTagger>(async () =>
    (await import('../../shared/aws/ec2-tags')).ruleTagger(await ec2()),
  ),
  publish: lazyFunction(async () => {
    const [{ snsPublisher }, { snsClient }] = await Promise.all([
      import('../../shared/aws/sns'),
      import('../../shared/aws/clients'),
    ]);
    return snsPublisher(snsClient(), config.FINDINGS_TOPIC_ARN);
  }),
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
