/**
 * A sweep finds the same unresolved problem on every run. On-call needs it once, again when it
 * changes, and again if it is still there after `repeatAfterMs` — not every five minutes. The memory
 * is the container's: a cold start forgets, so the worst case is one extra repeat, never a lost change.
 */
export function repeatGate(repeatAfterMs: number, capacity = 1000) {
  const last = new Map<string, { readonly fingerprint: string; readonly at: number }>();
  return {
    /** True when this news about `subject` is worth publishing now; remembers it if so. */
    shouldPublish(subject: string, fingerprint: string, now: Date): boolean {
      const previous = last.get(subject);
      if (previous?.fingerprint === fingerprint && now.getTime() - previous.at < repeatAfterMs) return false;
      last.delete(subject);
      last.set(subject, { fingerprint, at: now.getTime() });
      if (last.size > capacity) {
        const oldest = last.keys().next().value;
        if (oldest !== undefined) last.delete(oldest);
      }
      return true;
    },
    /** `subject` is back to normal: its next problem is news again. */
    clear(subject: string): void {
      last.delete(subject);
    },
  };
}
export type RepeatGate = ReturnType<typeof repeatGate>;
