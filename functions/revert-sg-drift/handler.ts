/** revert-sg-drift: EventBridge (CloudTrail security-group API calls) → revertDrift. Wiring only. */
import {
  lazyEventLedger,
  lazyGrantStore,
  lazyPublisher,
  lazySecurityGroups,
  lazyTerraformStateObjects,
} from '../../shared/aws/lazy-adapters';
import { BaseConfig, parseConfig, selfRolePatterns } from '../../shared/config';
import { accountOfFunctionArn, homeOf } from '../../shared/events/home';
import { logger } from '../../shared/logger';
import { lambda } from '../../shared/middleware';
import { loadPolicy } from '../../shared/policy/load';
import { protectedGroups, recentEvents } from '../../shared/sg/protected-groups';
import { baselineOrNothing, stateBaselineLoader } from '../../shared/terraform/baseline-loader';
import { describeDecision, revertDrift } from './revert';

const config = parseConfig(
  BaseConfig.required({ FINDINGS_TOPIC_ARN: true, STATE_TABLE_NAME: true }),
  process.env,
);
const policy = loadPolicy(config.POLICY_PATH);
const sg = lazySecurityGroups();
const publish = lazyPublisher(config.FINDINGS_TOPIC_ARN);
const now = () => new Date();
// Terraform state named by the policy is baseline too (read at most once per 5 minutes).
const stateBaseline =
  policy.terraformState.length > 0
    ? stateBaselineLoader(policy.terraformState, lazyTerraformStateObjects().read, now)
    : undefined;

const deps = {
  sg,
  publish,
  now,
  policy,
  ...(config.NETWARDEN_MODE ? { modeOverride: config.NETWARDEN_MODE } : {}),
  selfRoles: selfRolePatterns(config),
  protectedGroups: protectedGroups(policy, sg, now),
  recent: recentEvents(),
  // Grants are what grant-access recorded in the state table; their tags are only a label.
  grants: lazyGrantStore(config.STATE_TABLE_NAME),
  // Exactly-once per CloudTrail event across retries and containers; loaded only for events acted on.
  ledger: lazyEventLedger(config.STATE_TABLE_NAME, 'revert-sg-drift'),
  ...(stateBaseline
    ? {
        extraBaseline: baselineOrNothing(stateBaseline, (error) =>
          logger.warn('Terraform state unreadable: deciding on the policy baseline alone', { error }),
        ),
      }
    : {}),
  log: (message: string, data: Record<string, unknown>) => logger.info(message, data),
};

export const handler = lambda(async (event: unknown, context) => {
  // The own account from configuration, else from the ARN Lambda invoked (`osls invoke local` has none).
  const home = homeOf({
    policyAccounts: policy.accounts,
    ownAccount: config.NETWARDEN_ACCOUNT_ID ?? accountOfFunctionArn(context.invokedFunctionArn),
    region: config.AWS_REGION,
  });
  // The claim on the event lapses when this invocation would time out, so a retry is never blocked.
  const claimUntil = new Date(now().getTime() + context.getRemainingTimeInMillis());
  const outcome = await revertDrift(event, { ...deps, home, claimUntil });
  const decisions =
    outcome.status === 'decided'
      ? outcome.decisions.map(describeDecision)
      : outcome.status === 'tags'
        ? [...outcome.verdicts, ...outcome.decisions.map(describeDecision)]
        : outcome.status === 'foreign'
          ? ['report:foreign-event']
          : [];
  logger.info('event handled', { status: outcome.status, decisions });
  return { status: outcome.status, decisions };
});
