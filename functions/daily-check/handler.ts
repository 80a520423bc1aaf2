/** daily-check: EventBridge schedule (09:00 Asia/Seoul by default) → dailyCheck → one digest finding. Wiring only. */

import { scheduledTime } from '../../shared/audits/schedule';
import {
  lazyAlarms,
  lazyGrantStore,
  lazyLoadBalancing,
  lazyPublisher,
  lazySecurityGroupInventory,
  lazySecurityGroupTrail,
} from '../../shared/aws/lazy-adapters';
import { BaseConfig, parseConfig, selfRolePatterns } from '../../shared/config';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { effectiveMode, loadPolicy } from '../../shared/policy/load';
import { type DailyDeps, dailyCheck } from './daily';

const config = parseConfig(
  BaseConfig.required({ FINDINGS_TOPIC_ARN: true, STATE_TABLE_NAME: true }),
  process.env,
);
const policy = loadPolicy(config.POLICY_PATH);
const mode = effectiveMode(policy, undefined, config.NETWARDEN_MODE);
const publish = lazyPublisher(config.FINDINGS_TOPIC_ARN);

const deps: DailyDeps = {
  elb: lazyLoadBalancing({ bulk: true }),
  alarms: lazyAlarms(),
  trail: lazySecurityGroupTrail(),
  sg: lazySecurityGroupInventory(),
  grants: lazyGrantStore(config.STATE_TABLE_NAME),
  policy,
  selfRoles: selfRolePatterns(config),
  publish,
};

export const handler = lambda(async (event: unknown) => {
  const at = await scheduledTime(event, { function: 'daily-check', mode, publish, now: () => new Date() });
  if (!at) return { status: 'unprocessable' };
  const { finding } = await dailyCheck(at, deps);
  logger.info('daily check published', { severity: finding.severity, title: finding.title });
  return { status: 'published', title: finding.title };
});
