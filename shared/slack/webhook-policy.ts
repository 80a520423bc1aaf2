/**
 * What notify-slack's webhook mode reads of the policy: its slack section (each route's mention, the
 * timezone) and the security groups' names. A webhook posts to the one channel it was made for, so the
 * routes' channels mean nothing to it; their mentions and the policy's timezone do (docs/slack-app.md).
 *
 * In Lambda bundles tools/esbuild-plugins.cjs replaces this module with its answer computed when the
 * bundle was built — by this very function, through tsx, on the policy the bundle ships — so a
 * webhook-mode cold start neither parses YAML nor validates the whole policy, and a policy it would
 * refuse fails the build (as every function's policy does).
 */
import { loadPolicy } from '../policy/load';
import type { SlackPolicy } from '../policy/slack';
import { groupNamesOf } from './routes';

export interface WebhookPolicy {
  /** The policy's slack section, absent when it has none (then: `@here` and UTC). */
  readonly slack?: SlackPolicy;
  readonly groupNames: Readonly<Record<string, string>>;
}

export function readWebhookPolicy(path: string): WebhookPolicy {
  const policy = loadPolicy(path);
  return {
    ...(policy.slack ? { slack: policy.slack } : {}),
    groupNames: groupNamesOf(policy.securityGroups),
  };
}
