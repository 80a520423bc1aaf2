/** weekly-check: EventBridge schedule (Monday 09:00 Asia/Seoul by default) → weeklyCheck → one digest finding. Wiring only. */

import { scheduledTime } from '../../shared/audits/schedule';
import {
  lazyCertificates,
  lazyGrantStore,
  lazyLoadBalancing,
  lazyMetrics,
  lazyNetworkReferences,
  lazyPublisher,
  lazySecurityGroupInventory,
  lazyTerraformStateObjects,
} from '../../shared/aws/lazy-adapters';
import { BaseConfig, parseConfig } from '../../shared/config';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { effectiveMode, loadPolicy } from '../../shared/policy/load';
import { stateBaselineLoader } from '../../shared/terraform/baseline-loader';
import { type WeeklyDeps, weeklyCheck } from './weekly';

const config = parseConfig(
  BaseConfig.required({ FINDINGS_TOPIC_ARN: true, STATE_TABLE_NAME: true }),
  process.env,
);
const policy = loadPolicy(config.POLICY_PATH);
const mode = effectiveMode(policy, undefined, config.NETWARDEN_MODE);
const publish = lazyPublisher(config.FINDINGS_TOPIC_ARN);
const stateObjects = lazyTerraformStateObjects();
const now = () => new Date();

const deps: WeeklyDeps = {
  elb: lazyLoadBalancing({ bulk: true }),
  metrics: lazyMetrics(),
  certificates: lazyCertificates(),
  sg: lazySecurityGroupInventory(),
  network: lazyNetworkReferences(),
  state: stateBaselineLoader(policy.terraformState, (ref) => stateObjects.read(ref), now),
  grants: lazyGrantStore(config.STATE_TABLE_NAME),
  policy,
  publish,
};

export const handler = lambda(async (event: unknown) => {
  const at = await scheduledTime(event, { function: 'weekly-check', mode, publish, now });
  if (!at) return { status: 'unprocessable' };
  const { finding } = await weeklyCheck(at, deps);
  logger.info('weekly check published', { severity: finding.severity, title: finding.title });
  return { status: 'published', title: finding.title };
});
