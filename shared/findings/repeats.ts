/**
 * A sweep finds the same unresolved problem on every run. On-call needs it once, again when it
 * changes, and again if it is still there after `repeatAfterMs` — not every five minutes. The memory
 * is the container's: a cold start forgets, so the worst case is one extra repeat, never a lost change.
 */
export function repeatGate(repeatAfterMs: number, capacity = 1000) {
  const last = new Map<string, { readonly fingerprint: string; readonly at: number }>();
  const isRepeat = (subject: string, fingerprint: string, now: Date) => {
    const previous = last.get(subject);
    return previous?.fingerprint === fingerprint && now.getTime() - previous.at < repeatAfterMs;
  };
  /** News published regardless (an alarm's answer, an action); the window runs from its first telling. */
  function remember(subject: string, fingerprint: string, now: Date): void {
    if (isRepeat(subject, fingerprint, now)) return;
    last.delete(subject);
    last.set(subject, { fingerprint, at: now.getTime() });
    if (last.size > capacity) {
      const oldest = last.keys().next().value;
      if (oldest !== undefined) last.delete(oldest);
    }
  }
  /** True when this news about `subject` is worth publishing now; remembers it if so. */
  function shouldPublish(subject: string, fingerprint: string, now: Date): boolean {
    if (isRepeat(subject, fingerprint, now)) return false;
    remember(subject, fingerprint, now);
    return true;
  }
  /** `subject` is back to normal: its next problem is news again. */
  function clear(subject: string): void {
    last.delete(subject);
  }
  return { shouldPublish, remember, clear };
}
export type RepeatGate = ReturnType<typeof repeatGate>;
