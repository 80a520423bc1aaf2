/**
 * The grant LABEL: tags grant-access puts on the rule it creates, so that people looking at the rule
 * in the console see whose it is and until when. Nothing reads them to decide anything: the grant is
 * the record in the state table (record.ts). Tags are anyone's to add, edit or remove; a rule that
 * carries these tags without a record is a forged grant (functions/revert-sg-drift/grant-tags.ts).
 *
 * The one definition of the tag keys. serverless.yml cannot import them: grant-access's
 * LabelGrantOnExtend statement lists them again, and test/packaging/grants-template.test.ts holds
 * that list equal to GRANT_TAGS.
 */
import { type Rule, summarise } from '../rules/rule';

export const GRANT_TAG_PREFIX = 'netwarden:grant-';
export const GRANT_TAGS = {
  expiresAt: `${GRANT_TAG_PREFIX}expires-at`,
  issuedAt: `${GRANT_TAG_PREFIX}issued-at`,
  owner: `${GRANT_TAG_PREFIX}owner`,
  reason: `${GRANT_TAG_PREFIX}reason`,
  access: `${GRANT_TAG_PREFIX}access`,
} as const;

export const isGrantTagKey = (key: string): boolean => key.startsWith(GRANT_TAG_PREFIX);

export function hasGrantTags(tags: Readonly<Record<string, string>>): boolean {
  return Object.keys(tags).some(isGrantTagKey);
}

/** The label grant-access writes on create and on extend. */
export function grantLabel(grant: {
  access: Rule;
  expiresAt: Date;
  issuedAt: Date;
  owner: string;
  reason: string;
}): Record<string, string> {
  return {
    [GRANT_TAGS.expiresAt]: isoSeconds(grant.expiresAt),
    [GRANT_TAGS.issuedAt]: isoSeconds(grant.issuedAt),
    // EC2 tag values hold at most 256 characters.
    [GRANT_TAGS.owner]: grant.owner.slice(0, 256),
    [GRANT_TAGS.reason]: grant.reason.slice(0, 256),
    [GRANT_TAGS.access]: summarise(grant.access),
  };
}

/** Second-precision ISO-8601 UTC. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
