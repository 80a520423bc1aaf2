/**
 * The grant tag model. A grant is an ingress rule carrying these tags; everything netwarden knows
 * about a grant is on the rule, so the one tag-filtered DescribeSecurityGroupRules query finds it all.
 */
export const GRANT_TAG_PREFIX = 'netwarden:grant-';
export const GRANT_TAGS = {
  /** When the grant ends, ISO-8601 UTC (`2026-11-23T01:00:00Z`). The key expire-grants queries by. */
  expiresAt: 'netwarden:grant-expires-at',
  /** When the current expiry was issued (creation or latest extension); expiry - issued ≤ maxTtl. */
  issuedAt: 'netwarden:grant-issued-at',
  owner: 'netwarden:grant-owner',
  reason: 'netwarden:grant-reason',
  /** The access granted (`tcp 5432 from 203.0.113.7/32`): a rule edited after it was granted no longer matches. */
  access: 'netwarden:grant-access',
  /** Set when the "expiring soon" finding was published, so each expiry is warned about once. */
  warnedAt: 'netwarden:grant-warned-at',
} as const;

/** The one query that finds every grant, whatever the number of groups. */
export const GRANT_QUERY = [{ Name: 'tag-key', Values: [GRANT_TAGS.expiresAt] }];

export function hasGrantTags(tags: Readonly<Record<string, string>>): boolean {
  return Object.keys(tags).some((key) => key.startsWith(GRANT_TAG_PREFIX));
}

/** Second-precision ISO-8601 UTC, as written into tags. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Parses an ISO-8601 UTC time (with `Z`); anything else — local times, offsets, prose — is undefined. */
export function parseIsoUtc(text: string | undefined): Date | undefined {
  if (text === undefined || !ISO_UTC.test(text.trim())) return undefined;
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}
