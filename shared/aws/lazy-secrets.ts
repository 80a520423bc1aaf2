/**
 * The secrets loader: a SecureString read from SSM on first use (see lazy.ts) with one signed call
 * and no SDK client (secure-string.ts), then cached.
 * Kept apart from lazy-adapters.ts on purpose: esbuild bundles every `import()` it sees, even in
 * unused code, so importing lazy-adapters.ts would carry the EC2 and ELB clients into a bundle that
 * needs only SSM (notify-slack).
 */
import type { JournalReader } from '../safety/journal';
import type { StoryEnds, ThreadStore } from '../slack/app';
import type { PressLedger } from '../slack/interaction';
import { lazyAdapter, lazyFunction } from './lazy';
import type { CachedSecretOptions, Secret } from './secure-string';

/** A SecureString (the Slack webhook URL), read through SSM on first use and cached per `options`. */
export const lazySecureString = (name: string, options?: CachedSecretOptions): (() => Promise<Secret>) =>
  lazyFunction(async () => (await import('./secure-string')).secureStringOverHttp(name, options));

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

/** The interaction function's presses (the state table's slack-press# items), loaded on first use. */
export const lazySlackPresses = (tableName: string, now: () => Date) =>
  lazyAdapter<PressLedger>(async () => {
    const [{ slackPressLedger }, { dynamoDbClient }] = await Promise.all([
      import('./state-table/slack-presses'),
      import('./clients/dynamodb'),
    ]);
    return slackPressLedger(dynamoDbClient(), tableName, now);
  });

/** The journal as the interaction function reads it (an Undo's revoked rules), loaded on first use. */
export const lazyJournalReader = (tableName: string) =>
  lazyAdapter<Pick<JournalReader, 'byEvent'>>(async () => {
    const [{ journalReader }, { dynamoDbClient }] = await Promise.all([
      import('./state-table/journal'),
      import('./clients/dynamodb'),
    ]);
    return journalReader(dynamoDbClient(), tableName);
  });
