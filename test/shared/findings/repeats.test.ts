/**
 * Repeat suppression: the same news about a subject once per window; a change, a clear or the window
 * makes it news again. The same cases run on the in-memory gate and on the state table (dynalite),
 * where the memory also survives a cold start (a new gate on the same table).
 */
import { describe, expect, it } from 'vitest';
import { stateTableRepeats } from '../../../shared/aws/state-table/repeat-store';
import { type RepeatGate, repeatGate } from '../../../shared/findings/repeats';
import { useStateTable } from '../../helpers/state-table';

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 23, 0, minutes));
const HOUR = 60 * 60_000;
const table = useStateTable();
const inTable = (owner = 'heal-targets') =>
  stateTableRepeats(table.current.client, table.current.tableName, owner, HOUR);

describe.each([
  ['in memory', () => repeatGate(HOUR)],
  ['in the state table', () => inTable()],
])('repeat gate %s', (_name, gateOf: () => RepeatGate) => {
  it('lets the same fingerprint through once per window, and a different one at once', async () => {
    const gate = gateOf();
    expect(await gate.shouldPublish('tg-a', 'systemic|3 of 3', at(0))).toBe(true);
    expect(await gate.shouldPublish('tg-a', 'systemic|3 of 3', at(59))).toBe(false);
    expect(await gate.shouldPublish('tg-b', 'systemic|3 of 3', at(59))).toBe(true);
    expect(await gate.shouldPublish('tg-a', 'systemic|2 of 3', at(59))).toBe(true);
    expect(await gate.shouldPublish('tg-a', 'systemic|2 of 3', at(118))).toBe(false);
    expect(await gate.shouldPublish('tg-a', 'systemic|2 of 3', at(119))).toBe(true);
  });

  it('forgets a subject that was cleared', async () => {
    const gate = gateOf();
    await gate.shouldPublish('tg-a', 'systemic', at(0));
    await gate.clear('tg-a');
    expect(await gate.shouldPublish('tg-a', 'systemic', at(1))).toBe(true);
  });

  it('starts the window at the first telling of news published regardless', async () => {
    const gate = gateOf();
    await gate.remember('tg-a', 'acted', at(0));
    await gate.remember('tg-a', 'acted', at(30));
    expect(await gate.shouldPublish('tg-a', 'acted', at(59))).toBe(false);
    expect(await gate.shouldPublish('tg-a', 'acted', at(60))).toBe(true);
  });
});

describe('repeat gate in the state table', () => {
  it('remembers across a cold start: a new container sharing the table does not repeat the news', async () => {
    await inTable().shouldPublish('tg-a', 'systemic|3 of 3', at(0));

    expect(await inTable().shouldPublish('tg-a', 'systemic|3 of 3', at(5))).toBe(false);
  });

  it('keeps each function’s subjects apart', async () => {
    await inTable('heal-targets').shouldPublish('x', 'same', at(0));

    expect(await inTable('expire-grants').shouldPublish('x', 'same', at(1))).toBe(true);
  });
});

describe('in-memory repeat gate', () => {
  it('holds at most `capacity` subjects, forgetting the oldest first', async () => {
    const gate = repeatGate(HOUR, 2);
    await gate.shouldPublish('tg-a', 'x', at(0));
    await gate.shouldPublish('tg-b', 'x', at(0));
    await gate.shouldPublish('tg-c', 'x', at(0));
    expect(await gate.shouldPublish('tg-a', 'x', at(1))).toBe(true);
    expect(await gate.shouldPublish('tg-c', 'x', at(1))).toBe(false);
  });
});
