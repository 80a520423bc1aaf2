/**
 * The policy's `people` section: who may act from Slack, by the Slack user id Slack vouches for in a
 * signed request, and what each may do. A Slack display name or e-mail is anyone's to change; the id
 * is not, so the id is the key and the name is only how findings speak of the person.
 */

/**
 * What a person may do from Slack (docs/slack-app.md, docs/grants.md): press a button (undo, extend,
 * revoke), ask for a grant with `/netwarden grant` (request), answer someone else's request with its
 * Approve or Deny button (approve). Each person may only what `may` lists.
 */
export const SLACK_ACTIONS = ['undo', 'extend', 'revoke', 'request', 'approve'] as const;
export type SlackAction = (typeof SLACK_ACTIONS)[number];

/**
 * One person of the policy's `people` (validated by the schema's `Person`, shared/policy/schema.ts).
 * Written out here, without zod, so that a function asking who pressed a button does not load the
 * policy schema at cold start (bundles start from the policy validated at build time,
 * shared/policy/startup.ts).
 */
export interface Person {
  readonly name: string;
  readonly slack: string;
  readonly may: ReadonlyArray<SlackAction>;
}

/** The person behind a Slack user id, if the policy lists one. */
export const personOf = (people: ReadonlyArray<Person>, slackUserId: string): Person | undefined =>
  people.find((person) => person.slack === slackUserId);
