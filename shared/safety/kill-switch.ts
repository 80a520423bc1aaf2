/**
 * The kill switch: one SSM parameter per stage (`/netwarden/<stage>/paused`, a String "true" or
 * "false") that puts every function into report mode at once, without a redeploy.
 *
 * - Absent means not paused (the stack does not create it, so a deploy never resumes netwarden).
 * - Read at most once per `maxStaleMs` (60 s) per container, with the injected clock: `netwarden pause`
 *   holds every container within a minute.
 * - Fail-safe: a read that fails, or a value other than "true"/"false", counts as paused
 *   (`unreadable`), and every finding says so. A broken switch must never mean "carry on writing".
 *   A failed read is not cached: the next event reads again, so a passing fault lifts by itself.
 */
import { awsErrorCode, errorMessage } from '../errors';
import type { Finding, Publish } from '../findings/finding';
import type { Mode, Policy } from '../policy/schema';

export const KILL_SWITCH_MAX_STALE_MS = 60_000;

/** The parameter of a stage's kill switch. */
export const killSwitchParameter = (stage: string): string => `/netwarden/${stage}/paused`;

/** The parameter's value, or `undefined` when it does not exist; any other failure throws. */
export type ReadParameter = (name: string) => Promise<string | undefined>;

export type KillSwitchState =
  | { readonly paused: false }
  | { readonly paused: true; readonly parameter: string; readonly because: 'switched-on' }
  | {
      readonly paused: true;
      readonly parameter: string;
      readonly because: 'unreadable';
      readonly error: string;
    };

export type Paused = Extract<KillSwitchState, { paused: true }>;

/** What a parameter value means; `undefined` is a parameter that does not exist. */
export function switchState(parameter: string, value: string | undefined): KillSwitchState {
  if (value === undefined || value.trim() === 'false') return { paused: false };
  if (value.trim() === 'true') return { paused: true, parameter, because: 'switched-on' };
  return {
    paused: true,
    parameter,
    because: 'unreadable',
    error: `value ${JSON.stringify(value.slice(0, 40))} is neither "true" nor "false"`,
  };
}

export interface KillSwitchOptions {
  readonly now: () => Date;
  readonly maxStaleMs?: number;
  /** Told once per failed read, with the AWS error code or message (never a value: there is no secret here). */
  readonly onUnreadable?: (data: { parameter: string; error: string }) => void;
}

export interface KillSwitch {
  /** The switch, read at most once per `maxStaleMs`; a failed read counts as paused. */
  read(): Promise<KillSwitchState>;
  /** The state last read, while still fresh, without a read: for findings of events that touch no AWS. */
  known(): KillSwitchState | undefined;
}

export function cachedKillSwitch(
  read: ReadParameter,
  parameter: string,
  options: KillSwitchOptions,
): KillSwitch {
  const maxStaleMs = options.maxStaleMs ?? KILL_SWITCH_MAX_STALE_MS;
  let cached: { state: KillSwitchState; readAt: number } | undefined;
  const fresh = (now: number) => (cached && now - cached.readAt < maxStaleMs ? cached.state : undefined);
  return {
    known: () => fresh(options.now().getTime()),
    read: async () => {
      const now = options.now().getTime();
      const state = fresh(now);
      if (state) return state;
      try {
        const state = switchState(parameter, await read(parameter));
        cached = { state, readAt: now };
        return state;
      } catch (failure) {
        cached = undefined;
        const error = errorCodeOf(failure);
        options.onUnreadable?.({ parameter, error });
        return { paused: true, parameter, because: 'unreadable', error };
      }
    },
  };
}

/** AWS's error code (AccessDeniedException, ThrottlingException …), else the error's message. */
const errorCodeOf = (failure: unknown): string => awsErrorCode(failure) ?? errorMessage(failure);

/** The sentence every finding made while paused carries (Slack shows it; `details` is for subscribers). */
export function pausedNote(paused: Paused, mode: Mode): string {
  const cause =
    paused.because === 'switched-on'
      ? `the kill switch ${paused.parameter} is on`
      : `the kill switch ${paused.parameter} could not be read (${paused.error}), so netwarden holds itself as if it were on`;
  return mode === 'report'
    ? `Paused: ${cause}. Report mode: nothing was changed.`
    : `Paused: ${cause}. This function still acts because it only narrows access (closing expired grants).`;
}

/** The finding as published while paused: the `paused` field says why and what it meant. */
export function markPaused<F extends Finding>(finding: F, paused: Paused): F {
  return {
    ...finding,
    paused: {
      parameter: paused.parameter,
      because: paused.because,
      ...(paused.because === 'unreadable' ? { error: paused.error } : {}),
      note: pausedNote(paused, finding.mode),
    },
  };
}

/** `publish`, marking every finding while `state` is paused. */
export const publishMarked = (publish: Publish, state: KillSwitchState): Publish =>
  state.paused ? (finding) => publish(markPaused(finding, state)) : publish;

/** A use case's deps that the kill switch can hold: its policy (whose mode it sets) and its publisher. */
export interface Holdable {
  readonly policy: Policy;
  readonly publish: Publish;
  /** Read once the event is one netwarden may act on, never for one it settles without AWS. */
  readonly killSwitch?: KillSwitch;
}

/**
 * `deps` for an event about to be acted on: while the switch is on (or unreadable), report mode and a
 * publisher that marks every finding. Reads the switch once; the returned deps do not read it again.
 */
export async function held<D extends Holdable>(deps: D): Promise<D & { readonly paused?: Paused }> {
  if (!deps.killSwitch) return deps;
  const state = await deps.killSwitch.read();
  const { killSwitch: _read, ...rest } = deps;
  if (!state.paused) return rest as D;
  return {
    ...rest,
    // The top-level mode 'report' wins over every section's (effectiveMode), as the stage's mode does.
    policy: { ...deps.policy, mode: 'report' },
    publish: publishMarked(deps.publish, state),
    paused: state,
  } as D & {
    paused: Paused;
  };
}

/** `deps` whose findings say the switch is on, mode unchanged: for what only narrows access (expiry). */
export async function marked<D extends Holdable>(deps: D): Promise<D> {
  if (!deps.killSwitch) return deps;
  const state = await deps.killSwitch.read();
  const { killSwitch: _read, ...rest } = deps;
  return { ...rest, publish: publishMarked(deps.publish, state) } as D;
}
