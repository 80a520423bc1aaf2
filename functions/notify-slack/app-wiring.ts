/**
 * App mode's wiring, loaded by the handler on the first batch in app mode only: the policy (its slack
 * routes; shared/policy/startup.ts: validated when the bundle was built), the Web API client with the
 * bot token from SSM, and the thread store. A policy without a `slack` section fails loudly.
 */
import { lazySecureString, lazySlackThreads } from '../../shared/aws/lazy-secrets';
import type { SlackPolicy } from '../../shared/policy/slack';
import { startupPolicy } from '../../shared/policy/startup';
import type { SlackWebApi, StoryEnds, ThreadStore } from '../../shared/slack/app';
import { groupNamesOf } from '../../shared/slack/routes';
import { slackWebApi } from '../../shared/slack/web-api';

export interface AppModeWiring {
  readonly slack: SlackPolicy;
  readonly api: SlackWebApi;
  readonly threads: ThreadStore & StoryEnds;
  /** Security group names from the policy's securityGroups entries (routes.ts groupNamesOf). */
  readonly groupNames: Readonly<Record<string, string>>;
}

export function wireAppMode(settings: {
  readonly policyPath: string;
  readonly botTokenParameter: string;
  readonly tableName: string;
  readonly apiBaseUrl?: string;
  readonly tokenTtlMs: number;
  readonly now: () => Date;
  /** Milliseconds one Slack call may take: the invocation's remaining time less the reserve. */
  readonly budgetMs: () => number;
}): AppModeWiring {
  const policy = startupPolicy(settings.policyPath);
  const slack = policy.slack;
  if (!slack)
    throw new Error(
      `SLACK_MODE is app but ${settings.policyPath} has no slack section: add slack.routes (docs/slack-app.md)`,
    );
  const token = lazySecureString(settings.botTokenParameter, {
    ttlMs: settings.tokenTtlMs,
    now: settings.now,
  });
  return {
    slack,
    api: slackWebApi({
      token,
      budgetMs: settings.budgetMs,
      ...(settings.apiBaseUrl ? { baseUrl: settings.apiBaseUrl } : {}),
    }),
    threads: lazySlackThreads(settings.tableName, settings.now),
    groupNames: groupNamesOf(policy.securityGroups),
  };
}
