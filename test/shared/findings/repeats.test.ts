/** repeatGate: the same news about a subject once per window; a change, a clear or the window makes it news again. */
import { describe, expect, it } from 'vitest';
import { repeatGate } from '../../../shared/findings/repeats';

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 23, 0, minutes));

describe('repeatGate', () => {
  it('lets the same fingerprint through once per window, and a different one at once', () => {
    const gate = repeatGate(60 * 60_000);
    expect(gate.shouldPublish('tg-a', 'systemic|3 of 3', at(0))).toBe(true);
    expect(gate.shouldPublish('tg-a', 'systemic|3 of 3', at(59))).toBe(false);
    expect(gate.shouldPublish('tg-b', 'systemic|3 of 3', at(59))).toBe(true);
    expect(gate.shouldPublish('tg-a', 'systemic|2 of 3', at(59))).toBe(true);
    expect(gate.shouldPublish('tg-a', 'systemic|2 of 3', at(118))).toBe(false);
    expect(gate.shouldPublish('tg-a', 'systemic|2 of 3', at(119))).toBe(true);
  });

  it('forgets a subject that was cleared', () => {
    const gate = repeatGate(60 * 60_000);
    gate.shouldPublish('tg-a', 'systemic', at(0));
    gate.clear('tg-a');
    expect(gate.shouldPublish('tg-a', 'systemic', at(1))).toBe(true);
  });

  it('holds at most `capacity` subjects, forgetting the oldest first', () => {
    const gate = repeatGate(60 * 60_000, 2);
    gate.shouldPublish('tg-a', 'x', at(0));
    gate.shouldPublish('tg-b', 'x', at(0));
    gate.shouldPublish('tg-c', 'x', at(0));
    expect(gate.shouldPublish('tg-a', 'x', at(1))).toBe(true);
    expect(gate.shouldPublish('tg-c', 'x', at(1))).toBe(false);
  });
});
