/**
 * revert-sg-drift as the scenario tests drive it: the real handler, loaded afresh for each test (a new
 * "container": module-level caches such as recent events and group facts start empty), fed the
 * CloudTrail events the simulated account records.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, vi } from 'vitest';
import { type RevertDeps, revertDrift } from '../../functions/revert-sg-drift/revert';
import { RevertEvent } from '../../functions/revert-sg-drift/schema';
import type { Home } from '../../shared/events/home';
import type { CloudTrailEvent } from '../../simulated-account/account';
import { ACCOUNT_ID, type Identity, type Simulation } from '../../simulated-account/index';
import { lambdaContext } from '../../simulated-account/lambda-context';
import { callsSince, findingsOf } from './simulation';

/** Where the simulated account's netwarden runs: revertDrift's `home` for tests that call it directly. */
export const SIMULATED_HOME: Home = { accounts: [ACCOUNT_ID], region: 'ap-northeast-2' };

/**
 * revertDrift fed as the handler feeds it: the raw event read by the function's schema first (a test
 * that calls the use case directly passes events the schema accepts; refused ones go through the handler).
 */
export async function revertEvent(raw: unknown, deps: RevertDeps) {
  const parsed = RevertEvent.safeParse(raw);
  if (!parsed.success) throw new Error(`the schema refused the test's event: ${parsed.reason}`);
  return revertDrift(parsed.data, deps);
}

type Handler = typeof import('../../functions/revert-sg-drift/handler')['handler'];

/** Call after useSimulation(), so that each test's account exists before its handler loads. */
export function useRevertHandler(sim: { readonly current: Simulation }) {
  let handler: Handler | undefined;
  /** Loads the handler anew, e.g. after changing the environment it reads at cold start. */
  async function reload(): Promise<void> {
    vi.resetModules();
    ({ handler } = await import('../../functions/revert-sg-drift/handler'));
  }
  beforeEach(reload);
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** Loads the handler anew with the shipped policy, some of its text replaced (`[from, to]` pairs). */
  async function usePolicy(replace: ReadonlyArray<readonly [string, string]>): Promise<void> {
    let text = readFileSync('netwarden.policy.yml', 'utf8');
    for (const [from, to] of replace) {
      if (!text.includes(from)) throw new Error(`the shipped policy has no text ${JSON.stringify(from)}`);
      text = text.replace(from, to);
    }
    const path = join(mkdtempSync(join(tmpdir(), 'netwarden-policy-')), 'netwarden.policy.yml');
    writeFileSync(path, text);
    vi.stubEnv('POLICY_PATH', path);
    await reload();
  }

  /** Runs `act` as `identity`; returns the one CloudTrail event AWS would deliver for it. */
  async function actAs(identity: Identity, act: () => Promise<unknown>): Promise<CloudTrailEvent> {
    const { events } = await sim.current.account.as(identity, act);
    const [event] = events;
    if (!event) throw new Error('the action produced no CloudTrail event');
    return event;
  }

  /** Invokes the handler; returns its result and the AWS calls and findings it caused. */
  async function invoke(event: unknown, context: Context = lambdaContext()) {
    if (!handler) throw new Error('useRevertHandler() is only available inside a test');
    const mark = sim.current.account.calls.length;
    const published = sim.current.published.length;
    const result = (await handler(event, context)) as { status: string; decisions: string[] };
    return {
      result,
      calls: callsSince(sim.current, mark),
      findings: findingsOf(sim.current, published),
    };
  }

  return { actAs, invoke, reload, usePolicy };
}
