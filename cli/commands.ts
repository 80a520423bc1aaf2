/**
 * The one registry of CLI commands. Each loads lazily, so `netwarden grants` does not pay for the
 * demo; help comes from cli/help.ts, so `--help` loads nothing.
 */
import type { CommandName } from './help';
import type { CliCommand } from './io';

export const COMMANDS: Record<CommandName, () => Promise<CliCommand>> = {
  demo: () => import('./demo/index').then((module) => module.run),
  grant: () => import('./grants').then((module) => module.grant),
  grants: () => import('./grants').then((module) => module.listGrants),
  revoke: () => import('./grants').then((module) => module.revoke),
  check: () => import('./check').then((module) => module.run),
  redrive: () => import('./redrive').then((module) => module.run),
  policy: () => import('./policy').then((module) => module.run),
  sandbox: () => import('./sandbox').then((module) => module.run),
  pause: () => import('./pause').then((module) => module.pause),
  resume: () => import('./pause').then((module) => module.resume),
  status: () => import('./pause').then((module) => module.status),
  history: () => import('./undo').then((module) => module.history),
  undo: () => import('./undo').then((module) => module.undo),
};

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}
