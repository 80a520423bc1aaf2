/**
 * Tags on security-group rules (sgr- ids): grants keep their expiry and their "already warned"
 * marker on the rule itself, so the state lives with the access it describes and disappears with it.
 */
import { CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';

export interface RuleTagger {
  /** Creates or overwrites these tags on the rules (CreateTags is an upsert). */
  tagRules(ruleIds: string[], tags: Record<string, string>): Promise<void>;
}

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
