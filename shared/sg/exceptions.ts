/**
 * Exceptions: the policy's reviewed list (`exceptions:` in netwarden.policy.yml) is the only thing that
 * exempts a rule. A `netwarden:ignore` tag exempts nothing: anyone with ec2:CreateTags can set one, so a
 * rule carrying it is judged like any other and reported, so that its owner moves it into the policy.
 * Pure: the clock comes in as `now`.
 */

import type { PolicyException } from '../policy/schema';
import { normalisePorts, type Rule, sameAccess } from '../rules/rule';

/** The tag that once exempted a rule. It is read only to tell the rule's owner that it no longer does. */
export const IGNORE_TAG = 'netwarden:ignore';

/** One policy exception with its place in the file, so that messages can point at it. */
export interface ExceptionRef {
  /** `policy.exceptions[2]`: where to renew or remove it. */
  readonly path: string;
  readonly exception: PolicyException;
}

export interface ExceptionsForRule {
  /** The exception in force for this rule, if any. */
  readonly active?: ExceptionRef;
  /** Exceptions for this very rule whose expiry has passed: they no longer apply and are reported. */
  readonly expired: ExceptionRef[];
}

/** The concrete rules an exception names (one per port range), on its group. */
export function exceptionRules(exception: PolicyException): Rule[] {
  const ranges = exception.rule.ports ?? [undefined];
  return ranges.map(
    (range): Rule => ({
      groupId: exception.group,
      direction: exception.rule.direction,
      protocol: exception.rule.protocol,
      ...normalisePorts(exception.rule.protocol, range?.from, range?.to),
      peer: exception.rule.source,
      tags: {},
    }),
  );
}

/**
 * An exception applies to a rule of its group with exactly the access it names (direction, protocol,
 * ports, source): a reviewed exception for `10.30.0.0/16` does not stretch to `0.0.0.0/0`.
 */
export function exceptionsFor(
  exceptions: ReadonlyArray<PolicyException>,
  rule: Rule,
  now: Date,
): ExceptionsForRule {
  let active: ExceptionRef | undefined;
  const expired: ExceptionRef[] = [];
  exceptions.forEach((exception, index) => {
    if (exception.group !== rule.groupId) return;
    if (!exceptionRules(exception).some((named) => sameAccess(named, rule))) return;
    const ref = { path: `policy.exceptions[${index}]`, exception };
    if (exception.expires.getTime() > now.getTime()) active ??= ref;
    else expired.push(ref);
  });
  return { ...(active ? { active } : {}), expired };
}

/** Every exception whose expiry has passed, whether or not a rule still matches it. */
export function expiredExceptions(exceptions: ReadonlyArray<PolicyException>, now: Date): ExceptionRef[] {
  return exceptions.flatMap((exception, index) =>
    exception.expires.getTime() <= now.getTime() ? [{ path: `policy.exceptions[${index}]`, exception }] : [],
  );
}

/** `2027-03-31` for a day, the full UTC time otherwise. */
export function formatExpiry(expires: Date): string {
  const iso = expires.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/** `policy.exceptions[0] ("CHG-1234 legacy batch hosts")`. */
export function nameOf(ref: ExceptionRef): string {
  return `${ref.path} (${JSON.stringify(ref.exception.reason)})`;
}

/** The value of the rule's netwarden:ignore tag, when it carries one (even an empty one). */
export function ignoreTagOf(rule: Rule): string | undefined {
  return rule.tags[IGNORE_TAG];
}

/** Tag values are anyone's to write: quoted, and cut short so that one cannot flood a message. */
export function quoteTag(value: string, max = 120): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
