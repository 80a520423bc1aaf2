/**
 * grant-access is reached ONLY through its Lambda Function URL with AWS_IAM auth: AWS verifies the
 * SigV4 signature before the function runs and puts the caller in
 * `requestContext.authorizer.iam`. That principal is the requester; nothing in the body names one.
 * Any other event (a direct invoke with a grant request as payload, a URL event without an IAM
 * authorizer) is not a request and creates nothing.
 */
import * as z from 'zod';
import { eventSchema } from '../../shared/events/event-schema';
import { formatIssues } from '../../shared/events/issues';
import type { GrantRequest } from '../../shared/grants/request';

/** The Function URL payload (format 2.0), as far as grant-access reads it. */
export const FunctionUrlEvent = z.object({
  version: z.literal('2.0'),
  rawPath: z.string(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().default(false),
  requestContext: z.object({
    /** The account that owns the function. */
    accountId: z.string(),
    /** The request's id: every write it causes is journaled under it (its event id). */
    requestId: z.string().min(1).optional(),
    http: z.object({ method: z.string(), path: z.string().optional(), sourceIp: z.string().optional() }),
    authorizer: z.object({
      iam: z.object({
        accountId: z.string(),
        userArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/, { message: 'expected an IAM or STS ARN' }),
      }),
    }),
  }),
});
export type FunctionUrlEvent = z.infer<typeof FunctionUrlEvent>;

/** The body of POST /grants. Strict: a field the request may not set (owner) is named and refused. */
export const GrantBody = z
  .object({
    group: z.string().optional(),
    port: z.union([z.number(), z.string()]).optional(),
    cidr: z.string().optional(),
    sourceGroup: z.string().optional(),
    ttl: z.string().optional(),
    reason: z.string().optional(),
    /**
     * Where, not who: the account of the policy's organisation the group is in. It is no credential (the
     * verified principal still authorises); it only picks which account's policy and member role apply.
     */
    account: z.string().optional(),
  })
  .strict();

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** The body of POST /grants, decoded and read: the request, or every problem naming the field and value. */
function parseGrantBody(event: FunctionUrlEvent): Parsed<GrantRequest> {
  const text =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  let json: unknown;
  try {
    json = JSON.parse(text === '' ? '{}' : text);
  } catch (error) {
    return { ok: false, problems: [`body is not JSON: ${(error as Error).message}`] };
  }
  const parsed = GrantBody.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) =>
        key === 'owner'
          ? `owner is not accepted: the owner of a grant is the principal AWS verified (${event.requestContext.authorizer.iam.userArn})`
          : `${key} is not a field of a grant request (expected group, port, cidr, sourceGroup, ttl, reason, account)`,
      );
    return formatIssues([issue], json, 'body').split('\n');
  });
  return { ok: false, problems };
}

/**
 * A verified Function URL request as the use case reads it: the raw body is gone, and in its place
 * `request` is the body already read as a grant request, or every problem with it. Only POST /grants
 * acts on `request`, and only after the requester and kill-switch checks; other routes ignore it.
 */
export const GrantCall = FunctionUrlEvent.transform((event) => {
  const { body: _body, isBase64Encoded: _encoding, ...call } = event;
  return { ...call, request: parseGrantBody(event) };
});
export type GrantCall = z.output<typeof GrantCall>;

/** grant-access's way in: anything but a Function URL request AWS verified creates nothing. */
export const GrantCallEvent = eventSchema(
  GrantCall,
  (problems) => `not a Function URL request verified by AWS_IAM, so nothing was created (${problems})`,
);
