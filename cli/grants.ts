/**
 * `netwarden grant | grants | revoke`: calls grant-access's Function URL (--url or
 * NETWARDEN_GRANT_URL), signed with SigV4 using the caller's own AWS credentials. AWS verifies the
 * signature and grant-access takes the requester from that verification: there is no --owner, and
 * nothing the CLI sends can name someone else. With --simulated the same grant-access code runs
 * in-process against the built-in simulated account and a local state table, as a stated simulated
 * identity. Output names rule ids, access, owners and times — never credentials.
 */
import { parseArgs } from 'node:util';
import { errorMessage } from '../shared/errors';
import { formatDuration } from '../shared/policy/duration';
import type { Simulation } from '../simulated-account/index';
import { requireAwsCaller } from './aws-caller';
import type { GrantCall, GrantReply, GrantTransport } from './grant-client';
import { USAGE } from './help';
import type { CliCommand, CliIo } from './io';
import type { SimulatedGrants } from './simulated-grants';

let simulation: Simulation | undefined;
let simulatedGrants: SimulatedGrants | undefined;

/** Lets the demo and tests hand the CLI their simulated account (one per process otherwise). */
export function useSimulation(sim: Simulation | undefined): void {
  simulation = sim;
}
/** Lets tests hand the CLI their simulated grant-access (state table included). */
export function useSimulatedGrants(grants: SimulatedGrants | undefined): void {
  simulatedGrants = grants;
}

interface Connection {
  readonly send: GrantTransport;
  readonly now: () => Date;
  readonly close: () => Promise<void>;
}

async function connect(
  values: { simulated?: boolean; url?: string },
  io: CliIo,
): Promise<Connection | undefined> {
  if (values.simulated) {
    const { simulatedGrantAccess } = await import('./simulated-grants');
    const owned = simulatedGrants === undefined;
    const grants = simulatedGrants ?? (await simulatedGrantAccess(simulation));
    io.err(`simulated: requests are made as ${grants.identity}`);
    return {
      send: grants.send,
      now: grants.now,
      close: async () => {
        if (owned) await grants.close();
      },
    };
  }
  const url = values.url ?? process.env.NETWARDEN_GRANT_URL;
  if (!url) {
    io.err(
      'no grant-access URL: pass --url https://<id>.lambda-url.<region>.on.aws/ or set NETWARDEN_GRANT_URL (or use --simulated)',
    );
    return undefined;
  }
  // The region may come from the URL's host; credentials are needed whatever the URL.
  await requireAwsCaller({ region: false });
  const [{ signedTransport }, { defaultProvider }] = await Promise.all([
    import('./grant-client'),
    import('@aws-sdk/credential-provider-node'),
  ]);
  const send = signedTransport(url, {
    credentials: defaultProvider(),
    ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
  });
  return { send, now: () => new Date(), close: async () => {} };
}

const COMMON = { simulated: { type: 'boolean' }, url: { type: 'string' } } as const;

/** parseArgs, with a usage error printed (exit 2) instead of a stack trace. */
function parse<T>(io: CliIo, usageOf: 'grant' | 'grants' | 'revoke', run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    io.err(`${errorMessage(error)}\nsee: netwarden ${usageOf} --help`);
    return undefined;
  }
}

async function call(connection: Connection, request: GrantCall, io: CliIo): Promise<GrantReply | undefined> {
  try {
    return await connection.send(request);
  } catch (error) {
    io.err(`grant-access could not be reached: ${errorMessage(error)}`);
    return undefined;
  }
}

/** Runs `use` on a connection and closes it, whatever happens. */
async function withConnection(
  values: { simulated?: boolean; url?: string },
  io: CliIo,
  use: (connection: Connection) => Promise<number>,
): Promise<number> {
  const connection = await connect(values, io);
  if (!connection) return 2;
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

function refused(what: string, reply: GrantReply, io: CliIo): number {
  const problems = Array.isArray(reply.body.problems)
    ? reply.body.problems.map(String)
    : [JSON.stringify(reply.body)];
  io.err(`${what} (HTTP ${reply.statusCode}):`);
  for (const problem of problems) io.err(`  - ${problem}`);
  return 1;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const inTime = (ms: number) => (ms > 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago`);

export const grant: CliCommand = async (args, io) => {
  const parsed = parse(io, 'grant', () =>
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
        account: { type: 'string' },
      },
      strict: true,
    }),
  );
  if (!parsed) return 2;
  const { values } = parsed;
  const body = {
    ...(values.group !== undefined ? { group: values.group } : {}),
    ...(values.port !== undefined ? { port: values.port } : {}),
    ...(values.cidr !== undefined ? { cidr: values.cidr } : {}),
    ...(values['source-group'] !== undefined ? { sourceGroup: values['source-group'] } : {}),
    ...(values.ttl !== undefined ? { ttl: values.ttl } : {}),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
    // Where, not who: grant-access checks it against the policy's organisation; your identity authorises.
    ...(values.account !== undefined ? { account: values.account } : {}),
  };
  return withConnection(values, io, async (connection) => {
    const now = connection.now();
    const reply = await call(connection, { method: 'POST', path: '/grants', body }, io);
    if (!reply) return 1;
    if (reply.statusCode >= 300) return refused('grant rejected', reply, io);
    const result = reply.body;
    const expiresAt = text(result.expiresAt);
    const verb =
      result.mode === 'report' ? `would be ${text(result.status)} (report mode)` : text(result.status);
    const where = values.account !== undefined ? ` in account ${values.account}` : '';
    io.out(`${verb}: ${text(result.access)} on ${text(result.groupId)}${where}`);
    io.out(`  rule id: ${text(result.ruleId) || '(none: report mode creates nothing)'}`);
    io.out(`  owner:   ${text(result.owner)}`);
    io.out(`  expires: ${expiresAt} (${inTime(Date.parse(expiresAt) - now.getTime())})`);
    return 0;
  });
};

/** The active grants as grant-access lists them, or undefined (the reason already printed). */
async function activeGrants(
  connection: Connection,
  io: CliIo,
): Promise<Array<Record<string, unknown>> | undefined> {
  const reply = await call(connection, { method: 'GET', path: '/grants' }, io);
  if (!reply) return undefined;
  if (reply.statusCode >= 300) {
    refused('listing refused', reply, io);
    return undefined;
  }
  return Array.isArray(reply.body.grants) ? (reply.body.grants as Array<Record<string, unknown>>) : [];
}

export const listGrants: CliCommand = async (args, io) => {
  const parsed = parse(io, 'grants', () => parseArgs({ args, options: COMMON, strict: true }));
  if (!parsed) return 2;
  return withConnection(parsed.values, io, async (connection) => {
    const grants = await activeGrants(connection, io);
    if (!grants) return 1;
    if (grants.length === 0) {
      io.out('no active grants');
      return 0;
    }
    for (const listed of grants) {
      const msLeft = Number(listed.msLeft);
      io.out(
        `${text(listed.ruleId) || `(${text(listed.status)})`}  ${listed.account !== undefined ? `${text(listed.account)}/` : ''}${text(listed.groupId)}  ${text(listed.access)}  owner ${text(listed.owner)}  expires ${text(listed.expiresAt)} (${msLeft > 0 ? `${formatDuration(msLeft)} left` : 'expired, revoked on the next sweep'})  ${JSON.stringify(text(listed.reason))}`,
      );
    }
    return 0;
  });
};

const RULE_ID = /^sgr-[0-9a-f]{8,17}$/;

/** Revokes one grant and says what happened: its status (revoked, would-revoke, moved …), or undefined. */
async function revokeOne(connection: Connection, ruleId: string, io: CliIo): Promise<string | undefined> {
  const reply = await call(connection, { method: 'DELETE', path: `/grants/${ruleId}` }, io);
  if (!reply) return undefined;
  const status = text(reply.body.status);
  if (reply.statusCode >= 300 && status !== 'moved') {
    refused('revoke refused', reply, io);
    return undefined;
  }
  const verb =
    {
      revoked: 'revoked',
      'already-gone': 'already gone',
      'would-revoke': 'would revoke (report mode)',
      moved: 'NOT revoked, the rule now allows other access (grant closed; see the grant.moved finding)',
    }[status] ?? status;
  io.out(`${verb}: ${ruleId} (${text(reply.body.access)} on ${text(reply.body.groupId)})`);
  return status;
}

export const revoke: CliCommand = async (args, io) => {
  const parsed = parse(io, 'revoke', () =>
    parseArgs({
      args,
      options: { ...COMMON, all: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    }),
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const [ruleId, ...extra] = positionals;
  if (values.all === true) {
    if (positionals.length > 0) {
      io.err(`--all takes no rule id, found ${JSON.stringify(positionals.join(' '))}\n${USAGE.revoke}`);
      return 2;
    }
    return withConnection(values, io, (connection) => revokeAll(connection, io));
  }
  if (!ruleId || extra.length > 0 || !RULE_ID.test(ruleId)) {
    io.err(
      `usage: netwarden revoke <rule-id> (an sgr-… id) or --all, found ${JSON.stringify(positionals.join(' '))}`,
    );
    return 2;
  }
  return withConnection(values, io, async (connection) => {
    const status = await revokeOne(connection, ruleId, io);
    // Moved: nothing was revoked, and a script must not read it as done.
    return status === undefined || status === 'moved' ? 1 : 0;
  });
};

/**
 * Every active grant revoked, one by one (before a stack is removed, nothing else ever would). A
 * grant still pending has no rule id to revoke by: it is named, and counts as left.
 */
async function revokeAll(connection: Connection, io: CliIo): Promise<number> {
  const grants = await activeGrants(connection, io);
  if (!grants) return 1;
  let left = 0;
  for (const listed of grants) {
    const ruleId = text(listed.ruleId);
    if (!RULE_ID.test(ruleId)) {
      left += 1;
      io.err(
        `left: a ${text(listed.status) || 'pending'} grant without a rule id (${text(listed.access)} on ${text(listed.groupId)}, owner ${text(listed.owner)}): check the group and remove the rule by hand`,
      );
      continue;
    }
    // Report mode (would-revoke) leaves the rule as much as a refusal does: after removal nothing expires it.
    const status = await revokeOne(connection, ruleId, io);
    if (status !== 'revoked' && status !== 'already-gone') left += 1;
  }
  if (grants.length === 0) io.out('no active grants');
  if (left === 0) return 0;
  io.err(`${left} of ${grants.length} grant${grants.length === 1 ? '' : 's'} left open`);
  return 1;
}
