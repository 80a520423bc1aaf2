/**
 * Loads the baseline of every Terraform state object the policy names, and keeps it for a few minutes
 * so that a burst of CloudTrail events costs one S3 read per object, not one per event.
 */
import type { TerraformStateRef } from '../policy/schema';
import type { Rule } from '../rules/rule';
import { baselineFromState, mergeBaselines, parseTerraformState, type StateBaseline } from './state';

export const STATE_TTL_MS = 5 * 60_000;

export interface StateBaselineLoader {
  /** Every object read and merged; throws (with the object's name) when one cannot be read or parsed. */
  load(): Promise<StateBaseline>;
  /** The group's baseline rules from state, or undefined when state says nothing (or is incomplete) about it. */
  forGroup(groupId: string): Promise<Rule[] | undefined>;
}

export function stateBaselineLoader(
  refs: ReadonlyArray<TerraformStateRef>,
  read: (ref: TerraformStateRef) => Promise<string>,
  now: () => Date,
  ttlMs = STATE_TTL_MS,
): StateBaselineLoader {
  let cached: { value: Promise<StateBaseline>; at: number } | undefined;
  const load = (): Promise<StateBaseline> => {
    const time = now().getTime();
    if (cached && time - cached.at < ttlMs) return cached.value;
    const value = Promise.all(
      refs.map(async (ref) => {
        const name = `s3://${ref.bucket}/${ref.key}`;
        let text: string;
        try {
          text = await read(ref);
        } catch (error) {
          throw new Error(`cannot read Terraform state ${name}: ${(error as Error).message}`, {
            cause: error,
          });
        }
        return parseTerraformState(text, name);
      }),
    ).then(mergeBaselines);
    // A failed read is not cached: the next call tries again.
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
    cached = { value, at: time };
    return value;
  };
  return {
    load,
    async forGroup(groupId) {
      if (refs.length === 0) return undefined;
      return baselineFromState(await load(), groupId);
    },
  };
}

/**
 * The state baseline for revert-sg-drift, where an unreadable state object must not stop remediation:
 * without it netwarden decides on the policy's baseline alone (added rules are still revoked; only
 * restores depend on a baseline, so nothing is widened), and says so through `onUnreadable`.
 */
export function baselineOrNothing(
  loader: StateBaselineLoader,
  onUnreadable: (error: unknown) => void,
): (groupId: string) => Promise<Rule[] | undefined> {
  return async (groupId) => {
    try {
      return await loader.forGroup(groupId);
    } catch (error) {
      onUnreadable(error);
      return undefined;
    }
  };
}
