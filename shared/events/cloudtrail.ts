/**
 * Schemas for CloudTrail security-group events as EventBridge delivers them.
 * The traps (docs/architecture.md#security-group-calls-in-cloudtrail): lists are `{items:[…]}` and an empty list
 * is `{}`; Authorize has a nested and a legacy flat form; ModifySecurityGroupRules is PascalCase and
 * its `SecurityGroupRule` may be an object or an array; `responseElements` is null on failure.
 */
import * as z from 'zod';

/** Far more than AWS allows per group (60 by default, 1000 at most); anything bigger is not a real call. */
export const MAX_LIST_ITEMS = 1000;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{items:[…]}` → array; `{}`, null or absent → []; an array is accepted as it is. */
export function itemsOf<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => {
    if (value === undefined || value === null) return [];
    if (isPlainObject(value))
      return 'items' in value ? value.items : Object.keys(value).length === 0 ? [] : value;
    return value;
  }, z.array(item).max(MAX_LIST_ITEMS));
}

/** EC2 sends ports as numbers; a few recorded callers sent numeric strings. */
const port = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const protocol = z.union([z.string().min(1).max(16), z.number().int()]);

export const CtIpPermission = z.object({
  ipProtocol: protocol,
  fromPort: port.optional(),
  toPort: port.optional(),
  groups: itemsOf(
    z.object({
      groupId: z.string().optional(),
      groupName: z.string().optional(),
      userId: z.string().optional(),
      description: z.string().optional(),
    }),
  ),
  ipRanges: itemsOf(z.object({ cidrIp: z.string(), description: z.string().optional() })),
  ipv6Ranges: itemsOf(z.object({ cidrIpv6: z.string(), description: z.string().optional() })),
  prefixListIds: itemsOf(z.object({ prefixListId: z.string(), description: z.string().optional() })),
});
export type CtIpPermission = z.infer<typeof CtIpPermission>;

const CtTag = z.object({ key: z.string(), value: z.string().optional() });

export const CtAuthorizeOrRevokeRequest = z.object({
  groupId: z.string().optional(),
  groupName: z.string().optional(),
  ipPermissions: itemsOf(CtIpPermission),
  // The legacy flat form (older tools): one permission spelled at the top level.
  ipProtocol: protocol.optional(),
  fromPort: port.optional(),
  toPort: port.optional(),
  cidrIp: z.string().optional(),
  sourceSecurityGroupName: z.string().optional(),
  sourceSecurityGroupOwnerId: z.string().optional(),
  securityGroupRuleIds: itemsOf(z.union([z.object({ securityGroupRuleId: z.string() }), z.string()])),
  tagSpecificationSet: itemsOf(
    z.object({ resourceType: z.string().optional(), tags: itemsOf(CtTag) }),
  ).optional(),
});
export type CtAuthorizeOrRevokeRequest = z.infer<typeof CtAuthorizeOrRevokeRequest>;

/** A rule as the Authorize response (`securityGroupRuleSet`) or Revoke response describes it. */
export const CtResponseRule = z.object({
  groupId: z.string().optional(),
  securityGroupRuleId: z.string(),
  isEgress: z.boolean().optional(),
  ipProtocol: protocol,
  fromPort: port.optional(),
  toPort: port.optional(),
  cidrIpv4: z.string().optional(),
  cidrIpv6: z.string().optional(),
  prefixListId: z.string().optional(),
  referencedGroupInfo: z.object({ groupId: z.string(), userId: z.string().optional() }).optional(),
  referencedGroupId: z.string().optional(),
  description: z.string().optional(),
  tagSet: itemsOf(CtTag).optional(),
});
export type CtResponseRule = z.infer<typeof CtResponseRule>;

export const CtAuthorizeResponse = z.object({
  securityGroupRuleSet: itemsOf(CtResponseRule),
});

export const CtRevokeResponse = z.object({
  revokedSecurityGroupRuleSet: itemsOf(CtResponseRule),
});

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(item).min(1).max(MAX_LIST_ITEMS));

export const CtModifyRequest = z.object({
  ModifySecurityGroupRulesRequest: z.object({
    GroupId: z.string(),
    SecurityGroupRule: oneOrMany(
      z.object({
        SecurityGroupRuleId: z.string(),
        SecurityGroupRule: z.object({
          IpProtocol: protocol,
          FromPort: port.optional(),
          ToPort: port.optional(),
          CidrIpv4: z.string().optional(),
          CidrIpv6: z.string().optional(),
          PrefixListId: z.string().optional(),
          ReferencedGroupId: z.string().optional(),
          Description: z.string().optional(),
        }),
      }),
    ),
  }),
});
export type CtModifyRequest = z.infer<typeof CtModifyRequest>;

export const UserIdentity = z.object({
  type: z.string(),
  arn: z.string().optional(),
  principalId: z.string().optional(),
  accountId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z
    .object({
      sessionIssuer: z
        .object({ type: z.string().optional(), arn: z.string().optional(), userName: z.string().optional() })
        .optional(),
    })
    .optional(),
});
export type UserIdentity = z.infer<typeof UserIdentity>;

export const SG_EVENT_NAMES = [
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
] as const;
export type SgEventName = (typeof SG_EVENT_NAMES)[number];

/** The CloudTrail record in `detail`: only what netwarden reads; the rest passes untouched. */
export const CloudTrailDetail = z.object({
  eventVersion: z.string().optional(),
  eventID: z.string().min(1),
  eventTime: z.string().optional(),
  eventSource: z.string(),
  eventName: z.string(),
  awsRegion: z.string().optional(),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  userIdentity: UserIdentity,
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  readOnly: z.boolean().optional(),
  requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
  responseElements: z.record(z.string(), z.unknown()).nullable().optional(),
  sessionCredentialFromConsole: z.union([z.string(), z.boolean()]).optional(),
  recipientAccountId: z.string().optional(),
});
export type CloudTrailDetail = z.infer<typeof CloudTrailDetail>;

export const CloudTrailEnvelope = z.object({
  id: z.string().optional(),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  source: z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
  time: z.string().optional(),
  detail: CloudTrailDetail,
});
export type CloudTrailEnvelope = z.infer<typeof CloudTrailEnvelope>;

export const TAG_EVENT_NAMES = ['CreateTags', 'DeleteTags'] as const;
export type TagEventName = (typeof TAG_EVENT_NAMES)[number];

/**
 * CreateTags / DeleteTags: `{resourcesSet:{items:[{resourceId}]}, tagSet:{items:[{key, value?}]}}`.
 * A DeleteTags that names no tag deletes every tag; its `tagSet` is `{}` (or absent): parsed as [].
 */
export const CtTagsRequest = z.object({
  resourcesSet: itemsOf(z.object({ resourceId: z.string() })),
  tagSet: itemsOf(CtTag),
});
export type CtTagsRequest = z.infer<typeof CtTagsRequest>;
