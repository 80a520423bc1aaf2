/**
 * Telling people where a grant request stands (shared/grants/approval.ts): its channel message updated
 * in place, and direct messages to its requester. Used by slack-interact (answers) and expire-grants
 * (timeouts, expiry). Slack being down never undoes a state change: a lost update is logged, and the
 * state table stays the truth the next update shows.
 */
import { errorMessage } from '../errors';
import type { GrantRequestRecord } from '../grants/approval';
import type { SlackWebApi } from './app';
import { escaped, message } from './blocks';
import { grantRequestMessage } from './grant-request-blocks';

interface NewsDeps {
  readonly slack: Pick<SlackWebApi, 'update' | 'postDirect'>;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
}

export async function showState(request: GrantRequestRecord, deps: NewsDeps): Promise<void> {
  if (!request.message) return;
  await deps.slack
    .update(request.message, grantRequestMessage(request))
    .catch((error: unknown) =>
      deps.log?.('grant request message not updated', { id: request.id, error: errorMessage(error) }),
    );
}

/** A direct message to the requester; a lost one is only logged (the channel message shows the state). */
export async function tellRequester(
  request: GrantRequestRecord,
  text: string,
  deps: NewsDeps,
): Promise<void> {
  await deps.slack
    .postDirect(request.requester.slack, message(escaped(text), []))
    .catch((error: unknown) =>
      deps.log?.('direct message not sent', { id: request.id, error: errorMessage(error) }),
    );
}
