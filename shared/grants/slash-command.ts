/**
 * `/netwarden grant <group> <port> <source> <ttl> <reason…>` as Slack sends its text, read strictly
 * into the same GrantRequest a POST to grant-access carries (request.ts), so that one validation
 * (validateGrantRequest: grantable groups, ports, sources, minTtl/maxTtl) decides both. Pure.
 * The requester is never part of the text: it is the Slack user id of the signed request.
 */
import type { GrantRequest } from './request';

export const GRANT_USAGE = '/netwarden grant <group> <port> <source> <ttl> <reason…>';
const FIELDS = ['group', 'port', 'source', 'ttl', 'reason'] as const;

export type ParsedCommand =
  | { readonly ok: true; readonly request: GrantRequest }
  | { readonly ok: false; readonly problems: string[] };

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/**
 * Slack sends a slash command's text with its three control characters escaped (`&` `<` `>` as
 * entities): decoded back, once, in one pass, so `&amp;lt;` (a user typing `&lt;`) stays `&lt;`.
 */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

/**
 * The command's text → a grant request, or every problem naming the field and the value. The source
 * is a CIDR (or a host address) or a security group id; the reason is the rest of the line.
 */
export function parseGrantCommand(text: string): ParsedCommand {
  const words = decodeSlackEntities(text).trim().split(/\s+/).filter(Boolean);
  const [verb, group, port, source, ttl, ...reason] = words;
  if (verb === undefined || verb === 'help') return { ok: false, problems: [`usage: ${GRANT_USAGE}`] };
  if (verb !== 'grant')
    return {
      ok: false,
      problems: [`command ${JSON.stringify(verb)} is not one netwarden knows: usage ${GRANT_USAGE}`],
    };
  const given = [group, port, source, ttl, reason.length > 0 ? reason.join(' ') : undefined];
  const missing = FIELDS.filter((_, index) => given[index] === undefined);
  if (missing.length > 0)
    return {
      ok: false,
      problems: missing.map((field) => `${field} is required: ${GRANT_USAGE}`),
    };
  const sourceField =
    source !== undefined && /^sg-/.test(source) ? { sourceGroup: source } : { cidr: source ?? '' };
  return {
    ok: true,
    request: {
      group: group ?? '',
      port: port ?? '',
      ...sourceField,
      ttl: ttl ?? '',
      reason: reason.join(' '),
    },
  };
}
