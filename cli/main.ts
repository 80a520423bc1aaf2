/**
 * netwarden CLI. Commands load lazily so `netwarden grants` does not pay for the demo.
 *   netwarden demo                       replay the seed's stories on the simulated account (npm start)
 *   netwarden grant|grants|revoke …      temporary access grants
 *   netwarden check daily|weekly         the operations checks in report mode
 *   netwarden redrive <queue>            replay parked failures after a fix (dry run unless --apply)
 *   netwarden sandbox                    serve the simulated account on 127.0.0.1 (npm run sandbox)
 * Add --simulated to run any command against the built-in simulated account.
 */
// This machine may run Node 20; the SDK's advice to upgrade is noise in a CLI's output (Lambda runs 22).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, () => Promise<{ run: CliCommand }>> = {
  demo: () => import('./demo/index'),
  grant: () => import('./grants').then((module) => ({ run: module.grant })),
  grants: () => import('./grants').then((module) => ({ run: module.listGrants })),
  revoke: () => import('./grants').then((module) => ({ run: module.revoke })),
  check: () => import('./check'),
  redrive: () => import('./redrive'),
  sandbox: () => import('./sandbox'),
};

const USAGE = `usage: netwarden <command> [options]
  demo                                   replay the seed's stories on the simulated account
  grant --group sg-… --port 5432 --cidr 203.0.113.7/32 --ttl 2h --reason "…" [--owner name]
  grants                                 list active grants with time left
  revoke <rule-id>                       revoke a grant now
  check daily|weekly                     run an operations check in report mode
  redrive failed-events|events-dlq|notifications-dlq --stage NAME [--apply]
                                         replay parked failures after a fix (a dry run without --apply)
  sandbox [--port N]                     serve the simulated account on 127.0.0.1 for your own tools
options: --simulated (use the built-in simulated account)`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    io.err(
      name && name !== '--help' && name !== 'help'
        ? `unknown command ${JSON.stringify(name)}\n${USAGE}`
        : USAGE,
    );
    return name && name !== '--help' && name !== 'help' ? 2 : 0;
  }
  const command = await load();
  return command.run(args, io);
}
