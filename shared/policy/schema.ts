/**
 * The schema of `netwarden.policy.yml`. Parsing yields ready-to-use values (durations in ms,
 * port lists as ranges, CIDRs canonical), so nothing downstream re-parses policy text.
 */
import * as z from 'zod';
import { canonicalCidr } from '../rules/cidr';
import { normaliseProtocol } from '../rules/rule';
import { BUDGET_DEFAULTS, MAX_APPROVAL_TIMEOUT_MS } from './defaults';
import { parseDuration } from './duration';
import { MEMBER_ROLE_NAME_MAX } from './member-functions';
import { type Person as PersonShape, SLACK_ACTIONS } from './people';
import { SlackPolicy } from './slack';
import { IanaTimezone } from './timezone';

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

const portNumber = z.number().int().min(0).max(65535);

const portRange = z.union([
  portNumber.transform((port): PortRange => ({ from: port, to: port })),
  z
    .string()
    .regex(/^\d{1,5}(-\d{1,5})?$/, { message: 'expected a port (0-65535) or a range "from-to"' })
    .transform((text, ctx): PortRange => {
      const [from = 0, to = from] = text.split('-').map(Number);
      if (from > 65535 || to > 65535 || from > to) {
        ctx.addIssue({ code: 'custom', message: `expected a port range within 0-65535 with from <= to` });
        return z.NEVER;
      }
      return { from, to };
    }),
]);

/** `ports: 5432`, `ports: "27017-27019"` or `ports: [3306, 5432]`. */
const ports = z.union([portRange.transform((range) => [range]), z.array(portRange).min(1)]);

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration like "90s", "15m", "1h" or "1h30m"' });
    return z.NEVER;
  }
  return ms;
});

const cidr = z.string().transform((text, ctx) => {
  const canonical = canonicalCidr(text);
  if (canonical === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected an IPv4 or IPv6 CIDR' });
    return z.NEVER;
  }
  return canonical;
});

/** A rule's peer in policy: a CIDR, a security group id or a prefix list id. */
const peer = z.string().transform((text, ctx) => {
  if (/^sg-[0-9a-f]{8,17}$/.test(text)) return { type: 'security-group' as const, groupId: text };
  if (/^pl-[0-9a-f]{8,17}$/.test(text)) return { type: 'prefix-list' as const, prefixListId: text };
  const canonical = canonicalCidr(text);
  if (canonical === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a CIDR, a security group id (sg-…) or a prefix list id (pl-…)',
    });
    return z.NEVER;
  }
  return { type: canonical.includes(':') ? ('ipv6' as const) : ('ipv4' as const), cidr: canonical };
});

const protocol = z.union([z.string(), z.number()]).transform((raw, ctx) => {
  const normalised = normaliseProtocol(raw);
  if (normalised === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected tcp, udp, icmp, icmpv6, -1 (all) or a protocol number',
    });
    return z.NEVER;
  }
  return normalised;
});

const direction = z.enum(['ingress', 'egress']);
const mode = z.enum(['enforce', 'report']);

const accountId = z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' });
const ouId = z
  .string()
  .regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/, { message: 'expected an organizational unit id (ou-…)' });

/**
 * Where an entry applies in an organisation (shared/policy/organization.ts): only in these member
 * accounts and in the member accounts of these OUs. An entry without either applies everywhere, the
 * central account included. Each may name only accounts and OUs the organization section lists.
 */
const scope = {
  accounts: z.array(accountId).min(1).optional(),
  ous: z.array(ouId).min(1).optional(),
};

const groupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, { message: 'expected a security group id (sg-…)' });

const selector = z
  .object({
    /**
     * Every security group of the account. Guardrails that must hold whatever the tags say (world-open
     * database and admin ports) select this way, so that removing a tag cannot switch them off.
     */
    all: z.literal(true).optional(),
    tags: z.record(z.string(), z.string()).optional(),
    ids: z.array(groupId).optional(),
    names: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((value) => value.all || value.tags || value.ids || value.names, {
    message: 'expected at least one of all, tags, ids, names',
  });

export const ForbidRule = z
  .object({
    direction: direction.default('ingress'),
    protocol: protocol.optional(),
    ports: ports.optional(),
    /** Matches rules whose peer includes every address of this CIDR ("opens at least this much"). */
    source: cidr.optional(),
    /**
     * Matches IPv4 peers with a prefix shorter than this (e.g. 8 catches 0.0.0.0/1 … /7), and IPv6
     * peers too unless widerThanIpv6 is given.
     */
    widerThan: z.number().int().min(1).max(128).optional(),
    /**
     * Matches IPv6 peers with a prefix shorter than this, instead of widerThan. IPv6 needs its own
     * threshold: a handful of /8s (2000::/8, 2400::/8, 2600::/8, 2a00::/8 …) hold nearly every address
     * in use, so a /8 there is far wider than an IPv4 /8.
     */
    widerThanIpv6: z.number().int().min(1).max(128).optional(),
  })
  .strict();
export type ForbidRule = z.infer<typeof ForbidRule>;

export const BaselineRule = z
  .object({
    direction: direction.default('ingress'),
    protocol: protocol.default('tcp'),
    ports: ports.optional(),
    source: peer,
    description: z.string().optional(),
  })
  .strict();
export type BaselineRule = z.infer<typeof BaselineRule>;

export const SecurityGroupPolicy = z
  .object({
    name: z.string().min(1),
    select: selector,
    mode: mode.optional(),
    /**
     * Only the guardrails apply: a group that no other section selects gets no drift, duplicate or
     * baseline judgement. For account-wide guardrails (`select: { all: true }`), where revoking every
     * hand-made rule of every group would be wrong.
     */
    guardrailsOnly: z.boolean().default(false),
    forbid: z.array(ForbidRule).default([]),
    baseline: z.array(BaselineRule).optional(),
    ...scope,
  })
  .strict();
export type SecurityGroupPolicy = z.infer<typeof SecurityGroupPolicy>;
export type SecurityGroupSelector = z.infer<typeof selector>;

export const GrantPolicy = z
  .object({
    ports: z.array(portNumber).min(1),
    /** Shorter grants are refused: a grant must outlive the time grant-access takes to record it. */
    minTtl: duration.default(5 * 60_000),
    defaultTtl: duration.default(3_600_000),
    maxTtl: duration.default(8 * 3_600_000),
    warnBefore: duration.default(15 * 60_000),
    /** The narrowest CIDR a grant may use, as the smallest prefix length allowed (IPv4 / IPv6). */
    minPrefixLength: z
      .object({ ipv4: z.number().int().min(8).max(32), ipv6: z.number().int().min(32).max(128) })
      .strict()
      .default({ ipv4: 24, ipv6: 64 }),
    /**
     * ARN globs of the principals who may request a grant through grant-access's Function URL
     * (AWS_IAM auth: the principal is the one IAM verified). `*` stays within one ARN segment.
     * Empty: nobody may request.
     */
    requesters: z.array(z.string().min(1)).default([]),
    /**
     * The groups a grant may open, by id only: a tag or a name is something anyone in the account can
     * set, so it never makes a group grantable. Absent or empty: no group is grantable.
     */
    groups: z
      .object({ ids: z.array(groupId).default([]) })
      .strict()
      .prefault({}),
    /**
     * The security groups a grant may name as its source, by id only. A group stands for every host in
     * it, today's and tomorrow's, in this VPC or a peered one: unlike a CIDR, its width cannot be
     * checked, so it must be named. Absent or empty: no group is an allowed source.
     */
    sourceGroups: z
      .object({ ids: z.array(groupId).default([]) })
      .strict()
      .prefault({}),
    /**
     * Grants asked for with `/netwarden grant` in Slack: whether one must be approved by another
     * person (people's `may: [approve]`) before it is made, for every grantable group (`required`)
     * or only the groups listed, and how long a request waits for an answer before it is denied.
     * Absent: no approval is needed, the grant is made at once.
     */
    approval: z
      .object({
        required: z.boolean().default(false),
        groups: z
          .object({ ids: z.array(groupId).default([]) })
          .strict()
          .prefault({}),
        /**
         * At most a day: a request is approved against the policy as it is then, and an approval
         * long after the ask would answer a need nobody remembers.
         */
        timeout: duration
          .refine((ms) => ms <= MAX_APPROVAL_TIMEOUT_MS, {
            message: 'expected grants.approval.timeout of at most 24h: a request waits a day at most',
          })
          .default(30 * 60_000),
      })
      .strict()
      .optional(),
    mode: mode.optional(),
    ...scope,
  })
  .strict()
  .refine((value) => value.defaultTtl <= value.maxTtl, {
    message: 'expected defaultTtl <= maxTtl',
    path: ['defaultTtl'],
  })
  .refine((value) => value.minTtl <= value.defaultTtl, {
    message: 'expected minTtl <= defaultTtl',
    path: ['minTtl'],
  });
export type GrantPolicy = z.infer<typeof GrantPolicy>;

export const TargetPolicy = z
  .object({
    select: selector,
    actions: z.array(z.enum(['reregister', 'start', 'reboot'])).default(['reregister', 'start', 'reboot']),
    cooldown: duration.default(30 * 60_000),
    maxAttempts: z.number().int().min(1).max(20).default(3),
    maxUnhealthyFraction: z.number().gt(0).max(1).default(0.5),
    mode: mode.optional(),
    ...scope,
  })
  .strict();
export type TargetPolicy = z.infer<typeof TargetPolicy>;

/**
 * The blast-radius budget (shared/safety/budget.ts): at most `perAccount` writes per `window` in an
 * account, `perGroup` on one security group and `perTargetGroup` heals on one target group (and never
 * more than half its targets: healCap, the same cap one heal run keeps); past it, report mode until the
 * window ends. Defaults: 20 per 10 minutes per account, 5 per group, 5 per target group.
 */
export const BudgetPolicy = z
  .object({
    window: duration.default(BUDGET_DEFAULTS.window),
    perAccount: z
      .number({ message: 'expected a whole number of writes' })
      .int({ message: 'expected a whole number of writes' })
      .min(1, {
        message: 'expected at least 1 write (to stop every write, use the kill switch: netwarden pause)',
      })
      .max(100_000)
      .default(BUDGET_DEFAULTS.perAccount),
    perGroup: z
      .number({ message: 'expected a whole number of writes' })
      .int({ message: 'expected a whole number of writes' })
      .min(1, {
        message: 'expected at least 1 write (to stop every write, use the kill switch: netwarden pause)',
      })
      .max(100_000)
      .default(BUDGET_DEFAULTS.perGroup),
    perTargetGroup: z
      .number({ message: 'expected a whole number of heals' })
      .int({ message: 'expected a whole number of heals' })
      .min(1, {
        message: 'expected at least 1 heal (to stop every write, use the kill switch: netwarden pause)',
      })
      .max(100_000)
      .default(BUDGET_DEFAULTS.perTargetGroup),
  })
  .strict()
  .refine((value) => value.perGroup <= value.perAccount, {
    message: 'expected perGroup <= perAccount (one group cannot have more writes than its account)',
    path: ['perGroup'],
  })
  .refine((value) => value.perTargetGroup <= value.perAccount, {
    message: 'expected perTargetGroup <= perAccount (one group cannot have more writes than its account)',
    path: ['perTargetGroup'],
  })
  .refine((value) => value.window >= 60_000 && value.window <= 86_400_000, {
    message: 'expected a window between 1m and 1d',
    path: ['window'],
  });
export type BudgetPolicy = z.infer<typeof BudgetPolicy>;

/** A Terraform state object in S3 (the seed keeps state in an S3 backend): its rules are baseline. */
export const TerraformStateRef = z
  .object({
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'expected an S3 bucket name' }),
    key: z.string().min(1),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'expected an AWS region' })
      .optional(),
    ...scope,
  })
  .strict();
export type TerraformStateRef = z.infer<typeof TerraformStateRef>;

/** The daily and weekly checks. Defaults are the seed's cost table and target-group recommendations. */
export const CheckPolicy = z
  .object({
    /** Days, "today" and times in digests are in this zone. */
    timezone: IanaTimezone.default('Asia/Seoul'),
    cost: z
      .object({
        nlbHourlyUsd: z.number().nonnegative().default(0.0225),
        nlcuHourlyUsd: z.number().nonnegative().default(0.006),
        /** NLCUs billed for an idle load balancer; the seed's table assumes 0.5. */
        minimumNlcu: z.number().nonnegative().default(0.5),
        hoursPerMonth: z.number().positive().default(720),
      })
      .strict()
      .prefault({}),
    certificateWarning: duration.default(30 * 86_400_000),
    targetGroups: z
      .object({
        deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(300),
        preserveClientIp: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type CheckPolicy = z.infer<typeof CheckPolicy>;

/** A calendar day (`2027-03-31`) or an ISO-8601 UTC time; an exception stops applying at that instant. */
const expiry = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const text = value instanceof Date ? value.toISOString() : value.trim();
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(text);
  const date = day || time ? new Date(day ? `${text}T00:00:00Z` : text) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a date like "2027-03-31" or a UTC time like "2027-03-31T12:00:00Z"',
    });
    return z.NEVER;
  }
  return date;
});

/**
 * A reviewed exception: one rule of one group that drift and guardrail checks leave alone until it
 * expires. The only exception netwarden honours; a `netwarden:ignore` tag exempts nothing.
 */
/** A member account netwarden serves: reviewed in git, the only member accounts it trusts. */
export const MemberAccount = z
  .object({
    id: accountId,
    /** How findings and Slack name the account. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, {
      message: 'expected a name of 1-64 letters, digits, " ._-"',
    }),
    ou: ouId.optional(),
  })
  .strict();
export type MemberAccount = z.infer<typeof MemberAccount>;

/**
 * An AWS Organization netwarden serves from this (central) account: the member accounts' events arrive
 * on the organisation event bus and netwarden acts in them through the member role the StackSet creates
 * (shared/policy/organization.ts; docs/architecture.md "Organisations"). Absent: one account, as before.
 */
export const OrganizationPolicy = z
  .object({
    id: z.string().regex(/^o-[a-z0-9]{10,32}$/, { message: 'expected an AWS Organization id (o-…)' }),
    /**
     * sts:AssumeRole's external id. AWS documents it is not a secret: it only stops the member role
     * being used on behalf of another party (the confused deputy), so it may sit in git.
     */
    externalId: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, { message: 'expected 2-1224 of letters, digits and +=,.@:/-' }),
    /**
     * The prefix of the member roles: each function that acts in members has `<memberRoleName>-<function>`
     * there (shared/policy/organization.ts), so the prefix leaves room for the longest suffix in IAM's 64.
     */
    memberRoleName: z
      .string()
      .regex(/^[\w+=,.@-]+$/, { message: 'expected an IAM role name (letters, digits and _+=,.@-)' })
      .max(MEMBER_ROLE_NAME_MAX, {
        message: `expected at most ${MEMBER_ROLE_NAME_MAX} characters: each member role is named <memberRoleName>-<function> (up to "-revert-sg-drift", 16 more), and IAM allows 64`,
      })
      .default('netwarden-member-remediation'),
    /** Member accounts the daily and weekly checks read at once: a bound on their concurrent API calls. */
    checkConcurrency: z.number().int().min(1).max(32).default(4),
    accounts: z.array(MemberAccount).min(1),
  })
  .strict();
export type OrganizationPolicy = z.infer<typeof OrganizationPolicy>;

export const PolicyException = z
  .object({
    group: groupId,
    rule: z
      .object({
        direction: direction.default('ingress'),
        protocol: protocol.default('tcp'),
        ports: ports.optional(),
        source: peer,
      })
      .strict(),
    reason: z.string().trim().min(3, { message: 'expected a reason of at least 3 characters' }),
    expires: expiry,
    ...scope,
  })
  .strict();
export type PolicyException = z.infer<typeof PolicyException>;

/** The policy's `people` (shared/policy/people.ts): who may act from Slack, by Slack user id. */
const Person = z
  .object({
    name: z
      .string()
      .regex(/^[\w.@-]{1,64}$/, { message: 'expected a short name (letters, digits, . _ - @)' }),
    slack: z.string().regex(/^[UW][A-Z0-9]{6,}$/, { message: 'expected a Slack user id like U012ABCDEF' }),
    may: z.array(z.enum(SLACK_ACTIONS)).min(1),
  })
  .strict() satisfies z.ZodType<PersonShape>;

const People = z
  .array(Person)
  .default([])
  .superRefine((people, ctx) => {
    const seen = { name: new Set<string>(), slack: new Set<string>() };
    people.forEach((person, index) => {
      for (const field of ['name', 'slack'] as const) {
        if (seen[field].has(person[field]))
          ctx.addIssue({
            code: 'custom',
            path: [index, field],
            message: `${field} ${person[field]} is listed twice: one person per Slack user`,
          });
        seen[field].add(person[field]);
      }
    });
  });

export const Policy = z
  .object({
    version: z.literal(1),
    mode: mode.default('report'),
    /**
     * The accounts whose events netwarden acts on. Empty: only the account the function runs in. An
     * event from any other account is reported and never acted on.
     */
    accounts: z.array(accountId).default([]),
    /** Reviewed exceptions (see PolicyException); an expired one stops applying and is reported. */
    exceptions: z.array(PolicyException).default([]),
    trustedPrincipals: z.array(z.string().min(1)).default([]),
    securityGroups: z.array(SecurityGroupPolicy).default([]),
    grants: GrantPolicy.optional(),
    targets: TargetPolicy.optional(),
    /** Terraform state objects whose security-group rules are baseline, besides the inline baselines. */
    terraformState: z.array(TerraformStateRef).default([]),
    checks: CheckPolicy.prefault({}),
    budget: BudgetPolicy.prefault({}),
    /** Slack app mode's routes and time zone (shared/policy/slack.ts); the webhook needs none. */
    slack: SlackPolicy.optional(),
    /** An AWS Organization's member accounts, served from this account (OrganizationPolicy). */
    organization: OrganizationPolicy.optional(),
    /** Who may act from Slack's buttons, by Slack user id, and what each may do (shared/policy/people.ts). */
    people: People,
  })
  .strict();
export type Policy = z.infer<typeof Policy>;

export type Mode = z.infer<typeof mode>;
