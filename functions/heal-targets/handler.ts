/** heal-targets: EventBridge (UnHealthyHostCount alarm → ALARM, and the sweep schedule) → healTargets. Wiring only. */
import { ec2Client, elbv2Client, snsClient } from '../../shared/aws/clients';
import { securityGroupPort } from '../../shared/aws/ec2';
import { instancePort } from '../../shared/aws/ec2-instances';
import { elbv2Port } from '../../shared/aws/elbv2';
import { snsPublisher } from '../../shared/aws/sns';
import { BaseConfig, parseConfig } from '../../shared/config';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { loadPolicy } from '../../shared/policy/load';
import { healTargets } from './heal';

const config = parseConfig(BaseConfig.required({ FINDINGS_TOPIC_ARN: true }), process.env);

const deps = {
  elbv2: elbv2Port(elbv2Client()),
  instances: instancePort(ec2Client()),
  sg: securityGroupPort(ec2Client()),
  publish: snsPublisher(snsClient(), config.FINDINGS_TOPIC_ARN),
  now: () => new Date(),
  policy: loadPolicy(config.POLICY_PATH),
  ...(config.NETWARDEN_MODE ? { modeOverride: config.NETWARDEN_MODE } : {}),
  log: (message: string, data: Record<string, unknown>) => logger.info(message, data),
};

export const handler = lambda(async (event: unknown) => {
  const outcome = await healTargets(event, deps);
  const groups = outcome.status === 'done' ? outcome.groups : [];
  logger.info('event handled', { status: outcome.status, groups });
  return { status: outcome.status, groups };
});
