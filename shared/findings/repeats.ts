/**
 * A sweep finds the same unresolved problem on every run. On-call needs it once, again when it
 * changes, and again if it is still there after `repeatAfterMs` — not every five minutes. The memory
 * lives in netwarden's state table (shared/aws/state-table/repeat-store.ts), so a cold start forgets nothing;
 * `repeatGate` is the same gate in memory, for tests and tools without a table.
 */
export interface RepeatGate {
  /** True when this news about `subject` is worth publishing now; remembers it if so. */
  shouldPublish(subject: string, fingerprint: string, now: Date): Promise<boolean>;
  /** News published regardless (an alarm's answer, an action); the window runs from its first telling. */
  remember(subject: string, fingerprint: string, now: Date): Promise<void>;
  /** `subject` is back to normal: its next problem is news again. */
  clear(subject: string): Promise<void>;
}

export function repeatGate(repeatAfterMs: number, capacity = 1000): RepeatGate {
  const last = new Map<string, { readonly fingerprint: string; readonly at: number }>();
  const isRepeat = (subject: string, fingerprint: string, now: Date) => {
    const previous = last.get(subject);
    return previous?.fingerprint === fingerprint && now.getTime() - previous.at < repeatAfterMs;
  };
  function remember(subject: string, fingerprint: string, now: Date): void {
    if (isRepeat(subject, fingerprint, now)) return;
    last.delete(subject);
    last.set(subject, { fingerprint, at: now.getTime() });
    if (last.size > capacity) {
      const oldest = last.keys().next().value;
      if (oldest !== undefined) last.delete(oldest);
    }
  }
  return {
    async shouldPublish(subject, fingerprint, now) {
      if (isRepeat(subject, fingerprint, now)) return false;
      remember(subject, fingerprint, now);
      return true;
    },
    async remember(subject, fingerprint, now) {
      remember(subject, fingerprint, now);
    },
    async clear(subject) {
      last.delete(subject);
    },
  };
}
