/**
 * The policy's `people` section: who may act from Slack, by the Slack user id Slack vouches for in a
 * signed request, and what each may do. A Slack display name or e-mail is anyone's to change; the id
 * is not, so the id is the key and the name is only how findings speak of the person.
 */
import * as z from 'zod';

/**
 * What a person may do from Slack (docs/slack-app.md, docs/grants.md): press a button (undo, extend,
 * revoke), ask for a grant with `/netwarden grant` (request), answer someone else's request with its
 * Approve or Deny button (approve). Each person may only what `may` lists.
 */
export const SLACK_ACTIONS = ['undo', 'extend', 'revoke', 'request', 'approve'] as const;
export type SlackAction = (typeof SLACK_ACTIONS)[number];

export const Person = z
  .object({
    name: z
      .string()
      .regex(/^[\w.@-]{1,64}$/, { message: 'expected a short name (letters, digits, . _ - @)' }),
    slack: z.string().regex(/^[UW][A-Z0-9]{6,}$/, { message: 'expected a Slack user id like U012ABCDEF' }),
    may: z.array(z.enum(SLACK_ACTIONS)).min(1),
  })
  .strict();
export type Person = z.infer<typeof Person>;

export const People = z
  .array(Person)
  .default([])
  .superRefine((people, ctx) => {
    const seen = { name: new Set<string>(), slack: new Set<string>() };
    people.forEach((person, index) => {
      for (const field of ['name', 'slack'] as const) {
        if (seen[field].has(person[field]))
          ctx.addIssue({
            code: 'custom',
            path: [index, field],
            message: `${field} ${person[field]} is listed twice: one person per Slack user`,
          });
        seen[field].add(person[field]);
      }
    });
  });

/** The person behind a Slack user id, if the policy lists one. */
export const personOf = (people: ReadonlyArray<Person>, slackUserId: string): Person | undefined =>
  people.find((person) => person.slack === slackUserId);
