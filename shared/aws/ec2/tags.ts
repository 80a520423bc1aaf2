/**
 * Tags on security-group rules (sgr- ids). grant-access keeps the label of a grant current when it
 * is extended; the label is for people only — a grant's state lives in netwarden's state table.
 */
import { CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { RuleTagger } from '../../estate/security-groups';

export function ruleTagger(client: EC2Client): RuleTagger {
  return {
    async tagRules(ruleIds, tags) {
      if (ruleIds.length === 0 || Object.keys(tags).length === 0) return;
      await client.send(
        new CreateTagsCommand({
          Resources: ruleIds,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    },
  };
}
