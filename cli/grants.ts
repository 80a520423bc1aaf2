/**
 * `netwarden grant | grants | revoke`: the grant use cases the Lambdas run (not the Lambdas
 * themselves), against the account of the caller's AWS credentials or, with --simulated, the
 * built-in simulated account. Output names rule ids, access, owners and times — never credentials.
 *
 * Owner: --owner, else $USER. (The caller's ARN from STS GetCallerIdentity would be better, but
 * @aws-sdk/client-sts is not a dependency.) With real credentials, grants on protected groups stick
 * only if the caller is listed in the policy's grants.grantors (or trustedPrincipals): otherwise
 * revert-sg-drift treats the tagged rule as a forged grant. See docs/grants.md.
 */
import { parseArgs } from 'node:util';
import type { SecurityGroupPort } from '../shared/aws/ec2';
import type { RuleTagger } from '../shared/aws/ec2-tags';
import { BaseConfig, parseConfig } from '../shared/config';
import { errorMessage } from '../shared/errors';
import type { Publish } from '../shared/findings/finding';
import { isoSeconds } from '../shared/grants/tags';
import { formatDuration } from '../shared/policy/duration';
import { loadPolicy } from '../shared/policy/load';
import type { Mode, Policy } from '../shared/policy/schema';
import { summarise } from '../shared/rules/rule';
import type { Simulation } from '../test/simulated-account/index';
import type { CliCommand, CliIo } from './main';

interface GrantsEnvironment {
  readonly sg: SecurityGroupPort;
  readonly tagger: RuleTagger;
  readonly publish: Publish;
  readonly now: () => Date;
  readonly policy: Policy;
  readonly modeOverride?: Mode;
  readonly note?: string;
}

const SIMULATED_TOPIC = 'arn:aws:sns:ap-northeast-2:111122223333:netwarden-simulated-findings';
let simulation: Simulation | undefined;

/** Lets the demo and tests hand the CLI their simulated account (one per process otherwise). */
export function useSimulation(sim: Simulation | undefined): void {
  simulation = sim;
}

async function environment(simulated: boolean, policyPath: string | undefined): Promise<GrantsEnvironment> {
  if (simulated) {
    process.env.AWS_REGION ??= 'ap-northeast-2';
    process.env.AWS_ACCESS_KEY_ID ??= 'simulated';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'simulated';
    if (!simulation) simulation = (await import('../test/simulated-account/index')).createSimulatedAccount();
  }
  const config = parseConfig(BaseConfig, process.env);
  const [{ EC2Client }, { SNSClient }, { securityGroupPort }, { ruleTagger }, { snsPublisher }] =
    await Promise.all([
      import('@aws-sdk/client-ec2'),
      import('@aws-sdk/client-sns'),
      import('../shared/aws/ec2'),
      import('../shared/aws/ec2-tags'),
      import('../shared/aws/sns'),
    ]);
  const ec2 = new EC2Client({ maxAttempts: 5 });
  const topic = simulated ? SIMULATED_TOPIC : config.FINDINGS_TOPIC_ARN;
  const publish: Publish = topic ? snsPublisher(new SNSClient({ maxAttempts: 5 }), topic) : async () => {};
  const sim = simulation;
  return {
    sg: securityGroupPort(ec2),
    tagger: ruleTagger(ec2),
    publish,
    now: simulated && sim ? sim.account.clock.now : () => new Date(),
    policy: loadPolicy(policyPath ?? config.POLICY_PATH),
    ...(config.NETWARDEN_MODE ? { modeOverride: config.NETWARDEN_MODE } : {}),
    ...(topic ? {} : { note: 'FINDINGS_TOPIC_ARN is not set: no finding was published' }),
  };
}

const COMMON = { simulated: { type: 'boolean' }, policy: { type: 'string' } } as const;

/** parseArgs, with a usage error printed (exit 2) instead of a stack trace. */
function parse<T>(io: CliIo, run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    io.err(`${errorMessage(error)}\nsee: netwarden --help`);
    return undefined;
  }
}

const inTime = (ms: number) => (ms > 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago`);

export const grant: CliCommand = async (args, io) => {
  const parsed = parse(io, () =>
    parseArgs({
      args,
      options: {
        ...COMMON,
        group: { type: 'string' },
        port: { type: 'string' },
        cidr: { type: 'string' },
        'source-group': { type: 'string' },
        ttl: { type: 'string' },
        reason: { type: 'string' },
        owner: { type: 'string' },
      },
      strict: true,
    }),
  );
  if (!parsed) return 2;
  const { values } = parsed;
  const env = await environment(values.simulated === true, values.policy);
  const { grantAccess } = await import('../functions/grant-access/grant');
  const owner = values.owner ?? process.env.USER;
  const request = {
    ...(values.group !== undefined ? { group: values.group } : {}),
    ...(values.port !== undefined ? { port: values.port } : {}),
    ...(values.cidr !== undefined ? { cidr: values.cidr } : {}),
    ...(values['source-group'] !== undefined ? { sourceGroup: values['source-group'] } : {}),
    ...(values.ttl !== undefined ? { ttl: values.ttl } : {}),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
    ...(owner !== undefined ? { owner } : {}),
  };
  const outcome = await grantAccess(request, env);
  if (outcome.status === 'rejected') {
    io.err('grant rejected:');
    for (const problem of outcome.problems) io.err(`  - ${problem}`);
    return 1;
  }
  const left = inTime(Date.parse(outcome.expiresAt) - env.now().getTime());
  const verb = outcome.mode === 'report' ? `would be ${outcome.status} (report mode)` : outcome.status;
  io.out(`${verb}: ${outcome.access} on ${outcome.groupId}`);
  io.out(`  rule id: ${outcome.ruleId ?? '(none: report mode creates nothing)'}`);
  io.out(`  expires: ${outcome.expiresAt} (${left})`);
  if (env.note) io.err(env.note);
  return 0;
};

export const listGrants: CliCommand = async (args, io) => {
  const parsed = parse(io, () => parseArgs({ args, options: COMMON, strict: true }));
  if (!parsed) return 2;
  const env = await environment(parsed.values.simulated === true, parsed.values.policy);
  const { listGrants: list } = await import('../functions/grant-access/manage');
  const listing = await list(env);
  if (listing.grants.length === 0 && listing.invalid.length === 0) {
    io.out('no active grants');
    return 0;
  }
  for (const { grant: active, msLeft } of listing.grants) {
    io.out(
      `${active.ruleId}  ${active.groupId}  ${summarise(active.rule)}  owner ${active.owner}  expires ${isoSeconds(active.expiresAt)} (${msLeft > 0 ? `${formatDuration(msLeft)} left` : 'expired, revoked on the next sweep'})  "${active.reason}"`,
    );
  }
  for (const { rule, problems } of listing.invalid)
    io.out(`${rule.ruleId ?? '?'}  ${rule.groupId}  ${summarise(rule)}  INVALID: ${problems.join('; ')}`);
  return 0;
};

export const revoke: CliCommand = async (args, io) => {
  const parsed = parse(io, () => parseArgs({ args, options: COMMON, strict: true, allowPositionals: true }));
  if (!parsed) return 2;
  const [ruleId, ...extra] = parsed.positionals;
  if (!ruleId || extra.length > 0 || !/^sgr-[0-9a-f]+$/.test(ruleId)) {
    io.err(
      `usage: netwarden revoke <rule-id> (an sgr-… id), found ${JSON.stringify(parsed.positionals.join(' '))}`,
    );
    return 2;
  }
  const env = await environment(parsed.values.simulated === true, parsed.values.policy);
  const { revokeGrant } = await import('../functions/grant-access/manage');
  const outcome = await revokeGrant(ruleId, `netwarden revoke (${process.env.USER ?? 'unknown user'})`, env);
  if (!('rule' in outcome)) {
    io.err(outcome.message);
    return 1;
  }
  const what = `${summarise(outcome.rule)} on ${outcome.rule.groupId}`;
  const verb = {
    revoked: 'revoked',
    'already-gone': 'already gone',
    'would-revoke': 'would revoke (report mode)',
  }[outcome.status];
  io.out(`${verb}: ${ruleId} (${what})`);
  return 0;
};
