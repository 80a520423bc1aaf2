/**
 * The secrets loader: a SecureString read through SSM on first use (see lazy.ts), then cached.
 * Kept apart from lazy-adapters.ts on purpose: esbuild bundles every `import()` it sees, even in
 * unused code, so importing lazy-adapters.ts would carry the EC2 and ELB clients into a bundle that
 * needs only SSM (notify-slack). Here the only dynamic import is ./ssm, whose static import of
 * clients.ts is tree-shaken down to the SSM client.
 */
import type { StoryEnds, ThreadStore } from '../slack/app';
import { lazyAdapter, lazyFunction } from './lazy';
import type { CachedSecretOptions, Secret } from './ssm';

/** A SecureString (the Slack webhook URL), read through SSM on first use and cached per `options`. */
export const lazySecureString = (name: string, options?: CachedSecretOptions): (() => Promise<Secret>) =>
  lazyFunction(async () => (await import('./ssm')).secureStringReader(name, options));

/**
 * notify-slack's thread store in app mode (the state table's slack-thread# items), loaded on first use:
 * a webhook-mode cold start never parses the DynamoDB client.
 */
export const lazySlackThreads = (tableName: string, now: () => Date) =>
  lazyAdapter<ThreadStore & StoryEnds>(async () => {
    const [{ slackThreadStore }, { dynamoDbClient }] = await Promise.all([
      import('./state-table/slack-threads'),
      import('./clients/dynamodb'),
    ]);
    return slackThreadStore(dynamoDbClient(), tableName, now);
  });
