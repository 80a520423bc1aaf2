/**
 * What the state table says about rules an event added or changed, for revert-sg-drift.
 *
 * A rule is a grant only when grant-access recorded it (record.ts); its tags are a label anyone can
 * write, so they neither protect nor condemn a rule. A recorded grant is approved access
 * (DecideContext.isRecordedGrant); any other rule — grant-tagged or not — is judged like every other rule,
 * and a grant-tagged one without a record is also reported as a forged grant.
 */
import { type Rule, sameAccess } from '../rules/rule';
import type { DecideContext } from '../sg/decide';
import { accessKey, type GrantRecordReader, isRecordedRule } from './record';
import { hasGrantTags } from './tags';

export interface GrantLookup {
  /** Rules that are recorded grants. */
  readonly recorded: Rule[];
  /** Rules carrying grant tags that no live record matches. */
  readonly forged: Rule[];
}

/**
 * Looks up the rules that carry grant tags (every grant carries the label grant-access put on it;
 * one GetItem per such rule, none for any other rule). The tag only decides whether to look; the
 * record decides what the rule is. A real grant whose label someone stripped is judged like a
 * hand-made rule: at worst it is revoked early, which narrows access and is reported.
 */
export async function lookUpGrants(
  rules: ReadonlyArray<Rule>,
  reader: GrantRecordReader,
): Promise<GrantLookup> {
  const lookup: GrantLookup = { recorded: [], forged: [] };
  for (const rule of rules) {
    if (!hasGrantTags(rule.tags)) continue;
    const record = await reader.get(rule.groupId, accessKey(rule));
    if (isRecordedRule(rule, record)) lookup.recorded.push(rule);
    else lookup.forged.push(rule);
  }
  return lookup;
}

/** DecideContext.isRecordedGrant: one of the rules the lookup found recorded (same id, same access). */
export function recordedGrantIn(
  recorded: ReadonlyArray<Rule>,
): NonNullable<DecideContext['isRecordedGrant']> {
  return (rule) => recorded.some((grant) => grant.ruleId === rule.ruleId && sameAccess(grant, rule));
}
