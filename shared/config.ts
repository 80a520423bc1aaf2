/**
 * Configuration from the environment, validated once at cold start. A missing or malformed
 * variable fails the cold start with its name and value, never later inside a remediation.
 */
import * as z from 'zod';

const mode = z.enum(['enforce', 'report']);

export const BaseConfig = z.object({
  AWS_REGION: z.string().min(1).default('ap-northeast-2'),
  NETWARDEN_STAGE: z.string().min(1).default('dev'),
  /** Stage-level override of the policy's mode. */
  NETWARDEN_MODE: mode.optional(),
  POLICY_PATH: z.string().min(1).default('netwarden.policy.yml'),
  /**
   * The account the functions run in (serverless.yml: `!Ref AWS::AccountId`). Events from any other
   * account are reported and never acted on, unless the policy's `accounts` names them. When unset
   * (`osls invoke local` without `--param="accountId=…"`), the Lambda context's function ARN says it.
   */
  NETWARDEN_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' })
    .optional(),
  FINDINGS_TOPIC_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:/, { message: 'expected an SNS topic ARN' })
    .optional(),
  /** netwarden's state table (grants), one per stage: `netwarden-<stage>-state`. */
  STATE_TABLE_NAME: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{3,255}$/, { message: 'expected a DynamoDB table name' })
    .optional(),
  /**
   * Comma-separated ARN globs of netwarden's own IAM roles. Their CloudTrail events are ignored so
   * that a revert never triggers another revert. Matched on the role (session issuer), not the session name.
   */
  NETWARDEN_ROLE_ARNS: z
    .string()
    .optional()
    .transform((text) =>
      text
        ? text
            .split(',')
            .map((glob) => glob.trim())
            .filter(Boolean)
        : [],
    ),
});
export type BaseConfig = z.infer<typeof BaseConfig>;

/** The name (never the value) of an SSM parameter, refused with an example of the expected form. */
export const ssmParameterName = (example: string) =>
  z.string().regex(/^\/[\w.\-/]+$/, { message: `expected an SSM parameter name like ${example}` });

/** The Slack Web API as the app-mode functions reach it: the bot token's parameter, and where the API is. */
export const SlackWebApiConfig = {
  /** Name (not value) of the SecureString holding the bot token (xoxb-…). */
  SLACK_BOT_TOKEN_PARAMETER: ssmParameterName('/netwarden/prod/slack-bot-token'),
  /** Where the Web API is: Slack's own unless a test or the demo points it at a stand-in. */
  SLACK_API_BASE_URL: z.url().optional(),
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = env[name];
    return `${name}: ${issue.message}, found ${value === undefined ? 'nothing' : JSON.stringify(value)}`;
  });
  throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
}

/**
 * netwarden's own roles: the configured globs (serverless.yml lists the writing roles by exact name),
 * or, where nothing is configured (tests, the demo), every role named netwarden-<stage>-<region>-*.
 * Role names carry the region because IAM is global: a second region's deployment needs its own names.
 *
 * A glob that leaves the account open (`arn:aws:iam::*:`) is pinned to NETWARDEN_ACCOUNT_ID, which the
 * deployed template always sets: anyone who can create IAM roles in another account — a member of the
 * organisation, or an account the policy lists — could otherwise name one like netwarden's and have their
 * changes ignored as netwarden's own. netwarden's roles in member accounts are matched by their exact ARNs
 * (shared/policy/organization.ts memberRoleArns). Only where the account is unknown (`osls invoke local`
 * without it, tests) does the glob stay open.
 */
export function selfRolePatterns(config: BaseConfig): string[] {
  const globs =
    config.NETWARDEN_ROLE_ARNS.length > 0
      ? config.NETWARDEN_ROLE_ARNS
      : [`arn:aws:iam::*:role/netwarden-${config.NETWARDEN_STAGE}-${config.AWS_REGION}-*`];
  const account = config.NETWARDEN_ACCOUNT_ID;
  return account ? globs.map((glob) => glob.replace(/^(arn:aws[a-z-]*:iam::)\*:/, `$1${account}:`)) : globs;
}
