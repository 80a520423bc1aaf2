/**
 * Every command's help, in one place: `netwarden --help`, `netwarden help <command>` and
 * `netwarden <command> --help` print these without loading the command, and the commands quote
 * their usage line in their own error messages.
 */
export const USAGE = {
  demo: 'usage: netwarden demo [story]',
  grant:
    'usage: netwarden grant --group sg-… --port N (--cidr A.B.C.D/N | --source-group sg-…) [--ttl 2h] --reason "…" [--account ID] [--url URL | --simulated]',
  grants: 'usage: netwarden grants [--url URL | --simulated]',
  revoke: 'usage: netwarden revoke <rule-id> | --all [--url URL | --simulated]',
  check: 'usage: netwarden check daily|weekly [--state-table NAME] [--simulated] [--json]',
  redrive:
    'usage: netwarden redrive failed-events|events-dlq|notifications-dlq --stage NAME [--apply] [--limit N]',
  policy: 'usage: netwarden policy check [FILE]',
  sandbox: 'usage: netwarden sandbox [--port N] [--events DIR]',
  pause: 'usage: netwarden pause --stage NAME [--reason "…"]',
  resume: 'usage: netwarden resume --stage NAME',
  status: 'usage: netwarden status --stage NAME [--state-table NAME]',
  history: 'usage: netwarden history --stage NAME [--since 1d] [--group sg-…] [--state-table NAME]',
  undo: 'usage: netwarden undo <event or finding id> | --since 15m [--group sg-…] --stage NAME [--yes] [--state-table NAME] [--member-profile PROFILE]',
} as const;

export type CommandName = keyof typeof USAGE;

const GRANT_ACCESS = `  --url URL      grant-access's Function URL (default: NETWARDEN_GRANT_URL); calls are signed
                 with your own AWS credentials, and grant-access takes the requester from them
  --simulated    the built-in simulated account, as a stated simulated identity`;

/** One line per command for the overview, then the full help of each. */
export const COMMAND_HELP: Record<CommandName, { readonly summary: string; readonly help: string }> = {
  demo: {
    summary: "replay the seed's stories on the built-in simulated account",
    help: `${USAGE.demo}
  Replays the seed's stories on the simulated account: no AWS account, credentials or network.
  story          run one story only: drift, targets, grants, slack, slack-app, checks or storm (default: all)`,
  },
  grant: {
    summary: 'open temporary access to a database port',
    help: `${USAGE.grant}
  Asks grant-access for a time-boxed rule; it is removed when the time is up.
  --group sg-…          the security group
  --port N              a port the policy lets people grant
  --cidr A.B.C.D/N      the address range to let in (or --source-group sg-…)
  --ttl 2h              how long (default: the policy's defaultTtl, at most its maxTtl)
  --reason "…"          why, e.g. the incident or ticket
  --account ID          the member account of the policy's organisation the group is in (default:
                        netwarden's own); it picks where only, your identity still authorises
${GRANT_ACCESS}`,
  },
  grants: {
    summary: 'list active grants with time left',
    help: `${USAGE.grants}
  Lists the grants netwarden's state table holds: rule id, group, access, owner, expiry, reason.
${GRANT_ACCESS}`,
  },
  revoke: {
    summary: 'revoke a grant now (or every grant, before removing a stack)',
    help: `${USAGE.revoke}
  Revokes a grant before its time is up. --all revokes every active grant (do this before
  \`osls remove\`: nothing expires grants once the stack is gone). Exits 1 if any grant is left.
${GRANT_ACCESS}`,
  },
  check: {
    summary: 'run the daily or weekly operations check in report mode',
    help: `${USAGE.check}
  Runs a check with your AWS credentials (or on the simulated account) and prints its digest.
  Reads only: nothing is changed or published. Exits 1 when any part of the check could not run.
  --state-table NAME    netwarden's state table, for the grants part (default: STATE_TABLE_NAME;
                        the stage's table is netwarden-<stage>-state)
  --json                the digest as JSON
  --simulated           the built-in simulated account`,
  },
  redrive: {
    summary: 'replay parked failures after a fix (a dry run without --apply)',
    help: `${USAGE.redrive}
  Lists, per parked message, what it would replay; with --apply replays it and deletes it once the
  replay succeeded (docs/operations.md).
  --stage NAME   the deployed stage (default: NETWARDEN_STAGE)
  --apply        replay; without it nothing changes
  --limit N      at most N messages (default 1000)`,
  },
  policy: {
    summary: 'check netwarden.policy.yml as the functions will',
    help: `${USAGE.policy}
  Validates the policy (default: netwarden.policy.yml) with the functions' own schema and
  cross-checks (unknown sections, a baseline rule a guardrail forbids), printing every problem as
  the functions would log it. Exits 1 on any problem. \`osls package\` runs the same check.`,
  },
  sandbox: {
    summary: 'serve the simulated account on 127.0.0.1 for your own tools',
    help: `${USAGE.sandbox}
  Serves the simulated account (the seed's estate) on http://127.0.0.1:<port> until Ctrl-C.
  --port N       listen on this port (default: a free one)
  --events DIR   where CloudTrail events of security-group writes go (default: .sandbox/events)`,
  },
  pause: {
    summary: 'kill switch: put every function of a stage into report mode now',
    help: `${USAGE.pause}
  Sets /netwarden/<stage>/paused to "true": within 60 seconds every function decides in report mode
  and every finding says it is paused; grant-access refuses new grants; expiry still closes access.
  No redeploy. The first step of the incident runbook (docs/operations.md).
  --stage NAME    the deployed stage (default: NETWARDEN_STAGE)
  --reason "…"    why, kept in the parameter's description with who paused (STS GetCallerIdentity)`,
  },
  resume: {
    summary: 'lift the kill switch: netwarden acts again within 60 seconds',
    help: `${USAGE.resume}
  Sets /netwarden/<stage>/paused to "false".
  --stage NAME    the deployed stage (default: NETWARDEN_STAGE)`,
  },
  status: {
    summary: 'show the kill switch (since when, by whom, why) and the blast-radius budget now',
    help: `${USAGE.status}
  Reads /netwarden/<stage>/paused as the functions do: absent or "false" is running; "true" is
  paused; anything else, or a parameter that cannot be read, holds the functions in report mode.
  Then since when and by whom (Parameter Store's record of the last write) and the note written with
  it, and the budget of the current window per account: writes used of the limit, groups held back.
  --stage NAME         the deployed stage (default: NETWARDEN_STAGE)
  --state-table NAME   where the budget is counted (default: STATE_TABLE_NAME, else netwarden-<stage>-state)`,
  },
  history: {
    summary: 'list what netwarden did (the journal), newest first',
    help: `${USAGE.history}
  Lists every write netwarden made (revoke, restore, start, reboot, re-register, grant, expiry, tag)
  with its cause, event id and finding, and the reversals netwarden undo made. Reads only.
  --stage NAME          the deployed stage (default: NETWARDEN_STAGE); its table is netwarden-<stage>-state
  --since 1d            how far back (default 1d, at most 90d: the journal keeps 90 days)
  --group sg-…          only what was done to this security group (or a target group, by its ARN)
  --state-table NAME    the table itself (default: STATE_TABLE_NAME)`,
  },
  undo: {
    summary: 'reverse what netwarden did for one event, or in a window (a dry run unless confirmed)',
    help: `${USAGE.undo}
  Shows what it would reverse and what it leaves (a reversal that would breach a guardrail, an
  expired or revoked grant, a heal's start or tags, a reboot (cannot be reversed) …, each with the reason), then reverses only when confirmed: --yes, or y
  at the terminal. Reversals use your own AWS credentials and are recorded in the state table.
  Pause netwarden first (netwarden pause): a running revert-sg-drift reverts re-created rules.
  <event id>            the event whose writes to reverse (every finding carries it)
  <finding id>          only the writes one finding reported (its id field, <event id>/<random>)
  --since 15m           every write in this window instead, newest first
  --group sg-…          with --since: only writes to this security group (or a target group, by its ARN)
  --yes                 reverse without asking
  --stage NAME          the deployed stage (default: NETWARDEN_STAGE); its table is netwarden-<stage>-state
  --state-table NAME    the table itself (default: STATE_TABLE_NAME)
  --member-profile P    an AWS profile of a member account of the organisation: writes netwarden made in
                        that account are reversed there with it (the journal is still read centrally);
                        a write of any other account than yours or P's is left, with the reason`,
  },
};

export function overview(): string {
  const width = Math.max(...Object.keys(COMMAND_HELP).map((name) => name.length)) + 2;
  return [
    'usage: netwarden <command> [options]',
    '',
    'commands:',
    ...Object.entries(COMMAND_HELP).map(([name, { summary }]) => `  ${name.padEnd(width)}${summary}`),
    '',
    'netwarden help <command> or netwarden <command> --help: the options of a command',
    'netwarden --version: the version',
  ].join('\n');
}
