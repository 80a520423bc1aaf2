/**
 * Turns one CloudTrail security-group record into a `SgChange`: what happened to which rules,
 * in the one Rule model. Shape problems raise `Unprocessable` naming the field and the value.
 */
import type * as z from 'zod';
import { Unprocessable } from '../errors';
import {
  type CloudTrailDetail,
  CtAuthorizeOrRevokeRequest,
  CtAuthorizeResponse,
  CtModifyRequest,
  type CtResponseRule,
  CtRevokeResponse,
  SG_EVENT_NAMES,
  type SgEventName,
} from '../events/cloudtrail';
import { formatIssues } from '../events/issues';
import {
  peerFromFields,
  RuleShapeError,
  ruleFromCtResponse,
  rulesFromCtFlat,
  rulesFromCtPermission,
  tagsFromList,
} from '../rules/normalise';
import { type Direction, normalisePorts, normaliseProtocol, type Peer, type Rule } from '../rules/rule';
import { type Actor, actorOf } from './actor';

/**
 * The group a change is on. Its id comes from the request or, when the request names the group only by
 * name or is missing, from the response's rule set: names are unique per VPC only, so a name is kept
 * for people and never looked up.
 */
export interface GroupRef {
  readonly groupId: string;
  readonly groupName?: string;
}

/** A modified rule's new content; the event carries neither its previous value nor its direction. */
export interface Modification {
  readonly ruleId: string;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly peer: Peer;
  readonly description?: string;
}

export type SgChange =
  | {
      readonly action: 'added';
      readonly group: GroupRef;
      readonly direction: Direction;
      /** From responseElements: the created rules with their sgr- ids. Empty for older callers. */
      readonly created: Rule[];
      /** From requestParameters, without ids: read only when the response carries no rule set. */
      readonly requested: Rule[];
    }
  | {
      readonly action: 'removed';
      readonly group: GroupRef;
      readonly direction: Direction;
      /** Rules named by properties in the request, or described in the response. */
      readonly removed: Rule[];
      readonly ruleIds: string[];
    }
  | { readonly action: 'modified'; readonly group: GroupRef; readonly modifications: Modification[] };

export interface SgEvent {
  readonly eventId: string;
  readonly eventName: SgEventName;
  readonly eventTime?: string;
  readonly region?: string;
  readonly account?: string;
  readonly actor: Actor;
  /** Set when the call failed: it changed nothing. */
  readonly errorCode?: string;
  readonly change?: SgChange;
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, field: string): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new Unprocessable(
      `${field} has an unexpected shape: ${formatIssues(result.error.issues, value, field)}`,
    );
  }
  return result.data;
}

function directionOf(eventName: SgEventName): Direction {
  return eventName.endsWith('Egress') ? 'egress' : 'ingress';
}

function ruleTagsOf(
  request: Pick<CtAuthorizeOrRevokeRequest, 'tagSpecificationSet'>,
): Record<string, string> {
  const specs = request.tagSpecificationSet ?? [];
  return tagsFromList(
    specs
      .filter((spec) => spec.resourceType === undefined || spec.resourceType === 'security-group-rule')
      .flatMap((spec) => spec.tags),
  );
}

function requestedRules(request: CtAuthorizeOrRevokeRequest, groupId: string, direction: Direction): Rule[] {
  const base = { groupId, direction, tags: ruleTagsOf(request) };
  // Read both forms: a published detector missed the flat one.
  const nested = request.ipPermissions.flatMap((permission, index) =>
    rulesFromCtPermission(permission, base, `requestParameters.ipPermissions.items[${index}]`),
  );
  return [...nested, ...rulesFromCtFlat(request, base)];
}

function toModification(
  item: CtModifyRequest['ModifySecurityGroupRulesRequest']['SecurityGroupRule'][number],
): Modification {
  const field = `ModifySecurityGroupRulesRequest.SecurityGroupRule[${item.SecurityGroupRuleId}]`;
  const body = item.SecurityGroupRule;
  const protocol = normaliseProtocol(body.IpProtocol);
  if (protocol === undefined)
    throw new RuleShapeError(
      `${field}.IpProtocol: expected an IP protocol, found ${JSON.stringify(body.IpProtocol)}`,
    );
  return {
    ruleId: item.SecurityGroupRuleId,
    protocol,
    ...normalisePorts(protocol, body.FromPort, body.ToPort),
    peer: peerFromFields(
      {
        cidrIpv4: body.CidrIpv4,
        cidrIpv6: body.CidrIpv6,
        prefixListId: body.PrefixListId,
        groupId: body.ReferencedGroupId,
      },
      field,
    ),
    ...(body.Description ? { description: body.Description } : {}),
  };
}

/**
 * The group id of an Authorize or Revoke: the request's, or the one the response's rule set names.
 * CloudTrail omits requestParameters above 100 KB, and older callers name a default-VPC group only by
 * name; the response still says which group AWS changed. A name alone is never resolved: another VPC
 * may have a group of that name.
 */
function groupOf(
  request: { groupId?: string; groupName?: string } | undefined,
  responseRules: ReadonlyArray<CtResponseRule>,
  responseField: string,
): GroupRef {
  const name = request?.groupName ? { groupName: request.groupName } : {};
  const named = responseRules.flatMap((item, index) =>
    item.groupId ? [{ groupId: item.groupId, field: `${responseField}.items[${index}].groupId` }] : [],
  );
  const requested = request?.groupId;
  const expected = requested ?? named[0]?.groupId;
  const stray = named.find((entry) => entry.groupId !== expected);
  if (expected && stray) {
    throw new Unprocessable(
      `${stray.field}: expected ${expected} (${requested ? 'the group requestParameters.groupId names' : 'the group the other rules name'}), found ${JSON.stringify(stray.groupId)}`,
    );
  }
  if (expected) return { groupId: expected, ...name };
  if (request?.groupName) {
    throw new Unprocessable(
      `requestParameters.groupName: ${JSON.stringify(request.groupName)} names no group id, and ${responseField} names none either; a group name is unique per VPC only, so netwarden does not look it up`,
    );
  }
  throw new Unprocessable(
    request
      ? `requestParameters: expected groupId or groupName, found neither`
      : `requestParameters: absent (CloudTrail omits it above 100 KB), and ${responseField} names no group either`,
  );
}

/** What an Authorize request says about its group: read even when its rules are not. */
const CtRequestGroup = CtAuthorizeOrRevokeRequest.pick({ groupId: true, groupName: true });
const CtRequestTags = CtAuthorizeOrRevokeRequest.pick({ tagSpecificationSet: true });

/**
 * An Authorize whose response lists the created rules: those rules, with their ids, group and peers,
 * are what AWS created, so they alone are judged. The request is read only for what the response
 * lacks: the group's name (for people) and the tags the caller attached. Its rules are not parsed:
 * an item netwarden cannot read (a source group named by GroupName, as the CLI sends in a default
 * VPC) must not keep a world-open rule of the same call open.
 */
function addedFromResponse(
  requestParameters: unknown,
  responseRules: ReadonlyArray<CtResponseRule>,
  direction: Direction,
): SgChange {
  const field = 'responseElements.securityGroupRuleSet';
  const request = requestParameters
    ? parseOrThrow(CtRequestGroup, requestParameters, 'requestParameters')
    : undefined;
  const group = groupOf(request, responseRules, field);
  // Tags are labels, never a credential: unreadable ones are dropped rather than block the decision.
  const tagged = requestParameters ? CtRequestTags.safeParse(requestParameters) : undefined;
  const tags = tagged?.success ? ruleTagsOf(tagged.data) : {};
  const created = responseRules.map((item, index) =>
    ruleFromCtResponse(item, { groupId: group.groupId, direction, tags }, `${field}.items[${index}]`),
  );
  return { action: 'added', group, direction, created, requested: [] };
}

function changeOf(detail: CloudTrailDetail, eventName: SgEventName): SgChange {
  if (eventName === 'ModifySecurityGroupRules') {
    if (!detail.requestParameters)
      throw new Unprocessable(
        'requestParameters: expected ModifySecurityGroupRulesRequest, found nothing (CloudTrail omits it above 100 KB, and the response names no rule): which group and rules this call changed is unknown, so the change could not be judged; check the rules the caller can edit by hand',
      );
    const request = parseOrThrow(CtModifyRequest, detail.requestParameters, 'requestParameters');
    const body = request.ModifySecurityGroupRulesRequest;
    return {
      action: 'modified',
      group: { groupId: body.GroupId },
      modifications: body.SecurityGroupRule.map(toModification),
    };
  }
  const direction = directionOf(eventName);
  if (eventName.startsWith('Authorize')) {
    const response = parseOrThrow(CtAuthorizeResponse, detail.responseElements, 'responseElements');
    if (response.securityGroupRuleSet.length > 0) {
      return addedFromResponse(detail.requestParameters, response.securityGroupRuleSet, direction);
    }
  }
  // Absent or null when CloudTrail dropped it (above 100 KB): then the response alone must decide.
  const request = detail.requestParameters
    ? parseOrThrow(CtAuthorizeOrRevokeRequest, detail.requestParameters, 'requestParameters')
    : undefined;
  if (eventName.startsWith('Authorize')) {
    // The response names no created rule (older callers): the request is all there is.
    const group = groupOf(request, [], 'responseElements.securityGroupRuleSet');
    const requested = request ? requestedRules(request, group.groupId, direction) : [];
    if (requested.length === 0) {
      throw new Unprocessable(
        'requestParameters: expected at least one permission (ipPermissions.items or the flat form), found none',
      );
    }
    return { action: 'added', group, direction, created: [], requested };
  }
  const response = parseOrThrow(CtRevokeResponse, detail.responseElements, 'responseElements');
  const field = 'responseElements.revokedSecurityGroupRuleSet';
  const group = groupOf(request, response.revokedSecurityGroupRuleSet, field);
  const ruleIds = (request?.securityGroupRuleIds ?? []).map((item) =>
    typeof item === 'string' ? item : item.securityGroupRuleId,
  );
  const described = response.revokedSecurityGroupRuleSet.map((item, index) =>
    ruleFromCtResponse(item, { groupId: group.groupId, direction }, `${field}.items[${index}]`),
  );
  const removed =
    described.length > 0 ? described : request ? requestedRules(request, group.groupId, direction) : [];
  return { action: 'removed', group, direction, removed, ruleIds };
}

export function isSgEventName(name: string): name is SgEventName {
  return (SG_EVENT_NAMES as ReadonlyArray<string>).includes(name);
}

/** Parses a CloudTrail record already validated by the envelope schema. */
export function sgEventOf(
  detail: CloudTrailDetail,
  envelope: { account?: string; region?: string } = {},
): SgEvent {
  if (detail.eventSource !== 'ec2.amazonaws.com') {
    throw new Unprocessable(
      `detail.eventSource: expected ec2.amazonaws.com, found ${JSON.stringify(detail.eventSource)}`,
    );
  }
  if (!isSgEventName(detail.eventName)) {
    throw new Unprocessable(
      `detail.eventName: expected one of ${SG_EVENT_NAMES.join(', ')}, found ${JSON.stringify(detail.eventName)}`,
    );
  }
  const base = {
    eventId: detail.eventID,
    eventName: detail.eventName,
    actor: actorOf(detail),
    ...(detail.eventTime ? { eventTime: detail.eventTime } : {}),
    ...((envelope.region ?? detail.awsRegion) ? { region: envelope.region ?? detail.awsRegion } : {}),
    ...((envelope.account ?? detail.recipientAccountId)
      ? { account: envelope.account ?? detail.recipientAccountId }
      : {}),
  };
  // A failed call changed nothing; its parameters may be partial, so do not parse them.
  if (detail.errorCode) return { ...base, errorCode: detail.errorCode };
  try {
    return { ...base, change: changeOf(detail, detail.eventName) };
  } catch (error) {
    if (error instanceof RuleShapeError) throw new Unprocessable(error.message, { cause: error });
    throw error;
  }
}
